/**
 * The browser side of the card renderer's Markdown: a small subset (paragraphs, #–### headings, - / * / 1. lists,
 * **bold**, *italic* / _italic_, `code`, [text](http(s) url), backslash escapes and character references such as &lt;)
 * turned into DOM nodes with createElement and text nodes only. Nothing is ever parsed as HTML, so markup in a card
 * or in patient data shows as the characters it is. Links other than http(s) become plain text. Kept as a string (the service has no browser bundler); it defines
 * `renderMarkdown(text)` → DocumentFragment, used by the page script loaded after it.
 */
export const markdownClientScript = String.raw`
function renderMarkdown(text) {
  var fragment = document.createDocumentFragment();
  var lines = String(text).replace(/\r\n?/g, '\n').split('\n');
  var list = null;
  var paragraph = [];
  function flushParagraph() {
    if (paragraph.length === 0) return;
    var p = document.createElement('p');
    appendInline(p, protect(paragraph.join(' ')));
    fragment.appendChild(p);
    paragraph = [];
  }
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    var heading = /^(#{1,3})\s+(.*)$/.exec(line);
    var bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    var numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (line.trim() === '') { flushParagraph(); list = null; continue; }
    if (heading) {
      flushParagraph(); list = null;
      var h = document.createElement('h' + (heading[1].length + 3));
      appendInline(h, protect(heading[2]));
      fragment.appendChild(h);
      continue;
    }
    if (bullet || numbered) {
      flushParagraph();
      var kind = bullet ? 'UL' : 'OL';
      if (!list || list.tagName !== kind) { list = document.createElement(kind); fragment.appendChild(list); }
      var li = document.createElement('li');
      appendInline(li, protect((bullet || numbered)[1]));
      list.appendChild(li);
      continue;
    }
    list = null;
    paragraph.push(line.trim());
  }
  flushParagraph();
  return fragment;
}

var INLINE = /(\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|(?<![A-Za-z0-9])_([^_\s][^_]*)_(?![A-Za-z0-9])|\x60([^\x60]+)\x60|\[([^\]]+)\]\(([^)\s]+)\))/;

// A backslash-escaped punctuation character must not act as syntax: it is parked in the Private Use Area while
// the inline syntax is parsed, and restored as plain text.
function protect(text) {
  return text.replace(/\\([!-\/:-@\[-\x60{-~])/g, function (_m, c) { return String.fromCharCode(0xE000 + c.charCodeAt(0)); });
}

var ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

// Text as the reader sees it: escapes restored, character references decoded. Only ever used as a text node.
function plain(text) {
  return text
    .replace(/[\uE000-\uE07F]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xE000); })
    .replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, function (all, name) {
      if (name.charAt(0) === '#') {
        var code = name.charAt(1) === 'x' || name.charAt(1) === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10FFFF ? String.fromCodePoint(code) : all;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : all;
    });
}

function appendInline(parent, text) {
  var rest = text;
  while (rest.length > 0) {
    var m = INLINE.exec(rest);
    if (!m) { parent.appendChild(document.createTextNode(plain(rest))); return; }
    if (m.index > 0) parent.appendChild(document.createTextNode(plain(rest.slice(0, m.index))));
    if (m[2] !== undefined || m[3] !== undefined) {
      var strong = document.createElement('strong');
      appendInline(strong, m[2] !== undefined ? m[2] : m[3]);
      parent.appendChild(strong);
    } else if (m[4] !== undefined || m[5] !== undefined) {
      var em = document.createElement('em');
      appendInline(em, m[4] !== undefined ? m[4] : m[5]);
      parent.appendChild(em);
    } else if (m[6] !== undefined) {
      var code = document.createElement('code');
      code.textContent = plain(m[6]);
      parent.appendChild(code);
    } else {
      parent.appendChild(safeLink(plain(m[7]), plain(m[8])));
    }
    rest = rest.slice(m.index + m[0].length);
  }
}

function safeLink(label, href) {
  var url = null;
  try { url = new URL(href, window.location.href); } catch (e) { url = null; }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return document.createTextNode('[' + label + '](' + href + ')');
  }
  var a = document.createElement('a');
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = label;
  return a;
}
`;
