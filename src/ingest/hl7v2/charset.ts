/**
 * Character sets of HL7 v2 messages: MSH-18 (HL7 table 0211, v2.5.1 ch. 2 §2.15.9.18) decides how
 * the bytes are decoded. A byte-order mark wins over MSH-18; an empty MSH-18 means the configured
 * default (UTF-8 unless told otherwise).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { addWarning, type Hl7Warning } from './encoding.ts';
import { findMessageStart, findSegmentEnd } from './segment-split.ts';
import { pickPiece } from './path.ts';

/** Result of decoding the bytes of one message. */
export interface DecodedText {
  readonly text: string;
  /** WHATWG label of the charset actually used, e.g. `utf-8`, `latin1`, `iso-8859-2`. */
  readonly charset: string;
  /** How `\Xhh\` escapes are turned into text for this charset. */
  readonly hexCharset: 'utf-8' | 'latin1';
  readonly warnings: Hl7Warning[];
}

/** Table 0211 values we know, mapped to WHATWG encoding labels. */
const TABLE_0211: Readonly<Record<string, string>> = {
  ASCII: 'utf-8',
  '8859/1': 'latin1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  UNICODE: 'utf-8',
  'BIG-5': 'big5',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr',
};

/**
 * Maps an MSH-18 value to a decoder label. Unknown values fall back to UTF-8 (`known: false`).
 * @param characterSet MSH-18 (first repetition, first component); empty means `fallback`
 */
export function resolveCharset(characterSet: string, fallback = 'utf-8'): { label: string; known: boolean } {
  const key = characterSet.trim().toUpperCase();
  if (key === '') return { label: fallback, known: true };
  const label = TABLE_0211[key];
  return label === undefined ? { label: 'utf-8', known: false } : { label, known: true };
}

function decodeUtf8(bytes: Uint8Array, warnings: Hl7Warning[]): DecodedText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return { text: buffer.toString('utf8'), charset: 'utf-8', hexCharset: 'utf-8', warnings };
  // Senders often declare nothing (or ASCII) and send ISO-8859-1 names; latin1 keeps every byte.
  addWarning(warnings, { code: 'HL7-CHARSET-FALLBACK', message: 'Bytes are not valid UTF-8; decoded as ISO-8859-1' });
  return { text: buffer.toString('latin1'), charset: 'latin1', hexCharset: 'latin1', warnings };
}

function decodeWith(label: string, bytes: Uint8Array, warnings: Hl7Warning[]): DecodedText {
  if (label === 'utf-8') return decodeUtf8(bytes, warnings);
  if (label === 'latin1') {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return { text, charset: 'latin1', hexCharset: 'latin1', warnings };
  }
  try {
    const text = new TextDecoder(label).decode(bytes);
    return { text, charset: label, hexCharset: 'utf-8', warnings };
  } catch {
    addWarning(warnings, { code: 'HL7-CHARSET-UNSUPPORTED', message: 'Declared character set is not available; decoded as UTF-8' });
    return decodeUtf8(bytes, warnings);
  }
}

/** Reads MSH-18 from a latin1 view of the bytes (delimiters and MSH-18 values are ASCII). */
function readDeclaredCharset(view: string): string {
  const start = findMessageStart(view);
  if (!view.startsWith('MSH', start) || view.length < start + 4) return '';
  const fs = view.charAt(start + 3);
  const msh = view.slice(start, findSegmentEnd(view, start, fs));
  // pieces: MSH, MSH-2, MSH-3 ... so MSH-18 is piece 18 (1-based)
  const field = pickPiece(msh, fs, 18);
  return pickPiece(pickPiece(field, msh.charAt(5) || '~', 1), msh.charAt(4) || '^', 1);
}

/**
 * Decodes the bytes of one message: BOM first, then MSH-18, then `defaultCharset`.
 * Pure-ASCII messages skip the decoder. Invalid UTF-8 falls back to ISO-8859-1 with a warning.
 */
export function decodeMessageBytes(bytes: Uint8Array, defaultCharset = 'utf-8'): DecodedText {
  const warnings: Hl7Warning[] = [];
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3), warnings);
  if (b0 === 0xff && b1 === 0xfe) return decodeWith('utf-16le', bytes.subarray(2), warnings);
  if (b0 === 0xfe && b1 === 0xff) return decodeWith('utf-16be', bytes.subarray(2), warnings);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = buffer.toString('latin1');
  const declared = readDeclaredCharset(view);
  const { label, known } = resolveCharset(declared, defaultCharset);
  if (!known) addWarning(warnings, { code: 'HL7-CHARSET-UNKNOWN', message: 'MSH-18 names an unknown character set; decoded as UTF-8', location: 'MSH-18' });
  if (isAscii(buffer)) return { text: view, charset: label, hexCharset: label === 'latin1' ? 'latin1' : 'utf-8', warnings };
  return decodeWith(label, bytes, warnings);
}

/**
 * Encodes outgoing text (an ACK) in the character set named by an MSH-18 value, so the receiver
 * decodes it the way it encoded its own message. Unknown or unsupported sets are written as UTF-8.
 */
export function encodeText(text: string, characterSet: string): Buffer {
  const { label } = resolveCharset(characterSet);
  return Buffer.from(text, label === 'latin1' ? 'latin1' : 'utf8');
}
