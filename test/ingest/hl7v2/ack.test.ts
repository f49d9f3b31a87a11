import { describe, expect, it } from 'vitest';
import { buildAck, formatHl7DateTime, generateControlId } from '../../../src/ingest/hl7v2/ack.ts';
import { ackCodeForError, checkHeader, decideAck, isSupportedVersion, readAckMode } from '../../../src/ingest/hl7v2/ack-policy.ts';
import { readHeader } from '../../../src/ingest/hl7v2/header.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';
import { GatewayError } from '../../../src/shared/errors.ts';

const NOW = new Date('2024-03-05T06:07:08.900Z');
const A01 = 'MSH|^~\\&|EPIC^1.2.3^ISO|GENHOSP|CAREBRIDGE|HIE|20240305060000||ADT^A01^ADT_A01|MSG00001|P|2.5.1\rPID|1||X';

function segments(ack: string): string[][] {
  expect(ack.endsWith('\r')).toBe(true);
  return ack.slice(0, -1).split('\r').map((s) => s.split('|'));
}

describe('buildAck', () => {
  it('builds an original-mode AA with swapped apps, echoed MSH-10 and its own control id', () => {
    const original = parseMessage(A01).header;
    const ack = buildAck({ original, code: 'AA', now: NOW, controlId: 'ACK1' });
    expect(ack).toBe('MSH|^~\\&|CAREBRIDGE|HIE|EPIC^1.2.3^ISO|GENHOSP|20240305060708+0000||ACK^A01^ACK|ACK1|P|2.5.1\rMSA|AA|MSG00001\r');
    const reparsed = parseMessage(ack);
    expect(reparsed.get('MSA-2')).toBe(original.controlId);
    expect(reparsed.get('MSH-5.2')).toBe('1.2.3');
  });

  it('generates a unique control id when none is given', () => {
    const original = readHeader(A01);
    const ids = new Set(Array.from({ length: 50 }, () => parseMessage(buildAck({ original, code: 'AA', now: NOW })).get('MSH-10')));
    expect(ids.size).toBe(50);
    expect(generateControlId()).toMatch(/^[0-9A-F]{20}$/);
  });

  it('writes ERR segments in v2.5 form with escaped diagnostics', () => {
    const original = readHeader(A01);
    const ack = buildAck({
      original,
      code: 'AE',
      now: NOW,
      controlId: 'ACK2',
      errors: [
        { code: 101, segmentId: 'PID', fieldPosition: 3, diagnostic: 'PID-3 is required | see spec' },
        { code: 207, severity: 'W' },
      ],
    });
    const [, msa, err1, err2] = segments(ack);
    expect(msa).toEqual(['MSA', 'AE', 'MSG00001']);
    expect(err1).toEqual(['ERR', '', 'PID^1^3', '101^Required field missing^HL70357', 'E', '', '', 'PID-3 is required \\F\\ see spec']);
    expect(err2).toEqual(['ERR', '', '', '207^Application internal error^HL70357', 'W']);
    expect(parseMessage(ack).get('ERR-7')).toBe('PID-3 is required | see spec');
  });

  it('writes ERR-1 and MSA-3 for versions before 2.5', () => {
    const original = readHeader(A01.replace('2.5.1', '2.3'));
    const ack = buildAck({ original, code: 'AR', now: NOW, controlId: 'A', errors: [{ code: 203, segmentId: 'MSH', fieldPosition: 12, diagnostic: 'bad version' }] });
    const [msh, msa, err] = segments(ack);
    expect(msh?.[11]).toBe('2.3');
    expect(msa).toEqual(['MSA', 'AR', 'MSG00001', 'bad version']);
    expect(err).toEqual(['ERR', 'MSH^1^12^203&Unsupported version id&HL70357']);
  });

  it('uses the original’s own delimiters and escapes with them', () => {
    const original = readHeader('MSH#$*@%#APP#FAC#US#HIE#2024##ORU$R01#C1#T#2.7###AL#NE');
    const ack = buildAck({ original, code: 'CA', now: NOW, controlId: 'X', errors: [{ code: 0, severity: 'I', diagnostic: 'a#b$c' }] });
    expect(ack).toBe('MSH#$*@%#US#HIE#APP#FAC#20240305060708+0000##ACK$R01$ACK#X#T#2.7###NE#NE\rMSA#CA#C1\rERR###0$Message accepted$HL70357#I###a@F@b@S@c\r');
  });

  it('still produces a valid AR with defaults when the original MSH is unreadable', () => {
    const original = readHeader('garbage without MSH');
    expect(original).toBeUndefined();
    const ack = buildAck({ original, code: 'AA', now: NOW, controlId: 'Z' });
    expect(ack).toBe('MSH|^~\\&|||||20240305060708+0000||ACK|Z|P|2.5.1\rMSA|AR\r');
    expect(parseMessage(ack).header.version).toBe('2.5.1');
  });

  it('echoes MSH-18 so the ACK is read in the sender’s charset', () => {
    const original = readHeader(`${A01.split('\r')[0]}||||||8859/1`);
    expect(segments(buildAck({ original, code: 'AA', now: NOW, controlId: 'Q' }))[0]?.[17]).toBe('8859/1');
  });

  it('formats MSH-7 in UTC', () => {
    expect(formatHl7DateTime(new Date('1999-12-31T23:59:59Z'))).toBe('19991231235959+0000');
  });
});

