import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { projectPath } from '../../src/paths.js';

/** One build stage of the Dockerfile: its FROM image, its name, and its instructions (FROM included). */
export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** The project's Dockerfile, parsed by dockerfile-ast and split into build stages. */
export function readDockerfileStages(path = projectPath('Dockerfile')): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
      stages.push({ image: from.getImage() ?? '', name: from.getBuildStage(), instructions: [instruction] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The instructions of a stage with this keyword (ENV, RUN, …). */
export const instructionsOf = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.getKeyword() === keyword);

/** The instruction's arguments as one string (line continuations joined). */
export const argumentsOf = (instruction: Instruction) =>
  instruction
    .getArguments()
    .map((a) => a.getValue())
    .join(' ');

/** ENV / LABEL key-value pairs of a stage. */
export function propertiesOf(stage: Stage, keyword: 'ENV' | 'LABEL'): Map<string, string> {
  const result = new Map<string, string>();
  for (const instruction of instructionsOf(stage, keyword)) {
    const withProperties = instruction as unknown as {
      getProperties(): { getName(): string; getValue(): string | null }[];
    };
    for (const p of withProperties.getProperties())
      result.set(p.getName(), (p.getValue() ?? '').replace(/^"|"$/g, ''));
  }
  return result;
}
