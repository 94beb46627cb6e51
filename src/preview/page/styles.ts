/**
 * Styles of the preview page. Indicator colours follow common EHR practice (red critical, amber warning, blue
 * info); the browser test reads them back, so keep them in step with INDICATOR_COLOURS.
 */
export const INDICATOR_COLOURS = {
  critical: 'rgb(183, 28, 28)',
  warning: 'rgb(230, 124, 0)',
  info: 'rgb(21, 101, 192)',
} as const;

export const previewCss = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; background: #f4f5f7; }
body { margin: 0; }
.topbar { background: #263238; color: #fff; padding: 10px 20px; display: flex; align-items: baseline; gap: 20px; flex-wrap: wrap; }
.topbar h1 { font-size: 20px; margin: 0; }
.tagline { margin: 0; font-size: 13px; opacity: .85; }
.layout { display: grid; grid-template-columns: minmax(320px, 420px) 1fr; gap: 16px; padding: 16px; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
.panel { background: #fff; border-radius: 6px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.12); min-width: 0; }
.controls label { display: block; font-weight: 600; font-size: 13px; margin: 8px 0 4px; }
.controls select, .controls button { width: 100%; font-size: 14px; padding: 6px; }
.controls button { margin-top: 10px; background: #37474f; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.story { font-size: 14px; }
.intended { font-size: 13px; color: #455a64; }
h2 { font-size: 15px; margin: 16px 0 6px; }
.chart { width: 100%; border-collapse: collapse; font-size: 12px; }
.chart th, .chart td { text-align: left; border-bottom: 1px solid #e0e0e0; padding: 3px 4px; vertical-align: top; overflow-wrap: anywhere; }
.chart td:first-child, .chart td:last-child { white-space: nowrap; }
.draft p { font-size: 13px; background: #fffde7; padding: 6px; border-radius: 4px; }
.status { font-size: 13px; color: #455a64; }
.status.error { color: ${INDICATOR_COLOURS.critical}; font-weight: 600; }
.card { border: 1px solid #d0d4d9; border-left: 6px solid #90a4ae; border-radius: 4px; padding: 10px 14px; margin: 0 0 12px; background: #fff; }
.card-critical { border-left-color: ${INDICATOR_COLOURS.critical}; }
.card-warning { border-left-color: ${INDICATOR_COLOURS.warning}; }
.card-info { border-left-color: ${INDICATOR_COLOURS.info}; }
.card-head { display: flex; gap: 10px; align-items: baseline; }
.badge { font-size: 11px; font-weight: 700; text-transform: uppercase; color: #fff; border-radius: 3px; padding: 2px 6px; letter-spacing: .04em; }
.card-critical .badge { background: ${INDICATOR_COLOURS.critical}; }
.card-warning .badge { background: ${INDICATOR_COLOURS.warning}; }
.card-info .badge { background: ${INDICATOR_COLOURS.info}; }
.summary { font-size: 16px; margin: 0; }
.card-critical .summary { color: ${INDICATOR_COLOURS.critical}; }
.card-warning .summary { color: #a35400; }
.card-info .summary { color: ${INDICATOR_COLOURS.info}; }
.source { font-size: 12px; color: #546e7a; margin: 4px 0 0; }
.topic { font-family: ui-monospace, Menlo, Consolas, monospace; background: #eceff1; padding: 0 4px; border-radius: 3px; }
.detail { font-size: 14px; line-height: 1.45; }
.detail p { margin: 6px 0; }
.detail code { background: #eceff1; padding: 0 3px; border-radius: 3px; }
.links, .suggestions, .dismiss { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; align-items: center; }
.links a { font-size: 13px; }
.links .smart { font-size: 13px; color: #78909c; }
.suggestions button { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 4px; padding: 5px 10px; cursor: pointer; font-size: 13px; }
.suggestions button.recommended { font-weight: 700; border-color: #1565c0; }
.suggestion-resource { width: 100%; background: #263238; color: #e0f2f1; font-size: 12px; padding: 8px; border-radius: 4px; overflow: auto; max-height: 320px; margin: 6px 0 0; }
.dismiss select { font-size: 13px; padding: 3px; }
.dismiss button { font-size: 13px; }
.empty { font-size: 14px; color: #546e7a; font-style: italic; }
.exchange pre { font-size: 11px; max-height: 420px; overflow: auto; background: #f5f5f5; padding: 8px; }
`;
