import type { Card, HookName, Indicator } from '../src/protocol/types.js';
import type { DemoPatient } from '../fixtures/demo-patients.js';

/** Terminal rendering of hook results: one block per patient and hook, then a coverage summary. */

export interface HookResult {
  patient: DemoPatient;
  hook: HookName;
  serviceId: string;
  status: number;
  cards: Card[];
  /** The service's error message when status is not 200. */
  problem?: string;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  indicator(i: Indicator, s: string): string;
  ok(s: string): string;
  bad(s: string): string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;

export function terminalStyle(colour: boolean): Style {
  if (!colour) {
    const plain = (s: string) => s;
    return { bold: plain, dim: plain, indicator: (_i, s) => s, ok: plain, bad: plain };
  }
  const byIndicator: Record<Indicator, (s: string) => string> = {
    critical: ansi('1;37;41'),
    warning: ansi('1;30;43'),
    info: ansi('1;37;44'),
  };
  return {
    bold: ansi('1'),
    dim: ansi('2'),
    indicator: (i, s) => byIndicator[i](s),
    ok: ansi('32'),
    bad: ansi('31'),
  };
}

const RANK: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

/** Whether the result contains the card this patient is meant to demonstrate on this hook. */
export function intendedShown(result: HookResult): boolean | undefined {
  const expected = result.patient.expected.filter((e) => e.hook === result.hook);
  if (expected.length === 0)
    return result.patient.expected.length === 0 ? result.cards.length === 0 : undefined;
  return expected.every((e) => result.cards.some((c) => c.source.topic?.code === e.cardId));
}

export function formatResult(result: HookResult, style: Style): string {
  const lines: string[] = [];
  const verdict = intendedShown(result);
  const mark = verdict === undefined ? ' ' : verdict ? style.ok('✓') : style.bad('✗');
  lines.push(
    `${mark} ${style.bold(result.patient.name)} ${style.dim(`(${result.patient.id})`)} · ${result.hook}`,
  );
  if (result.status !== 200) {
    lines.push(`    ${style.bad(`HTTP ${result.status}`)} ${result.problem ?? ''}`);
    return lines.join('\n');
  }
  if (result.cards.length === 0) lines.push(`    ${style.dim('no cards')}`);
  const cards = [...result.cards].sort((a, b) => RANK[a.indicator] - RANK[b.indicator]);
  for (const card of cards) {
    const badge = style.indicator(card.indicator, ` ${card.indicator.toUpperCase().padEnd(8)} `);
    lines.push(`    ${badge} ${card.summary}`);
    const topic = card.source.topic?.code;
    lines.push(`      ${style.dim(`${topic ? `${topic} · ` : ''}${card.source.label}`)}`);
    for (const s of card.suggestions ?? []) {
      const actions = (s.actions ?? []).map((a) =>
        `${a.type} ${a.resource?.resourceType ?? a.resourceId ?? ''}`.trim(),
      );
      lines.push(`      → ${s.label}${actions.length ? style.dim(` (${actions.join(', ')})`) : ''}`);
    }
  }
  const expected = result.patient.expected.filter((e) => e.hook === result.hook);
  if (expected.length > 0)
    lines.push(
      `    ${style.dim(`intended: ${expected.map((e) => `${e.cardId} (${e.indicator})`).join(', ')}`)}`,
    );
  return lines.join('\n');
}

/** Which catalogue ids were shown for the patient meant to show them, and which were not. */
export function coverage(results: HookResult[]): { shown: string[]; missing: string[] } {
  const wanted = new Map<string, boolean>();
  for (const r of results) {
    for (const e of r.patient.expected.filter((x) => x.hook === r.hook)) {
      const hit = r.cards.some((c) => c.source.topic?.code === e.cardId);
      wanted.set(e.cardId, (wanted.get(e.cardId) ?? false) || hit);
    }
  }
  const shown = [...wanted].filter(([, hit]) => hit).map(([id]) => id);
  const missing = [...wanted].filter(([, hit]) => !hit).map(([id]) => id);
  return { shown, missing };
}

export function formatSummary(results: HookResult[], style: Style): string {
  const { shown, missing } = coverage(results);
  const failures = results.filter((r) => r.status !== 200).length;
  const lines = [
    style.bold(
      `Catalogue cards shown for their demo patient: ${shown.length} of ${shown.length + missing.length}`,
    ),
  ];
  if (missing.length > 0) lines.push(style.bad(`  not shown: ${missing.join(', ')}`));
  if (failures > 0) lines.push(style.bad(`  ${failures} hook calls failed`));
  return lines.join('\n');
}
