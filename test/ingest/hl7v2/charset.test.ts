import { describe, expect, it } from 'vitest';
import { decodeMessageBytes, encodeText, resolveCharset } from '../../../src/ingest/hl7v2/charset.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';

function msh(charset: string): string {
  return `MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5|||||GBR|${charset}\r`;
}

describe('character sets', () => {
  it('decodes ISO-8859-1 when MSH-18 says 8859/1', () => {
    const bytes = Buffer.from(msh('8859/1') + 'PID|1||1||MÜLLER^JOSÉ', 'latin1');
    const message = parseMessage(bytes);
    expect(message.charset).toBe('latin1');
    expect(message.get('PID-5.1')).toBe('MÜLLER');
    expect(message.get('PID-5.2')).toBe('JOSÉ');
    expect(message.bytes.equals(bytes)).toBe(true);
  });

  it('decodes UTF-8 when MSH-18 says UNICODE UTF-8, or by default', () => {
    for (const charset of ['UNICODE UTF-8', '']) {
      const message = parseMessage(Buffer.from(msh(charset) + 'PID|1||1||Żółć^Ünal', 'utf8'));
      expect(message.charset).toBe('utf-8');
      expect(message.get('PID-5')).toBe('Żółć^Ünal');
      expect(message.warnings).toEqual([]);
    }
  });

  it('lets a UTF-8 BOM win and strips it', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(msh('') + 'PID|1||1||Ünal', 'utf8')]);
    const message = parseMessage(bytes);
    expect(message.get('MSH-3')).toBe('A');
    expect(message.get('PID-5')).toBe('Ünal');
  });

  it('falls back to ISO-8859-1 with a warning when undeclared bytes are not UTF-8', () => {
    const message = parseMessage(Buffer.from(msh('') + 'PID|1||1||MÜLLER', 'latin1'));
    expect(message.get('PID-5')).toBe('MÜLLER');
    expect(message.warnings.map((w) => w.code)).toContain('HL7-CHARSET-FALLBACK');
  });

  it('uses a per-feed default charset when MSH-18 is empty', () => {
    const message = parseMessage(Buffer.from(msh('') + 'PID|1||1||MÜLLER', 'latin1'), { defaultCharset: 'latin1' });
    expect(message.charset).toBe('latin1');
    expect(message.warnings).toEqual([]);
  });

  it('decodes other ISO-8859 parts through TextDecoder', () => {
    const bytes = Buffer.concat([Buffer.from(msh('8859/2') + 'PID|1||1||'), Buffer.from([0xa3, 0xf3, 0x64, 0xbc])]);
    expect(parseMessage(bytes).get('PID-5')).toBe('Łódź');
  });

  it('decodes an unknown MSH-18 as UTF-8 with a warning', () => {
    const message = parseMessage(Buffer.from(msh('KLINGON') + 'PID|1', 'utf8'));
    expect(message.charset).toBe('utf-8');
    expect(message.warnings).toContainEqual(expect.objectContaining({ code: 'HL7-CHARSET-UNKNOWN', location: 'MSH-18' }));
  });

  it('decodes UTF-16 with a BOM', () => {
    const text = msh('') + 'PID|1||1||Ünal';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeMessageBytes(bytes).text).toBe(text);
  });

  it('maps table 0211 names', () => {
    expect(resolveCharset('8859/1').label).toBe('latin1');
    expect(resolveCharset('ascii').label).toBe('utf-8');
    expect(resolveCharset('', 'latin1').label).toBe('latin1');
    expect(resolveCharset('nope')).toEqual({ label: 'utf-8', known: false });
  });

  it('encodes outgoing text in the sender’s charset', () => {
    expect(encodeText('É', '8859/1')).toEqual(Buffer.from([0xc9]));
    expect(encodeText('É', '')).toEqual(Buffer.from([0xc3, 0x89]));
  });
});
