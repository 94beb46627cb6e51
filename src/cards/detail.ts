import type { Evidence } from '../clinical/findings.js';
import type { MetaFile } from './content-schema.js';
import { escapeMarkdownInline, truncate, truncateWords } from './escape.js';
import type { CompiledCard } from './loader.js';
import { conditionHolds, type Facts } from './template.js';

/**
 * The Markdown detail: what was found (content template), the records behind it, the text-match caveat, the rule's
 * notes and the citations. Everything taken from the patient record goes through escapeMarkdownInline.
 */

const MAX_EVIDENCE = 12;
const MAX_NOTES = 10;
const MAX_DESCRIPTION = 200;
/** Notes are the service's own sentences (plus a value or two): room for them whole, cut at a word if ever longer. */
const MAX_NOTE = 300;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

export interface DetailInput {
  facts: Facts;
  evidence: readonly Evidence[];
  matchedByTextOnly: boolean;
  notes: readonly string[];
}

export function renderDetail(
  card: CompiledCard,
  meta: MetaFile,
  version: string,
  input: DetailInput,
): string {
  const blocks: string[] = [];
  for (const line of card.detail) {
    if (conditionHolds(line, input.facts)) blocks.push(line.template.render(input.facts, 'markdown'));
  }
  if (input.matchedByTextOnly) blocks.push(`**${meta.textMatchSentence}**`);
  if (input.evidence.length > 0)
    blocks.push(`**${meta.evidenceHeading}**\n\n${evidenceList(input.evidence, meta)}`);
  if (input.notes.length > 0) {
    const notes = input.notes
      .slice(0, MAX_NOTES)
      .map((note) => `- ${escapeMarkdownInline(truncateWords(note, MAX_NOTE))}`);
    blocks.push(`**${meta.notesHeading}**\n\n${notes.join('\n')}`);
  }
  if (card.citations.length > 0) {
    blocks.push(`**${meta.sourcesHeading}**\n\n${card.citations.map((c, i) => `${i + 1}. ${c}`).join('\n')}`);
  }
  blocks.push(`_${meta.footer} ${card.id} · ${version}_`);
  return blocks.join('\n\n');
}

function evidenceList(evidence: readonly Evidence[], meta: MetaFile): string {
  const lines = evidence.slice(0, MAX_EVIDENCE).map((item) => {
    const date =
      item.date !== undefined && ISO_DATE.test(item.date) ? item.date.slice(0, 10) : meta.undatedEvidence;
    const description = escapeMarkdownInline(truncateWords(item.description, MAX_DESCRIPTION));
    const type = escapeMarkdownInline(truncate(item.resourceType, 40));
    const textMark = item.matchedByText ? ` _${meta.textMatchedEvidenceMark}_` : '';
    return `- ${date}: ${description} (${type})${textMark}`;
  });
  if (evidence.length > MAX_EVIDENCE)
    lines.push(`- ${meta.moreEvidence.replace('{{count}}', String(evidence.length - MAX_EVIDENCE))}`);
  return lines.join('\n');
}
