import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';
import { GatewayError } from '../../../src/shared/errors.ts';

const ADT = [
  'MSH|^~\\&|SEND|FAC|RECV|RFAC|20240101120000||ADT^A03^ADT_A03|CTRL1|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'EVN|A03|20240101115900',
  'PID|1||MRN1^^^HOSP^MR~NHS9^^^NHS^NH||DOE^JANE^Q||19800101|F|||1 MAIN ST^^LEEDS^^LS1^GBR||""',
  'PV1|1|I|WARD^101^A||||||||||||||||VIS1',
  'DG1|1||I10^Dx one^ICD10',
  'DG1|2||I20^Dx two^ICD10',
  'ZPI|custom^value|x&y',
].join('\r');

function expectInvalid(input: string | Buffer, code: string): void {
  try {
    parseMessage(input);
    expect.unreachable('parse should fail');
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).category).toBe('invalid');
    expect((error as GatewayError).code).toBe(code);
  }
}

describe('parseMessage: envelope', () => {
  it('reads header fields with the MSH numbering quirk', () => {
    const message = parseMessage(ADT);
    expect(message.get('MSH-1')).toBe('|');
    expect(message.get('MSH-2')).toBe('^~\\&');
    expect(message.get('MSH-3')).toBe('SEND');
    expect(message.get('MSH-9')).toBe('ADT^A03^ADT_A03');
    expect(message.segment('MSH')?.field(2).component(1).value).toBe('^~\\&');
    expect(message.header).toMatchObject({
      sendingApplication: 'SEND',
      sendingFacility: 'FAC',
      receivingApplication: 'RECV',
      receivingFacility: 'RFAC',
      dateTime: '20240101120000',
      messageCode: 'ADT',
      triggerEvent: 'A03',
      messageStructure: 'ADT_A03',
      controlId: 'CTRL1',
      processingId: 'P',
      version: '2.5.1',
      acceptAckType: 'AL',
      applicationAckType: 'NE',
      characterSet: 'UNICODE UTF-8',
    });
  });

  it('uses the message’s own delimiters, including a fifth truncation character', () => {
    const text = 'MSH#$*@%!#APP#FAC#####ADT$A01#1#P#2.7\rPID#1##A$B*C$D%E#\rNTE#1##x@S@y@P@z';
    const message = parseMessage(text);
    expect(message.encoding).toEqual({ field: '#', component: '$', repetition: '*', escape: '@', subComponent: '%', truncation: '!' });
    expect(message.get('MSH-3')).toBe('APP');
    expect(message.get('MSH-9.2')).toBe('A01');
    expect(message.get('PID-3[2].2.2')).toBe('E');
    expect(message.get('PID-3.2')).toBe('B');
    expect(message.get('NTE-3')).toBe('x$y!z');
  });

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('splits %s-terminated segments and ignores trailing empty ones', (_name, eol) => {
    const message = parseMessage(ADT.split('\r').join(eol) + eol + eol);
    expect(message.segments().map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'DG1', 'DG1', 'ZPI']);
  });

  it('splits mixed terminators and strips a BOM and leading blank lines', () => {
    const lines = ADT.split('\r');
    const text = '\ufeff\r\n  \n' + lines.map((l, i) => l + (i % 3 === 0 ? '\n' : i % 3 === 1 ? '\r' : '\r\n')).join('');
    const message = parseMessage(text);
    expect(message.segments()).toHaveLength(7);
    expect(message.get('PID-5.2')).toBe('JANE');
  });

  it('keeps a line feed inside a CR-terminated text field as data', () => {
    const message = parseMessage('MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rOBX|1|TX|code||line one\nline two||\rNTE|1');
    expect(message.segments().map((s) => s.id)).toEqual(['MSH', 'OBX', 'NTE']);
    expect(message.get('OBX-5')).toBe('line one\nline two');
    expect(message.warnings.map((w) => w.code)).toContain('HL7-EMBEDDED-LF');
  });

  it.each([
    ['', 'ING-HL7-EMPTY'],
    ['  \r\n', 'ING-HL7-EMPTY'],
    ['PID|1||x', 'ING-HL7-NO-MSH'],
    ['BHS|^~\\&|x\rMSH|^~\\&|y', 'ING-HL7-BATCH'],
    ['MSH|^~', 'ING-HL7-MSH-TOO-SHORT'],
    ['MSH|^~\\|A|B', 'ING-HL7-ENCODING-CHARACTERS'],
    ['MSH|^^\\&|A', 'ING-HL7-ENCODING-CHARACTERS'],
    ['MSHA^~\\&A', 'ING-HL7-ENCODING-CHARACTERS'],
    ['MSH|^~\\&X|A', 'ING-HL7-ENCODING-CHARACTERS'],
  ])('rejects the unreadable envelope %j', (input, code) => {
    expectInvalid(input, code);
  });

  it('warns about bad segment IDs and a second MSH but still parses', () => {
    const message = parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rpid|1\rMSH|^~\\&|x\r');
    expect(message.warnings.map((w) => w.code)).toEqual(['HL7-SEGMENT-ID', 'HL7-EMBEDDED-MSH']);
  });
});

