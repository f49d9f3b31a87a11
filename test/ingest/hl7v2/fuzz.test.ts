/**
 * Robustness (RELIABILITY case 30): the nHapi #196 fuzz seeds and mutations of real messages either
 * parse — and every value can then be read — or fail with a GatewayError. Nothing else is thrown and
 * nothing hangs (vitest's timeout would catch a hang; no timing is asserted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAck } from '../../../src/ingest/hl7v2/ack.ts';
import { checkHeader } from '../../../src/ingest/hl7v2/ack-policy.ts';
import { splitBatch } from '../../../src/ingest/hl7v2/batch.ts';
import { readHeader } from '../../../src/ingest/hl7v2/header.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';
import { isGatewayError } from '../../../src/shared/errors.ts';

const HL7 = join(import.meta.dirname, '../../../../shared/corpus/hl7v2');

const NHAPI_SEEDS = [
  '',
  'MSH|0|||||||00|||2.7',
  'MSHH0\r',
  'MSH|0|||||||||||0',
  'MSH|^\x01\\0|||||0||ACK^\\|||2.2^0\r0|0|2^V~\\\r0|0|00\r0)0',
  'MSH|0|0|0|0|0|0|0|20\x7f|0|0|2.7',
  'MSH|^|||||||^A|||2.2\r^AA',
];

/** Parses, reads every value, reads the header and builds an ACK; returns 'ok' or the error code. */
function exercise(input: string | Buffer): string {
  const header = readHeader(input);
  buildAck({ original: header, code: header ? 'AA' : 'AR', now: new Date(0), controlId: '1', errors: header ? checkHeader(header) : [] });
  try {
    splitBatch(input);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
  }
  try {
    const message = parseMessage(input);
    for (const segment of message.segments()) {
      for (let n = 1; n <= segment.fieldCount; n += 1) {
        for (const repetition of segment.field(n).repetitions) {
          for (const component of repetition.components) for (const sub of component.subComponents) void sub.value;
        }
        void segment.get(`${n}[2].2.2`);
      }
    }
    void message.header;
    void message.get('PID-5.1');
    return 'ok';
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    expect(error.category).toBe('invalid');
    expect(error.code).toMatch(/^ING-/);
    return error.code;
  }
}

function loadSamples(): Buffer[] {
  const dirs = ['fhir-converter', 'linuxforhealth', 'node-hl7-complete', 'node-hl7-client'];
  return dirs.flatMap((dir) =>
    readdirSync(join(HL7, dir))
      .filter((f) => f.endsWith('.hl7'))
      .map((f) => readFileSync(join(HL7, dir, f))),
  );
}

const SPECIALS = [...'|^~\\&#\r\n"'].map((c) => c.charCodeAt(0)).concat([0x00, 0x0b, 0x1c, 0xef, 0xff]);

type Mutation = (bytes: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, value]): Mutation => (b) => {
    const copy = Buffer.from(b);
    if (copy.length > 0) copy[at % copy.length] = value;
    return copy;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...SPECIALS), fc.integer({ min: 1, max: 8 })).map(([at, value, times]): Mutation => (b) => {
    const i = b.length === 0 ? 0 : at % b.length;
    return Buffer.concat([b.subarray(0, i), Buffer.alloc(times, value), b.subarray(i)]);
  }),
  fc.nat().map((at): Mutation => (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 4 })).map(([from, len, times]): Mutation => (b) => {
    const i = b.length === 0 ? 0 : from % b.length;
    const slice = b.subarray(i, i + (len % 200));
    return Buffer.concat([b.subarray(0, i), ...Array.from({ length: times }, () => slice), b.subarray(i)]);
  }),
);

describe('parser robustness', () => {
  it.each(NHAPI_SEEDS.map((seed) => [seed]))('survives the nHapi seed %j', (seed) => {
    expect(['ok', 'ING-HL7-EMPTY', 'ING-HL7-MSH-TOO-SHORT', 'ING-HL7-ENCODING-CHARACTERS', 'ING-HL7-NO-MSH']).toContain(exercise(seed));
    expect(['ok', 'ING-HL7-EMPTY', 'ING-HL7-MSH-TOO-SHORT', 'ING-HL7-ENCODING-CHARACTERS', 'ING-HL7-NO-MSH']).toContain(exercise(Buffer.from(seed, 'latin1')));
  });

  it('rejects the nHapi hang input quickly as an invalid envelope', () => {
    expect(exercise('MSH|^|||||||^A|||2.2\r^AA')).toBe('ING-HL7-ENCODING-CHARACTERS');
  });

  it('survives adversarial shapes that could make a parser quadratic', () => {
    const head = 'MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\r';
    const inputs = [
      head + 'OBX|1|TX|||' + 'x\n'.repeat(200_000),
      head + 'NTE|1||' + '\\'.repeat(200_000),
      head + 'NTE|1||' + '\\X'.repeat(100_000) + '\\',
      head + 'PID|' + '^~&'.repeat(100_000),
      head + '\r'.repeat(200_000) + 'PID|1',
      head.replace(/\r$/, '') + ' EVN|'.repeat(50_000),
      'MSH|^~\\&|' + '|'.repeat(200_000),
    ];
    for (const input of inputs) expect(exercise(input)).toBe('ok');
  });

  it('never throws anything but a GatewayError on mutated corpus messages (time-boxed)', () => {
    const samples = loadSamples();
    expect(samples.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.nat({ max: samples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (index, mutations) => {
        const mutated = mutations.reduce((bytes, mutate) => mutate(bytes), samples[index] ?? Buffer.alloc(0));
        exercise(mutated);
        exercise(mutated.toString('latin1'));
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false },
    );
  });
});
