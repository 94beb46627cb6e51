import type { Card } from '../protocol/types.js';
import type { MetaFile } from '../cards/content-schema.js';

/**
 * Compact cards for narrow panels (issue 15 item 6; Oracle Health shows non-critical cards in a sidebar about an
 * eighth of the screen wide, content/millennium/cds_hooks.md): the finding with its date (the detail's first
 * paragraph), the action (the recommended suggestion), one source, and the evidence through `links`. What must never
 * be dropped stays: the text-match caveat and the notes (e.g. a suggestion withheld for a contraindication), and the
 * footer that names the card id and content version. Summary, indicator, suggestions and override reasons are kept.
 */
export function compactCard(card: Card, meta: MetaFile): Card {
  const blocks = (card.detail ?? '').split('\n\n');
  const kept: string[] = [];
  if (blocks[0]) kept.push(blocks[0]);
  const textMatch = `**${meta.textMatchSentence}**`;
  if (blocks.includes(textMatch)) kept.push(textMatch);
  const notes = blocks.indexOf(`**${meta.notesHeading}**`);
  if (notes > 0 && blocks[notes + 1] !== undefined) kept.push(blocks[notes]!, blocks[notes + 1]!);

  const action = (card.suggestions ?? []).find((s) => s.isRecommended) ?? card.suggestions?.[0];
  if (action) kept.push(`**Action:** ${action.label}`);

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
