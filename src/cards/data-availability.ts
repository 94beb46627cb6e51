import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CATALOGUE_IDS } from '../clinical/findings.js';

/**
 * "This EHR does not provide X" notes (cards/_data-availability.json, issue #15 item 1). When the FHIR server does
 * not support a kind of data a rule reads (Oracle Health R4 has no MedicationStatement; a DSTU2 server no
 * MedicationRequest), a card built without it may be incomplete: the card says which source was missing. Loaded
 * and checked once at start-up; a bad file stops the service like any other card content.
 */

export const DATA_AVAILABILITY_FILE = '_data-availability.json';

const catalogueId = z.enum(CATALOGUE_IDS);
const fileSchema = z.object({
  $comment: z.string().optional(),
  unavailable: z.record(
    z.string().regex(/^[A-Z][A-Za-z]+$/, 'a FHIR resource type'),
    z.strictObject({
      note: z.string().min(1).max(200),
      cards: z.union([z.tuple([z.literal('*')]), z.array(catalogueId).min(1)]),
    }),
  ),
});

/** Notes for a card, given the resource types the FHIR server could not provide. */
export type UnavailableDataNotes = (cardId: string, unavailableTypes: readonly string[]) => string[];

export function loadUnavailableDataNotes(file: string): UnavailableDataNotes {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${DATA_AVAILABILITY_FILE}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const entries = new Map(
    Object.entries(parsed.data.unavailable).map(([type, e]) => [
      type,
      { note: e.note, cards: e.cards[0] === '*' ? ('*' as const) : new Set<string>(e.cards) },
    ]),
  );
  return (cardId, unavailableTypes) => {
    const notes: string[] = [];
    for (const type of unavailableTypes) {
      const entry = entries.get(type);
      if (entry && (entry.cards === '*' || entry.cards.has(cardId)) && !notes.includes(entry.note))
        notes.push(entry.note);
    }
    return notes;
  };
}
