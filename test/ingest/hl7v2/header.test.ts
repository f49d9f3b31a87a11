import { describe, expect, it } from 'vitest';
import { readHeader } from '../../../src/ingest/hl7v2/header.ts';
import { parsePath, pickPiece } from '../../../src/ingest/hl7v2/path.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';

const MSH = 'MSH|^~\\&|APP|FAC\\T\\X|RAPP|RFAC|20240101||ADT^A08|C\\F\\1|T^A|2.6^USA|||AL|NE|GBR|8859/1~UNICODE UTF-8';

describe('readHeader', () => {
  it('reads the envelope even when the body is broken', () => {
    const header = readHeader(`\ufeff\n${MSH}\r\u0000\u0001 junk |||\\\\\rPID`);
    expect(header).toMatchObject({
      sendingApplication: 'APP',
      sendingFacility: 'FAC\\T\\X',
      controlId: 'C|1',
      processingId: 'T',
      version: '2.6',
      messageCode: 'ADT',
      triggerEvent: 'A08',
      messageStructure: '',
      acceptAckType: 'AL',
      applicationAckType: 'NE',
      characterSet: '8859/1',
    });
  });

  it('matches the header of the full parse', () => {
    const text = `${MSH}\rPID|1`;
    expect(readHeader(text)).toEqual(parseMessage(text).header);
  });

  it('reads bytes in the declared charset', () => {
    const bytes = Buffer.from('MSH|^~\\&|APP|CLINIQUE ÉTÉ|R|F|1||ADT^A01|1|P|2.5||||||8859/1\r', 'latin1');
    expect(readHeader(bytes)?.sendingFacility).toBe('CLINIQUE ÉTÉ');
  });

  it.each(['', 'PID|1', 'MSH|^', 'MSH|^~\\&&|x', 'BHS|^~\\&|x'])('returns undefined for %j', (text) => {
    expect(readHeader(text)).toBeUndefined();
  });
});

describe('paths', () => {
  it('parses the documented forms', () => {
    expect(parsePath('PID-3[2].4.1')).toEqual({ segment: 'PID', occurrence: 1, field: 3, repetition: 2, component: 4, subComponent: 1 });
    expect(parsePath('DG1[3]-3.1')).toEqual({ segment: 'DG1', occurrence: 3, field: 3, repetition: 1, component: 1, subComponent: 0 });
    expect(parsePath('PV1.44')).toEqual({ segment: 'PV1', occurrence: 1, field: 44, repetition: 1, component: 0, subComponent: 0 });
    expect(parsePath('5.1').segment).toBe('');
  });

  it.each(['', 'PID', 'PID-', 'pid-3', 'PID-3.', 'PID-3[0]', 'PID-3[1', 'PID-3.1.2.3', 'PID-3 ', 'PI-3', 'PID-9999999'])('rejects %j', (path) => {
    expect(() => parsePath(path)).toThrow(expect.objectContaining({ code: 'ING-HL7-PATH' }));
  });

  it('picks pieces without splitting', () => {
    expect(pickPiece('a^b^c', '^', 1)).toBe('a');
    expect(pickPiece('a^b^c', '^', 3)).toBe('c');
    expect(pickPiece('a^b^c', '^', 4)).toBe('');
    expect(pickPiece('', '^', 1)).toBe('');
  });
});
