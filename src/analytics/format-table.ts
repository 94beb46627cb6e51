import { stripTerminalControls } from './terminal-text.js';
import type { CardAnalytics, CardGroupSummary } from './response-schema.js';

const COLUMNS: { title: string; value: (g: CardGroupSummary) => string; right?: boolean }[] = [
  { title: 'catalogue id', value: (g) => g.catalogueId ?? '-' },
  { title: 'indicator', value: (g) => g.indicator },
  { title: 'shown', value: (g) => String(g.shown), right: true },
  { title: 'accepted', value: (g) => String(g.accepted), right: true },
  { title: 'overridden', value: (g) => String(g.overridden), right: true },
  {
    title: 'acceptance',
    value: (g) => (g.acceptanceRate === null ? '-' : `${(g.acceptanceRate * 100).toFixed(1)}%`),
    right: true,
  },
  {
    title: 'median to feedback',
    value: (g) => (g.medianSecondsToFeedback === null ? '-' : formatDuration(g.medianSecondsToFeedback)),
    right: true,
  },
  {
    title: 'top override reasons',
    value: (g) =>
      g.overrideReasons
        .slice(0, 3)
        .map((r) => `${r.code ?? '(no reason)'} ×${r.count}`)
        .join(', ') || '-',
  },
];

/** The analytics as a plain-text table for a terminal (`npm run report`). */
export function formatAnalyticsTable(analytics: CardAnalytics): string {
  const lines = [`Cards shown from ${analytics.from} to ${analytics.to}`, ''];
  if (analytics.groups.length === 0) {
    lines.push('No cards in this window.');
  } else {
    // Every cell holds stored values: control characters never reach the terminal (issue 11).
    const cells = analytics.groups.map((g) => COLUMNS.map((c) => stripTerminalControls(c.value(g))));
    const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
    const render = (row: string[]) =>
      row
        .map((cell, i) => (COLUMNS[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(render(COLUMNS.map((c) => c.title)));
    lines.push(render(widths.map((w) => '-'.repeat(w))));
    for (const row of cells) lines.push(render(row));
  }
  if (analytics.unattributedFeedback > 0) {
    lines.push('', `Feedback for cards not in the card log: ${analytics.unattributedFeedback}`);
  }
  return lines.join('\n') + '\n';
}

function formatDuration(seconds: number): string {
  if (Math.abs(seconds) < 60) return `${seconds.toFixed(0)} s`;
  if (Math.abs(seconds) < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (Math.abs(seconds) < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