describe('Hl7Message accessors', () => {
  const message = parseMessage(ADT);

  it('reads components, repetitions and sub-components by path', () => {
    expect(message.get('PID-3')).toBe('MRN1^^^HOSP^MR');
    expect(message.get('PID-3.1')).toBe('MRN1');
    expect(message.get('PID-3[2].1')).toBe('NHS9');
    expect(message.get('PID-3[2].4')).toBe('NHS');
    expect(message.get('PID-3[3].1')).toBe('');
    expect(message.get('PID.5.1')).toBe('DOE');
    expect(message.get('PID-11.3')).toBe('LEEDS');
    expect(message.get('PV1-3.1')).toBe('WARD');
    expect(message.get('PV1-19')).toBe('VIS1');
    expect(message.get('ZPI-2.1.1')).toBe('x');
    expect(message.get('ZPI-2.1.2')).toBe('y');
    expect(message.get('ZZZ-1')).toBe('');
    expect(message.get('PID-99.3')).toBe('');
  });

  it('addresses repeated segments by occurrence', () => {
    expect(message.get('DG1-3.1')).toBe('I10');
    expect(message.get('DG1[2]-3.2')).toBe('Dx two');
    expect(message.get('DG1[3]-3.1')).toBe('');
    expect(message.segments('DG1').map((s) => s.get('3.1'))).toEqual(['I10', 'I20']);
    expect(message.segment('DG1', 2)?.field(1).value).toBe('2');
  });

  it('tells an explicit null apart from empty', () => {
    expect(message.get('PID-13')).toBe('');
    expect(message.isNull('PID-13')).toBe(true);
    expect(message.getRaw('PID-13')).toBe('""');
    expect(message.isNull('PID-12')).toBe(false);
    const field = message.segment('PID')?.field(13);
    expect(field?.isNull).toBe(true);
    expect(field?.isEmpty).toBe(false);
    expect(message.segment('PID')?.field(12).isEmpty).toBe(true);
  });

  it('exposes the element tree', () => {
    const pid3 = message.segment('PID')?.field(3);
    expect(pid3?.repetitions.map((r) => r.component(1).value)).toEqual(['MRN1', 'NHS9']);
    expect(pid3?.repetition(2).components.map((c) => c.value)).toEqual(['NHS9', '', '', 'NHS', 'NH']);
    expect(message.segment('ZPI')?.field(2).component(1).subComponents.map((s) => s.value)).toEqual(['x', 'y']);
    expect(message.segment('PID')?.field(12).repetitions).toEqual([]);
    expect(message.segment('PID')?.fieldCount).toBe(13);
    expect(message.segment('MSH')?.fieldCount).toBe(18);
  });

  it('decodes escapes in values but keeps them in raw text', () => {
    const escaped = parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(escaped.get('NTE-3')).toBe('a|b^c&d~e\\f');
    expect(escaped.getRaw('NTE-3')).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(escaped.segment('NTE')?.field(3).value).toBe('a|b^c&d~e\\f');
  });

  it('rejects a malformed path as a caller bug', () => {
    expect(() => message.get('PID')).toThrow(GatewayError);
    expect(() => message.get('PID-0')).toThrow(GatewayError);
    expect(() => message.get('3.1')).toThrow(GatewayError);
    expect(() => message.get('PID-3[x]')).toThrow(GatewayError);
  });

  it('keeps the original bytes of byte input and encodes string input', () => {
    const bytes = Buffer.from(ADT, 'utf8');
    expect(parseMessage(bytes).bytes).toBe(bytes);
    expect(parseMessage(ADT).bytes.equals(bytes)).toBe(true);
  });
});
