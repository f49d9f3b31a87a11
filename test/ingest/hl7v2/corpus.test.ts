/**
 * Every HL7 v2 sample in ../shared/corpus/hl7v2 (written by other systems) parses without crashing,
 * and its envelope matches the traits listed in MANIFEST.tsv.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitBatch } from '../../../src/ingest/hl7v2/batch.ts';
import type { Hl7Message } from '../../../src/ingest/hl7v2/message.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';
import { MllpFramer } from '../../../src/ingest/mllp/framer.ts';
import { GatewayError } from '../../../src/shared/errors.ts';

const CORPUS = join(import.meta.dirname, '../../../../shared/corpus');
const HL7 = join(CORPUS, 'hl7v2');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** MANIFEST traits per file: `types=ADT^A01,RSP^K11^RSP_K11`, `v=2.4,2.5.1`, `msgs=2`. */
function readTraits(): Map<string, Record<string, string>> {
  const traits = new Map<string, Record<string, string>>();
  for (const line of readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1)) {
    const cols = line.split('\t');
    const path = cols[0] ?? '';
    if (!path.startsWith('hl7v2/')) continue;
    const notes = Object.fromEntries((cols[7] ?? '').split('; ').map((kv) => kv.split('=') as [string, string]));
    traits.set(path, notes);
  }
  return traits;
}

/** Reads every value of the message through both APIs, as a mapper would. */
function walk(message: Hl7Message): number {
  let count = 0;
  for (const segment of message.segments()) {
    for (let n = 1; n <= segment.fieldCount; n += 1) {
      const field = segment.field(n);
      count += field.value.length + (field.isNull ? 1 : 0);
      for (const repetition of field.repetitions) {
        for (const component of repetition.components) {
          for (const sub of component.subComponents) count += sub.value.length;
        }
      }
      count += segment.get(`${n}.1.1`).length;
    }
  }
  return count + message.header.controlId.length;
}

function parseFile(bytes: Buffer): Hl7Message[] {
  const head = bytes.toString('latin1', 0, 16).replace(/^\u00ef\u00bb\u00bf/, '').trimStart();
  if (head.startsWith('FHS') || head.startsWith('BHS')) return splitBatch(bytes).messages.map((m) => parseMessage(m));
  return [parseMessage(bytes)];
}

const traits = readTraits();
const files = listFiles(HL7).filter((f) => f.endsWith('.hl7'));

describe('HL7 v2 corpus', () => {
  it('has the expected files', () => {
    expect(files.length).toBeGreaterThanOrEqual(55);
  });

  it.each(files.map((f) => [relative(CORPUS, f), f]))('parses %s', (name, file) => {
    const note = traits.get(name) ?? {};
    if (note.msgs === '0' && name.includes('bad_batch')) {
      expect(() => parseFile(readFileSync(file))).toThrow(GatewayError);
      return;
    }
    const messages = parseFile(readFileSync(file));
    for (const message of messages) expect(walk(message)).toBeGreaterThan(0);
    if (note.msgs !== undefined && note.msgs !== '0') expect(messages).toHaveLength(Number(note.msgs));
    const versions = note.v?.split(',') ?? [];
    // A batch of N messages lists each distinct version once, in order of appearance.
    if (versions.length > 0) expect([...new Set(messages.map((m) => m.header.version))]).toEqual(versions);
    if (note.types !== undefined && messages.length === note.types.split(',').length) {
      expect(messages.map((m) => m.getRaw('MSH-9'))).toEqual(note.types.split(','));
    }
  });

  it('reads LF and CRLF twins identically (their MSH differs in MSH-18)', () => {
    const unix = parseMessage(readFileSync(join(HL7, 'linuxforhealth/sample_unix.hl7')));
    const win = parseMessage(readFileSync(join(HL7, 'linuxforhealth/sample_win.hl7')));
    expect(win.segments().slice(1).map((s) => s.raw)).toEqual(unix.segments().slice(1).map((s) => s.raw));
    expect(win.header.characterSet).toBe('ASCII');
    expect(unix.get('PID-3[2].1')).toBe('1234568965');
    expect(unix.warnings.map((w) => w.code)).toEqual(['HL7-ENCODING-DOUBLED-ESCAPE']);
  });

  it('keeps the message with spaces instead of segment breaks, flagged', () => {
    const message = parseMessage(readFileSync(join(HL7, 'node-hl7-complete/adt-example.hl7')));
    expect(message.header.controlId).toBe('599102');
    expect(message.segment('PID')).toBeUndefined();
    expect(message.warnings.map((w) => w.code)).toContain('HL7-SPACE-SEPARATED-SEGMENTS');
  });

  it('repairs the line wrapped inside MSH-10 of the MDM sample', () => {
    const message = parseMessage(readFileSync(join(HL7, 'node-hl7-complete/mdm-example.hl7')));
    expect(message.header.version).toBe('2.3');
    expect(message.get('PID-5.1')).toBe('SMITH');
  });

  it('reads "" nulls in the Cerner sample', () => {
    const message = parseMessage(readFileSync(join(HL7, 'node-hl7-client/sample_msh.hl7')));
    expect(message.isNull('PV1-9')).toBe(true);
    expect(message.segments('IN1')).toHaveLength(3);
    expect(message.isNull('IN1-5.2')).toBe(true);
  });

  it('frames and parses the MLLP streams', () => {
    const framer = new MllpFramer();
    const frames = framer.push(readFileSync(join(HL7, 'mllp-derived/stream-A01-A03-A08.mllp'))).frames;
    expect(frames.map((f) => parseMessage(f).header.triggerEvent)).toEqual(['A01', 'A03', 'A08']);
    expect(framer.discardedBytes).toBe(0);
  });

  it('handles every message of node-hl7-client’s sample_messages.ts', async () => {
    const module = (await import(join(HL7, 'node-hl7-client/sample_messages.ts'))) as Record<string, unknown>;
    const samples = Object.entries(module).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    expect(samples.length).toBeGreaterThanOrEqual(17);
    for (const [name, text] of samples) {
      const isBatch = /^(FHS|BHS)/.test(text);
      if (['sample_bad_batch', 'sample_bad_file', 'sample_bad_file3'].includes(name)) {
        expect(() => splitBatch(text), name).toThrow(expect.objectContaining({ code: 'ING-HL7-BATCH-NO-MSH' }));
        continue;
      }
      const messages = isBatch ? splitBatch(text).messages.map((m) => parseMessage(m)) : [parseMessage(text)];
      for (const message of messages) expect(walk(message), name).toBeGreaterThan(0);
      if (name.startsWith('sample_bad')) expect(splitBatch(text).warnings.length, name).toBeGreaterThan(0);
    }
    const rep = parseMessage(String(module.rep_sample_hl7));
    expect(rep.get('PID-3.2.2')).toBe('Sub-Component2');
    expect(rep.get('PID-4[2]')).toBe('Repeat2');
  });
});
