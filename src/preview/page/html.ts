/**
 * The preview page shell. Static: no server data is ever interpolated into it (the script fetches JSON and builds
 * the DOM with textContent), and script and styles are same-origin files, so the page runs under a strict CSP.
 */
export const previewHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Card preview · denosumab and vertebral-fracture CDS</title>
<link rel="stylesheet" href="/preview/preview.css">
<script src="/preview/preview.js" defer></script>
</head>
<body>
<header class="topbar">
  <h1>Card preview</h1>
  <p class="tagline">Synthetic demo patients only: not for clinical use. Cards come from the real hook endpoints.</p>
</header>
<main class="layout">
  <section class="panel controls" aria-label="Patient and hook">
    <label for="patient">Demo patient</label>
    <select id="patient"></select>
    <label for="hook">Hook</label>
    <select id="hook"></select>
    <button id="run" type="button">Call the service</button>
    <p id="story" class="story"></p>
    <p id="intended" class="intended"></p>
    <h2>Chart</h2>
    <table id="chart" class="chart"><thead><tr><th>Date</th><th>Record</th><th>Status</th></tr></thead><tbody></tbody></table>
    <div id="draft" class="draft" hidden><h2>Draft order</h2><p id="draft-text"></p></div>
  </section>
  <section class="panel cards" aria-label="CDS cards">
    <p id="status" class="status" role="status">Loading demo patients…</p>
    <div id="cards"></div>
    <details class="exchange"><summary>Request and response</summary><pre id="exchange"></pre></details>
  </section>
</main>
</body>
</html>
`;
