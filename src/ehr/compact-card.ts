import type { Card } from '../protocol/types.js';
import type { MetaFile } from '../cards/content-schema.js';

/**
 * Compact cards for narrow panels (issue 15 item 6; Oracle Health shows non-critical cards in a sidebar about an
 * eighth of the screen wide, content/millennium/cds_hooks.md): the finding with its date and the action (the
 * content's first lines, or the recommended suggestion when the content does not lead with it), one source, and the evidence through `links`. What must never
 * be dropped stays: the text-match caveat and the notes (e.g. a suggestion withheld for a contraindication), and the
 * footer that names the card id and content version. Summary, indicator, suggestions and override reasons are kept.
 */
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;

export function compactCard(card: Card, meta: MetaFile): Card {
  const blocks = (card.detail ?? '').split('\n\n');
  const structural = new Set([
    `**${meta.textMatchSentence}**`,
    `**${meta.evidenceHeading}**`,
    `**${meta.notesHeading}**`,
    `**${meta.sourcesHeading}**`,
  ]);
  const contentEnd = blocks.findIndex((b) => structural.has(b) || b.startsWith(`_${meta.footer}`));
  const content = blocks.slice(0, contentEnd === -1 ? blocks.length : contentEnd);
  // The content's own lines up to the one that states the finding with its date (action-first content puts the
  // action before it); at most two.
  const dated = content.findIndex((b) => ISO_DATE.test(b));
  const kept = content.slice(0, dated >= 0 && dated < 2 ? dated + 1 : 1);
  const textMatch = `**${meta.textMatchSentence}**`;
  if (blocks.includes(textMatch)) kept.push(textMatch);
  const notes = blocks.indexOf(`**${meta.notesHeading}**`);
  if (notes > 0 && blocks[notes + 1] !== undefined) kept.push(blocks[notes]!, blocks[notes + 1]!);

  // The action, when the content did not lead with it.
  const action = (card.suggestions ?? []).find((s) => s.isRecommended) ?? card.suggestions?.[0];
  if (action && dated <= 0) kept.push(`**Action:** ${action.label}`);

  const shortName = card.source.label.split(' · ').pop() ?? card.source.label;
  kept.push(card.source.url ? `**Source:** [${shortName}](${card.source.url})` : `**Source:** ${shortName}`);

  const links = card.links ? [...card.links] : [];
  if (links.length === 0 && card.source.url) {
    links.push({ label: shortName, url: card.source.url, type: 'absolute' });
  }
  if (links.length > 0) kept.push('_More evidence: see the links._');
  const footer = blocks.at(-1);
  if (footer !== undefined && footer.startsWith(`_${meta.footer}`)) kept.push(footer);

  const out: Card = { ...card, detail: kept.join('\n\n') };
  if (links.length > 0) out.links = links;
  return out;
}
