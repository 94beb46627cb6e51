/**
 * How deeply a JSON text nests, read before it is parsed. V8's JSON.parse spends about a microsecond per level of
 * nesting: a 16 MiB body of 8 million nested arrays held the event loop for 7 s (the adversarial bench, issue 11),
 * where 16 MiB of ordinary FHIR parses in about 100 ms. A CDS Hooks request nests about 15 levels (request, prefetch
 * Bundle, entry, resource, extension…), so a small limit refuses such bodies before JSON.parse sees them.
 *
 * One pass in linear time: string contents are skipped with indexOf (a quote is the end of the string unless an odd
 * number of backslashes precede it), brackets outside strings are counted. Malformed JSON is left to the parser.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i + 1);
      if (i === -1) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** The index of the quote that closes the string starting at `from`, or -1 when there is none. */
function endOfString(text: string, from: number): number {
  let at = text.indexOf('"', from);
  while (at !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}
