import type { CardCatalogue } from './loader.js';
import type { OrdersFile } from './content-schema.js';

/**
 * The README's card catalogue (docs/card-catalogue.md), generated from the content files so the table can never
 * disagree with what the service sends. A test fails when the committed file is out of date.
 */

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderCatalogueDoc(catalogue: CardCatalogue, orders: OrdersFile['orders']): string {
  const lines = [
    '# Card catalogue',
    '',
    `Generated from \`cards/\` (content version ${catalogue.meta.contentVersion}). Edit the content files, then run`,
    '`UPDATE_CARD_DOCS=1 npx vitest run test/cards/catalogue-doc.test.ts` to refresh this page.',
    '',
    `Every card carries \`source.topic\` = \`{ system: "${catalogue.meta.catalogueSystem}", code: <id> }\`. The indicator`,
    'shown is the default; the rule that produces the finding decides the final one (escalation, text-match cap).',
    'Word counts of every rendered card: [card-word-counts.md](card-word-counts.md); hazards and their controls:',
    '[clinical-safety.md](clinical-safety.md).',
    '',
    '| Id | Hook | Trigger | Indicator | Suggestions (FHIR actions) | Sources |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const card of catalogue.cards.values()) {
    const suggestions =
      card.suggestions.length === 0
        ? '—'
        : card.suggestions
            .map((s) => {
              const actions = s.actions.map((a) =>
                a.kind === 'deleteDraftOrder'
                  ? 'delete draft'
                  : a.kind === 'stopRecord'
                    ? `stop ${a.recordFact ?? '?'}`
                    : `create ${a.order?.key ?? '?'}`,
              );
              return `${s.isRecommended ? '**' : ''}${s.label}${s.isRecommended ? '**' : ''} (${actions.join(', ')})`;
            })
            .join('; ') + ` — ${card.selectionBehavior ?? ''}`;
    lines.push(
      `| ${card.id} | ${card.hooks.join(', ')} | ${cell(card.trigger)} | ${card.indicator} | ${cell(suggestions)} | ${cell(card.sourceShortNames.join('; '))} |`,
    );
  }
  lines.push('', '## Suggested orders and the codes they send', '');
  lines.push(
    'Codes come from `cards/_orders.json`; each carries its knowledge-base verification label. Orders without a',
  );
  lines.push(
    'verified code are sent with `code.text` only. All are `status: draft`, `intent: proposal`.',
    '',
  );
  lines.push(
    '| Order key | Resource | Text | Code | Display sent | Verification |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const [key, order] of Object.entries(orders)) {
    const concept = order.resourceType === 'MedicationRequest' ? order.medication : order.code;
    const coding = concept.coding;
    const code = coding === undefined ? 'text only' : `${coding.system} ${coding.code}`;
    lines.push(
      `| ${key} | ${order.resourceType} | ${cell(concept.text)} | ${cell(code)} | ${cell(coding?.display ?? '—')} | ${coding?.verification.join(', ') ?? '—'} |`,
    );
    if (order.resourceType === 'MedicationRequest' && order.dosage.route.coding !== undefined) {
      const route = order.dosage.route.coding;
      lines.push(
        `| ${key} (route) | | ${cell(order.dosage.route.text)} | ${route.system} ${route.code} | ${route.display ?? '—'} | ${route.verification.join(', ')} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
