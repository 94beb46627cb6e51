/**
 * Stored feedback values printed to a terminal (`npm run report`) must not drive it (issue 11 finding 6): C0 and C1
 * control characters (ESC, CSI: clear the screen, move the cursor, fake table rows), DEL, line and paragraph
 * separators and bidi overrides are removed from table cells, or written as \u escapes in JSON.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// JSON.stringify already escapes C0 controls; these it writes as they are.
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const stripTerminalControls = (text: string): string => text.replace(TERMINAL_CONTROLS, '');

export const escapeTerminalJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
