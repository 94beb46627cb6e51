/**
 * Making patient-derived strings safe to show. CDS clients render `detail` as GitHub-Flavored Markdown, and the
 * CDS Hooks sandbox does so with raw HTML enabled (spec-checklist §4.11), so a display string such as
 * `<img src=x onerror=...>` or `[x](javascript:...)` must reach the reader as plain characters, never as markup.
 */

// Line breaks would let a value start a new Markdown block (heading, list, table); bidi overrides can disguise text.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Collapse control characters, line breaks and runs of whitespace into single spaces. */
export function toSingleLine(value: string): string {
  // Most values are already one clean line: return them without the three copies.
  if (!NOT_SINGLE_LINE.test(value)) return value;
  return value.replace(CONTROL_OR_BIDI, ' ').replace(/\s+/g, ' ').trim();
}

// Anything the replacements above would change: a control or bidi character, whitespace other than a space, two
// spaces in a row, or a space at either end.
const NOT_SINGLE_LINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[^\S ]| {2}|^ | $/;

/** Cut to at most `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(value: string, max: number): string {
  // A string of at most `max` UTF-16 units has at most `max` code points.
  if (value.length <= max) return value;
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return (
    chars
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd() + '…'
  );
}

/**
 * Cut to at most `max` characters at a word boundary, marking the cut with an ellipsis: a summary never shows half a
 * word, unit or lab name. A single word longer than the room is cut like `truncate`.
 */
export function truncateWords(value: string, max: number): string {
  if (value.length <= max) return value;
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  const room = chars.slice(0, Math.max(0, max - 1)).join('');
  const space = room.lastIndexOf(' ');
  const cut = space > 0 ? room.slice(0, space) : room;
  return cut.replace(/[\s,;:(–—-]+$/u, '') + '…';
}

// HTML-significant characters become numeric character references: CommonMark decodes them to literal text and
// never treats them as markup or raw HTML.
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Markdown structure characters are backslash-escaped (CommonMark: any ASCII punctuation may be escaped). Values
// are always inline (line breaks are removed), so `-`, `+` and `=` only matter at the very start of a value, and `!`
// only before `[`, which is escaped itself; dates and codes such as M80.08XA stay readable in plain-text clients.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#|~]|^[-+=]/g;

/**
 * Escape a value for inline use inside Markdown (with raw HTML allowed by the client): no HTML, no emphasis, no
 * links, no autolinks (a `:` before `//`, `.` inside a word and `@` are escaped so GFM autolink literals cannot
 * form), no line structure.
 */
export function escapeMarkdownInline(value: string): string {
  // Entities last: their own `#` and `;` must not be escaped again.
  return toSingleLine(value)
    .replace(MARKDOWN_PUNCTUATION, (c) => '\\' + c)
    .replace(/:(?=\/)/g, '\\:')
    .replace(/\.(?=[^\s\d])/g, '\\.')
    .replace(/@/g, '\\@')
    .replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Make a value safe for the plain-text `summary` (clients show it as text, some may render it): one line, and
 * angle brackets replaced by look-alike quotes so no client can ever see a tag.
 */
export function escapePlainText(value: string): string {
  return toSingleLine(value).replace(/</g, '‹').replace(/>/g, '›');
}
