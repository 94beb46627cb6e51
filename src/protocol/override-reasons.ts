/**
 * Override reasons as real clients send them (issue 15): the spec's `overrideReason: {reason: Coding, userComment}`,
 * a list under `overrideReasons` (of OverrideReason objects, of Codings, or of strings), a list or a bare Coding in
 * `overrideReason`, a CodeableConcept (`{coding: [...], text}`) or plain text in place of the Coding, and uncoded
 * reasons (display or text only). Nothing here decides what is kept: every value is only read and length-capped
 * (store/override-reason-policy.ts decides), so hostile input costs linear time and bounded memory (issue 11).
 */

export interface RawOverrideReason {
  code?: string;
  system?: string;
  /** Display or text of an uncoded reason (or of a coded one). */
  text?: string;
}

export interface RawOverride {
  reasons: RawOverrideReason[];
  userComment?: string;
}

/** At most this many reasons are read per feedback item; real clients send one. */
const MAX_REASONS = 10;
const MAX_CODE = 256;
const MAX_SYSTEM = 512;
const MAX_TEXT = 256;
export const MAX_USER_COMMENT = 10_000;

const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim().length > 0 ? v.trim().slice(0, max) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A Coding, a CodeableConcept or a string, as reasons (a CodeableConcept may carry several codings). */
function readReasonValue(v: unknown, out: RawOverrideReason[]): void {
  if (out.length >= MAX_REASONS) return;
  const plain = text(v, MAX_TEXT);
  if (plain !== undefined) {
    out.push({ text: plain });
    return;
  }
  const o = record(v);
  if (!o) return;
  if (o.coding !== undefined) {
    const conceptText = text(o.text, MAX_TEXT);
    const before = out.length;
    for (const c of list(o.coding).slice(0, MAX_REASONS)) readReasonValue(c, out);
    if (out.length === before && conceptText) out.push({ text: conceptText });
    return;
  }
  const code = text(o.code, MAX_CODE);
  const system = text(o.system, MAX_SYSTEM);
  const label = text(o.display, MAX_TEXT) ?? text(o.text, MAX_TEXT);
  if (code === undefined && label === undefined) return;
  out.push({ ...(code ? { code } : {}), ...(system ? { system } : {}), ...(label ? { text: label } : {}) });
}

/** One OverrideReason object (`{reason, userComment}`), or a Coding / string given in its place. */
function readOverrideObject(v: unknown, out: RawOverride): void {
  const o = record(v);
  if (o && (o.reason !== undefined || o.reasons !== undefined || o.userComment !== undefined)) {
    for (const r of [...list(o.reason), ...list(o.reasons)].slice(0, MAX_REASONS))
      readReasonValue(r, out.reasons);
    const comment = typeof o.userComment === 'string' ? o.userComment.slice(0, MAX_USER_COMMENT) : undefined;
    if (comment && out.userComment === undefined) out.userComment = comment;
    return;
  }
  readReasonValue(v, out.reasons);
}

/** Every override reason of a feedback item, in whichever shape the client sent it. */
export function readOverride(item: { overrideReason?: unknown; overrideReasons?: unknown }): RawOverride {
  const out: RawOverride = { reasons: [] };
  for (const v of [...list(item.overrideReason), ...list(item.overrideReasons)].slice(0, MAX_REASONS))
    readOverrideObject(v, out);
  return out;
}
