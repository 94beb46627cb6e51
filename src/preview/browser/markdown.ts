/**
 * The browser side of the card renderer's Markdown: a small subset (paragraphs, #–### headings, - / * / 1. lists,
 * **bold**, *italic* / _italic_, `code`, [text](http(s) url), backslash escapes and character references such as
 * &lt;) turned into DOM nodes with createElement and text nodes only. Nothing is ever parsed as HTML, so markup in a
 * card or in patient data shows as the characters it is. Links other than http(s) become plain text.
 */
export function renderMarkdown(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const lines = String(text).replace(/\r\n?/g, '\n').split('\n');
  let list: HTMLUListElement | HTMLOListElement | null = null;
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const p = document.createElement('p');
    appendInline(p, protect(paragraph.join(' ')));
    fragment.appendChild(p);
    paragraph = [];
  };
  for (const line of lines) {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const item = bullet ?? /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      flushParagraph();
      list = null;
      continue;
    }
    if (heading) {
      flushParagraph();
      list = null;
      const h = document.createElement(`h${heading[1]!.length + 3}`);
      appendInline(h, protect(heading[2]!));
      fragment.appendChild(h);
      continue;
    }
    if (item) {
      flushParagraph();
      const kind = bullet ? 'ul' : 'ol';
      if (!list || list.tagName !== kind.toUpperCase()) {
        list = document.createElement(kind);
        fragment.appendChild(list);
      }
      const li = document.createElement('li');
      appendInline(li, protect(item[1]!));
      list.appendChild(li);
      continue;
    }
    list = null;
    paragraph.push(line.trim());
  }
  flushParagraph();
  return fragment;
}

const INLINE =
  /(\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|(?<![A-Za-z0-9])_([^_\s][^_]*)_(?![A-Za-z0-9])|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/;

/**
 * A backslash-escaped punctuation character must not act as syntax: it is parked in the Private Use Area while the
 * inline syntax is parsed, and restored as plain text.
 */
function protect(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, (_m, c: string) =>
    String.fromCharCode(0xe000 + c.charCodeAt(0)),
  );
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Text as the reader sees it: escapes restored, character references decoded. Only ever used as a text node. */
function plain(text: string): string {
  return text
    .replace(/[\uE000-\uE07F]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000))
    .replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (all, name: string) => {
      if (name.startsWith('#')) {
        const hex = name[1] === 'x' || name[1] === 'X';
        const code = hex ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name]! : all;
    });
}

function appendInline(parent: Node, text: string): void {
  let rest = text;
  while (rest.length > 0) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.appendChild(document.createTextNode(plain(rest)));
      return;
    }
    if (m.index > 0) parent.appendChild(document.createTextNode(plain(rest.slice(0, m.index))));
    const [all, , bold1, bold2, italic1, italic2, code, label, href] = m;
    if (bold1 !== undefined || bold2 !== undefined) {
      const strong = document.createElement('strong');
      appendInline(strong, (bold1 ?? bold2)!);
      parent.appendChild(strong);
    } else if (italic1 !== undefined || italic2 !== undefined) {
      const em = document.createElement('em');
      appendInline(em, (italic1 ?? italic2)!);
      parent.appendChild(em);
    } else if (code !== undefined) {
      const node = document.createElement('code');
      node.textContent = plain(code);
      parent.appendChild(node);
    } else {
      parent.appendChild(safeLink(plain(label!), plain(href!)));
    }
    rest = rest.slice(m.index + all.length);
  }
}

/** An http(s) link opened in a new tab without referrer or opener; anything else stays the text it was. */
function safeLink(label: string, href: string): Node {
  let url: URL | null = null;
  try {
    url = new URL(href, window.location.href);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return document.createTextNode(`[${label}](${href})`);
  }
  const a = document.createElement('a');
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = label;
  return a;
}