describe('acknowledgment policy', () => {
  const header = (ack15: string, ack16: string) => readHeader(`${A01.split('\r')[0]}|||${ack15}|${ack16}`);

  it('detects original and enhanced mode', () => {
    expect(readAckMode(header('', '')).mode).toBe('original');
    expect(readAckMode(undefined).mode).toBe('original');
    expect(readAckMode(header('AL', 'NE'))).toEqual({ mode: 'enhanced', accept: 'AL', application: 'NE' });
    expect(readAckMode(header('', 'AL'))).toEqual({ mode: 'enhanced', accept: 'AL', application: 'AL' });
  });

  it('decides what to send now', () => {
    expect(decideAck(header('', ''), 'AE')).toBe('AE');
    expect(decideAck(header('AL', 'AL'), 'AA')).toBe('CA');
    expect(decideAck(header('AL', 'AL'), 'AR')).toBe('CR');
    expect(decideAck(header('NE', 'AL'), 'AA')).toBeUndefined();
    expect(decideAck(header('ER', 'AL'), 'AA')).toBeUndefined();
    expect(decideAck(header('ER', 'AL'), 'AE')).toBe('CE');
    expect(decideAck(header('SU', 'AL'), 'AA')).toBe('CA');
    expect(decideAck(header('SU', 'AL'), 'AE')).toBeUndefined();
  });

  it('maps gateway errors to AE or AR through the shared table', () => {
    expect(ackCodeForError(new GatewayError('ING-X', 'invalid', 'x'))).toBe('AE');
    expect(ackCodeForError(new GatewayError('STO-X', 'unavailable', 'x'))).toBe('AR');
  });

  it('accepts versions 2.3 to 2.8 only', () => {
    expect(['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.2'].every(isSupportedVersion)).toBe(true);
    expect(['2.2', '2.9', '3.0', '2', '2.5.1.1', '2.x', ''].some(isSupportedVersion)).toBe(false);
  });

  it('lists envelope problems as ERR entries', () => {
    const good = readHeader(A01);
    expect(good && checkHeader(good)).toEqual([]);
    const bad = readHeader('MSH|^~\\&|A|B|C|D|1||||X|2.2');
    expect(bad && checkHeader(bad).map((e) => [e.code, e.fieldPosition])).toEqual([
      [101, 9],
      [101, 10],
      [202, 11],
      [203, 12],
    ]);
  });
});
