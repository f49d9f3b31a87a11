/**
 * Reading the shared HL7 v2 corpus (../shared/corpus/hl7v2) as the ingest stage would: FHS/BHS batches and
 * files of several messages split with `splitBatch`, MLLP captures through the `MllpFramer`, and the string
 * samples exported by node-hl7-client's sample_messages.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseMessage, splitBatch, type Hl7Message } from '../../src/ingest/hl7v2/index.ts';
import { MllpFramer } from '../../src/ingest/mllp/framer.ts';

export const CORPUS = join(import.meta.dirname, '../../../shared/corpus');
export const HL7_CORPUS = join(CORPUS, 'hl7v2');

/** One input unit of the corpus: its messages, or the error reading it threw (a clean ingest failure). */
export interface CorpusInput {
  readonly name: string;
  readonly read: () => Hl7Message[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

function readMessages(bytes: Buffer): Hl7Message[] {
  return splitBatch(bytes).messages.map((message) => parseMessage(message));
}

/** Every .hl7 and .mllp file of the corpus (sample_messages.ts is loaded separately: it is a module). */
export function corpusFiles(): CorpusInput[] {
  return listFiles(HL7_CORPUS)
    .filter((file) => file.endsWith('.hl7') || file.endsWith('.mllp'))
    .map((file) => ({
      name: relative(HL7_CORPUS, file),
      read: () => {
        const bytes = readFileSync(file);
        if (!file.endsWith('.mllp')) return readMessages(bytes);
        return new MllpFramer().push(bytes).frames.flatMap((frame) => readMessages(frame));
      },
    }));
}

/** The string samples of node-hl7-client/sample_messages.ts. */
export async function sampleModuleInputs(): Promise<CorpusInput[]> {
  const module = (await import(join(HL7_CORPUS, 'node-hl7-client/sample_messages.ts'))) as Record<string, unknown>;
  return Object.entries(module)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, text]) => ({ name: `node-hl7-client/sample_messages.ts#${name}`, read: () => splitBatch(text).messages.map((m) => parseMessage(m)) }));
}
