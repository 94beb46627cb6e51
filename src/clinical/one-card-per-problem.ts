import type { Finding } from './findings.js';
import { maxIndicator } from './rules/common.js';

/** Denosumab-status findings that a suspected-rebound finding subsumes (decision 15; same problem: the lapse). */
const SUBSUMED_BY_REBOUND = new Set(['DMAB-OVERDUE', 'DMAB-LAPSE', 'DMAB-LONG-GAP', 'DMAB-PLANNED-STOP']);

/**
 * Decision 15: at most one denosumab-status card and one vertebral-fracture card; RVFX-SUSPECTED subsumes the
 * overdue/lapse card and the recent-fracture card. The rebound card inherits the subsumed card's notes and, unless
 * decision 14 downgraded it, never shows a lower indicator than the lapse card it replaces (a text-matched
 * fracture must not hide a coded critical lapse).
 */
export function oneCardPerProblem(input: {
  status?: Finding | undefined;
  fracture?: Finding | undefined;
  rebound?: Finding | undefined;
  others: Finding[];
}): Finding[] {
  const { status, fracture, rebound, others } = input;
  if (!rebound) return [status, fracture, ...others].filter((f): f is Finding => !!f);
  const out: Finding[] = [];
  let merged: Finding = rebound;
  if (status && SUBSUMED_BY_REBOUND.has(status.id)) {
    const romosozumabOnly = rebound.id === 'RVFX-SUSPECTED' && rebound.facts.romosozumabOnly === true;
    const notes = [...(rebound.notes ?? []), ...(status.notes ?? [])];
    merged = {
      ...rebound,
      indicator: romosozumabOnly
        ? rebound.indicator
        : maxIndicator(rebound.indicator, status.matchedByTextOnly ? rebound.indicator : status.indicator),
      ...(notes.length > 0 ? { notes } : {}),
    } as Finding;
  } else if (status) {
    out.push(status);
  }
  out.push(merged, ...others);
  return out;
}
