import { describe, expect, it } from 'vitest';
import { escapeMarkdownInline, escapePlainText, truncate } from '../../src/cards/escape.js';
import { shiftIsoDate } from '../../src/cards/dates.js';

describe('escapeMarkdownInline', () => {
  it('turns HTML into character references', () => {
    expect(escapeMarkdownInline('<img src=x onerror=alert(1)>')).toBe(
      '&lt;img src=x onerror=alert\\(1\\)&gt;',
    );
    expect(escapeMarkdownInline(`"a" & 'b'`)).toBe('&quot;a&quot; &amp; &#39;b&#39;');
  });

  it('neutralises emphasis, links, code and autolinks', () => {
    expect(escapeMarkdownInline('**bold** [link](javascript:x)')).toBe(
      '\\*\\*bold\\*\\* \\[link\\]\\(javascript:x\\)',
    );
    expect(escapeMarkdownInline('see https://evil.example or www.evil.example or a@b.example')).toBe(
      'see https\\://evil\\.example or www\\.evil\\.example or a\\@b\\.example',
    );
    expect(escapeMarkdownInline('`x`')).toBe('\\`x\\`');
  });

  it('keeps values on one line so they cannot start a heading, list or table', () => {
    expect(escapeMarkdownInline('a\n# h\r\n- i\u2028| t')).toBe('a \\# h - i \\| t');
    expect(escapeMarkdownInline('- item')).toBe('\\- item');
    expect(escapeMarkdownInline('+ item')).toBe('\\+ item');
  });

  it('leaves ordinary clinical text readable', () => {
    expect(escapeMarkdownInline('Prolia 60 mg SC, eGFR 1.73, M80.08XA onset 2025-04-20')).toBe(
      'Prolia 60 mg SC, eGFR 1.73, M80.08XA onset 2025-04-20',
    );
  });
});

describe('escapePlainText and truncate', () => {
  it('removes tags and line breaks from summary values', () => {
    expect(escapePlainText('<b>x</b>\ny')).toBe('‹b›x‹/b› y');
  });

  it('cuts on code points with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(Array.from(truncate('😀'.repeat(10), 5))).toHaveLength(5);
  });
});

describe('shiftIsoDate', () => {
  it('adds calendar months and clamps to the end of the month, then days', () => {
    expect(shiftIsoDate('2025-06-15', 3)).toBe('2025-09-15');
    expect(shiftIsoDate('2025-01-31', 1)).toBe('2025-02-28');
    expect(shiftIsoDate('2024-11-30', 3)).toBe('2025-02-28');
    expect(shiftIsoDate('2025-10-20', 6)).toBe('2026-04-20');
    expect(shiftIsoDate('2025-02-28', 0, 1)).toBe('2025-03-01');
    expect(shiftIsoDate('2024-12-31', 2, 1)).toBe('2025-03-01');
  });
  it('refuses what is not an ISO date', () => {
    expect(() => shiftIsoDate('2025-06', 1)).toThrow(RangeError);
  });
});
