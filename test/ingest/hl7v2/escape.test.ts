import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODING, type DecodeContext, type Hl7Encoding } from '../../../src/ingest/hl7v2/encoding.ts';
import { decodeEscapes, encodeEscapes } from '../../../src/ingest/hl7v2/escape.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';

function context(encoding: Hl7Encoding = DEFAULT_ENCODING, hexCharset: 'utf-8' | 'latin1' = 'utf-8'): DecodeContext {
  return { encoding, hexCharset, warnings: [] };
}

describe('decodeEscapes', () => {
  it.each([
    ['\\F\\', '|'],
    ['\\S\\', '^'],
    ['\\T\\', '&'],
    ['\\R\\', '~'],
    ['\\E\\', '\\'],
    ['a\\.br\\b', 'a\nb'],
    ['a\\.sp\\b', 'a\nb'],
    ['a\\.sp3\\b', 'a\n\n\nb'],
    ['a\\.sk2\\b', 'a  b'],
    ['\\.in+4\\\\.fi\\\\.nf\\\\.ce\\x', 'x'],
    ['\\H\\bold\\N\\ plain', 'bold plain'],
    ['\\X41\\\\X42\\', 'AB'],
    ['\\XC3A9\\', 'é'],
    ['\\X\\', ''],
    ['no escapes', 'no escapes'],
  ])('decodes %j', (raw, expected) => {
    const ctx = context();
    expect(decodeEscapes(raw, ctx)).toBe(expected);
    expect(ctx.warnings).toEqual([]);
  });

  it('decodes hex as ISO-8859-1 when the message is', () => {
    expect(decodeEscapes('\\XE9\\', context(DEFAULT_ENCODING, 'latin1'))).toBe('é');
  });

  it('uses the message’s own delimiters', () => {
    const enc: Hl7Encoding = { field: '#', component: '$', repetition: '*', escape: '@', subComponent: '%', truncation: '!' };
    expect(decodeEscapes('@F@@S@@T@@R@@E@@P@', context(enc))).toBe('#$%*@!');
    expect(decodeEscapes('\\F\\', context(enc))).toBe('\\F\\');
  });

  it.each([
    ['C:\\path\\to', 'C:\\path\\to', 'HL7-ESCAPE-UNKNOWN'],
    ['\\Q\\', '\\Q\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\XZZ\\', '\\XZZ\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\X123\\', '\\X123\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\P\\', '\\P\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\.zz\\', '\\.zz\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\Zlocal\\', '\\Zlocal\\', 'HL7-ESCAPE-UNKNOWN'],
    ['trailing\\', 'trailing\\', 'HL7-ESCAPE-UNTERMINATED'],
    ['\\\\', '\\\\', 'HL7-ESCAPE-UNKNOWN'],
    ['\\C2842\\x', 'x', 'HL7-ESCAPE-CHARSET'],
  ])('keeps %j safely and warns', (raw, expected, code) => {
    const ctx = context();
    expect(decodeEscapes(raw, ctx, 'NTE-3')).toBe(expected);
    expect(ctx.warnings[0]).toMatchObject({ code, location: 'NTE-3' });
    expect(JSON.stringify(ctx.warnings)).not.toContain('path');
  });

  it('caps repeated output of formatting commands', () => {
    expect(decodeEscapes('\\.sp999999\\', context())).toHaveLength(100);
  });

  it('records warnings on the message when values are read, without throwing', () => {
    const message = parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rNTE|1||bad \\Q\\ escape');
    expect(message.get('NTE-3')).toBe('bad \\Q\\ escape');
    expect(message.warnings).toContainEqual(expect.objectContaining({ code: 'HL7-ESCAPE-UNKNOWN', location: 'NTE-3' }));
  });
});

describe('encodeEscapes', () => {
  it('escapes delimiters and line breaks, and round-trips through decodeEscapes', () => {
    const text = 'a|b^c&d~e\\f\r\ng';
    const encoded = encodeEscapes(text, DEFAULT_ENCODING);
    expect(encoded).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\\\X0A\\g');
    expect(decodeEscapes(encoded, context())).toBe(text);
  });

  it('escapes the truncation character only when the message declares one', () => {
    expect(encodeEscapes('#', DEFAULT_ENCODING)).toBe('#');
    expect(encodeEscapes('#', { ...DEFAULT_ENCODING, truncation: '#' })).toBe('\\P\\');
  });
});
