import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitBatch } from '../../../src/ingest/hl7v2/batch.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';
import { GatewayError } from '../../../src/shared/errors.ts';

const CLIENT = join(import.meta.dirname, '../../../../shared/corpus/hl7v2/node-hl7-client');

const msh = (id: string): string => `MSH|^~\\&|A|B|C|D|20240101||ADT^A04|${id}|P|2.5`;

describe('splitBatch', () => {
  it('splits an FHS/BHS file into its messages and keeps the headers', () => {
    const text = ['FHS|^~\\&|F', 'BHS|^~\\&|B', msh('1'), 'PID|1', msh('2'), 'PID|2', 'BTS|2', 'FTS|1', ''].join('\r');
    const batch = splitBatch(text);
    expect(batch.messages).toEqual([`${msh('1')}\rPID|1`, `${msh('2')}\rPID|2`]);
    expect(batch.headers).toEqual(['FHS|^~\\&|F', 'BHS|^~\\&|B']);
    expect(batch.warnings).toEqual([]);
    expect(batch.messages.map((m) => parseMessage(m).header.controlId)).toEqual(['1', '2']);
  });

  it('splits a plain file of consecutive messages (LF terminated)', () => {
    const batch = splitBatch([msh('1'), 'PID|1', msh('2'), 'PID|2', msh('3')].join('\n') + '\n');
    expect(batch.messages).toHaveLength(3);
    expect(batch.headers).toEqual([]);
  });

  it('returns byte slices for byte input so each message keeps its own charset', () => {
    const latin = Buffer.from(`${msh('1')}|||||GBR|8859/1\rPID|1||1||MÜLLER\r`, 'latin1');
    const utf8 = Buffer.from(`${msh('2')}\rPID|1||1||MÜLLER\r`, 'utf8');
    const batch = splitBatch(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('BHS|^~\\&\r'), latin, utf8, Buffer.from('BTS|2\r')]));
    expect(batch.messages.every((m) => Buffer.isBuffer(m))).toBe(true);
    expect(batch.messages.map((m) => parseMessage(m).get('PID-5'))).toEqual(['MÜLLER', 'MÜLLER']);
  });

  it('warns when trailer counts do not match', () => {
    const batch = splitBatch(['BHS|^~\\&', msh('1'), 'BTS|5', 'FTS|3'].join('\r'));
    expect(batch.warnings.map((w) => w.code)).toEqual(['HL7-BATCH-COUNT', 'HL7-BATCH-COUNT']);
    const named = splitBatch(['BHS|^~\\&', msh('1'), 'BTS|JANE DOE'].join('\r'));
    expect(named.warnings[0]?.message).toBe('BTS-1 is not a count');
  });

  it('reports segments outside any message and nested headers', () => {
    const batch = splitBatch(['FHS|^~\\&', 'BHS|^~\\&', msh('1'), 'EVN|A04', 'BHS|^~\\&', 'PID|1', 'BTS|1', 'FTS|1'].join('\r'));
    expect(batch.messages).toEqual([`${msh('1')}\rEVN|A04`]);
    expect(batch.warnings.map((w) => w.code)).toEqual(['HL7-BATCH-STRUCTURE', 'HL7-BATCH-COUNT', 'HL7-BATCH-COUNT', 'HL7-BATCH-ORPHAN']);
  });

  it.each([
    ['', 'ING-HL7-EMPTY'],
    ['EVN|A04\rPID|1', 'ING-HL7-NO-MSH'],
    ['BHS|^~\\&\rEVN|A04\rPID|1\rBTS|1', 'ING-HL7-BATCH-NO-MSH'],
    ['BHS|^^^^', 'ING-HL7-ENCODING-CHARACTERS'],
  ])('rejects %j', (text, code) => {
    expect(() => splitBatch(text)).toThrow(expect.objectContaining({ code, category: 'invalid' }));
  });

  it('handles the corpus batches: two mixed-version messages, and the batch with no MSH', () => {
    const batch = splitBatch(readFileSync(join(CLIENT, 'batch.hl7')));
    expect(batch.messages.map((m) => parseMessage(m).header.version)).toEqual(['2.4', '2.5.1']);
    expect(batch.messages.map((m) => parseMessage(m).header.messageCode)).toEqual(['ADT', 'RSP']);
    const file1 = splitBatch(readFileSync(join(CLIENT, 'sample_file1.hl7')));
    expect(file1.messages).toHaveLength(3);
    expect(file1.warnings).toEqual([]);
    expect(() => splitBatch(readFileSync(join(CLIENT, 'sample_bad_batch.hl7')))).toThrow(GatewayError);
  });
});
