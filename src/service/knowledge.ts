import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCardCatalogue, type CardCatalogue } from '../cards/loader.js';
import { compileTerminology, type Terminology } from '../clinical/terminology/valuesets.js';
import { projectPath } from '../paths.js';
import { parseServiceDefinitions, type ServiceDefinition } from '../protocol/service-definitions.js';

/**
 * Everything the service knows that is data, not code: the hook definitions (hooks/), the value sets
 * (valuesets/) and the card content (cards/). Read, checked and compiled here, once, at start-up; a broken file
 * stops the service from starting. Nothing else reads these folders, and no module reads them when imported.
 */
export interface Knowledge {
  services: ServiceDefinition[];
  terminology: Terminology;
  cards: CardCatalogue;
}

export interface KnowledgeFolders {
  hooks?: string;
  valuesets?: string;
  cards?: string;
}

export function loadServiceDefinitions(folder = projectPath('hooks')): ServiceDefinition[] {
  const readJson = (file: string): unknown => JSON.parse(readFileSync(join(folder, file), 'utf8'));
  return parseServiceDefinitions(readJson('services.json'), readJson('prefetch-templates.json'));
}

export function loadKnowledge(folders: KnowledgeFolders = {}): Knowledge {
  return {
    services: loadServiceDefinitions(folders.hooks),
    terminology: compileTerminology(folders.valuesets ?? projectPath('valuesets')),
    cards: loadCardCatalogue(folders.cards ?? projectPath('cards')),
  };
}

let projectKnowledge: Knowledge | undefined;

/** The project's own content folders, loaded on first use and shared by every app built in this process. */
export function loadProjectKnowledge(): Knowledge {
  return (projectKnowledge ??= loadKnowledge());
}
