/**
 * The general acknowledgment message (HL7 v2.5.1 ch. 2 §2.9 "Acknowledgment protocols", §2.14.1 ACK,
 * §2.15.8 MSA, §2.15.5 ERR; table 0008 acknowledgment codes, table 0357 error codes, table 0516 severity).
 * The ACK uses the original's own delimiters, swaps its sending and receiving application/facility, and
 * echoes MSH-10 in MSA-2. Text we put into the ACK is escaped; it must already be free of patient data.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_ENCODING, formatEncodingCharacters, type Hl7Encoding } from './encoding.ts';
import { encodeEscapes } from './escape.ts';
import type { MessageHeader } from './header.ts';

/** Table 0008: original mode AA/AE/AR, enhanced-mode accept acknowledgments CA/CE/CR. */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** Table 0516 error severity: error, warning, information. */
export type ErrorSeverity = 'E' | 'W' | 'I';

/** Table 0357 message error condition codes. */
export const HL7_ERROR_CODES = {
  0: 'Message accepted',
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  206: 'Application record locked',
  207: 'Application internal error',
} as const;

/** A code of table 0357. */
export type Hl7ErrorCode = keyof typeof HL7_ERROR_CODES;

/** One problem to report in an ERR segment. Positions are 1-based, as in the ERL data type. */
export interface AckError {
  readonly code: Hl7ErrorCode;
  /** Default `E`. */
  readonly severity?: ErrorSeverity;
  readonly segmentId?: string;
  /** Which occurrence of the segment (ERL.2), default 1 when a segment is named. */
  readonly segmentSequence?: number;
  readonly fieldPosition?: number;
  readonly fieldRepetition?: number;
  readonly componentNumber?: number;
  readonly subComponentNumber?: number;
  /** Safe diagnostic text (ERR-7); never patient data. Escaped and cut to 200 characters. */
  readonly diagnostic?: string;
}

/** Input of {@link buildAck}. */
export interface AckOptions {
  /** Header of the message being acknowledged, or undefined when its MSH could not be read. */
  readonly original: MessageHeader | undefined;
  readonly code: AckCode;
  /** MSH-7 of the ACK. */
  readonly now: Date;
  /** MSH-10 of the ACK; a random 20-character ID when omitted. */
  readonly controlId?: string;
  readonly errors?: readonly AckError[];
}

const DEFAULT_VERSION = '2.5.1';
const MAX_DIAGNOSTIC = 200;

/** A fresh, unique MSH-10 (20 hex characters: the ST length limit up to v2.6). */
export function generateControlId(): string {
  return randomBytes(10).toString('hex').toUpperCase();
}

/** Formats a Date as an HL7 DTM in UTC: `YYYYMMDDHHMMSS+0000`. */
export function formatHl7DateTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    String(date.getUTCFullYear()).padStart(4, '0') +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    '+0000'
  );
}

/** True for versions before 2.5, whose ERR has only ERR-1 (ELD) instead of ERR-2..8. */
function usesLegacyErr(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major === 2 && minor !== undefined && minor < 5;
}

function joinTrimmed(parts: readonly string[], separator: string): string {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end -= 1;
  return parts.slice(0, end).join(separator);
}

function position(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function buildErr(error: AckError, enc: Hl7Encoding, legacy: boolean): string {
  const text = HL7_ERROR_CODES[error.code];
  const seq = error.segmentId === undefined ? undefined : (error.segmentSequence ?? 1);
  const segmentId = encodeEscapes(error.segmentId ?? '', enc);
  const diagnostic = encodeEscapes((error.diagnostic ?? '').slice(0, MAX_DIAGNOSTIC), enc);
  if (legacy) {
    // v2.3/2.4 ERR-1 (ELD): segment ID ^ sequence ^ field position ^ code (CE, as sub-components).
    const code = [String(error.code), text, 'HL70357'].join(enc.subComponent);
    return 'ERR' + enc.field + joinTrimmed([segmentId, position(seq), position(error.fieldPosition), code], enc.component);
  }
  const location = joinTrimmed(
    [segmentId, position(seq), position(error.fieldPosition), position(error.fieldRepetition), position(error.componentNumber), position(error.subComponentNumber)],
    enc.component,
  );
  const code = [String(error.code), text, 'HL70357'].join(enc.component);
  return joinTrimmed(['ERR', '', location, code, error.severity ?? 'E', '', '', diagnostic], enc.field);
}

/**
 * Builds an ER7 ACK (segments ended by CR). In original mode use AA/AE/AR; for an enhanced-mode accept
 * acknowledgment CA/CE/CR. Without an original header the ACK uses default delimiters and version, and a
 * positive code is turned into AR/CR: a message we could not read must never be acknowledged as accepted.
 */
export function buildAck(options: AckOptions): string {
  const original = options.original;
  const enc = original?.encoding ?? DEFAULT_ENCODING;
  let code = options.code;
  if (original === undefined && (code === 'AA' || code === 'CA')) code = code === 'AA' ? 'AR' : 'CR';
  const version = original?.version || DEFAULT_VERSION;
  const trigger = original?.triggerEvent ?? '';
  const messageType = trigger === '' ? 'ACK' : ['ACK', encodeEscapes(trigger, enc), 'ACK'].join(enc.component);
  const enhanced = code === 'CA' || code === 'CE' || code === 'CR';
  const msh = joinTrimmed(
    [
      'MSH',
      formatEncodingCharacters(enc),
      original?.receivingApplication ?? '',
      original?.receivingFacility ?? '',
      original?.sendingApplication ?? '',
      original?.sendingFacility ?? '',
      formatHl7DateTime(options.now),
      '',
      messageType,
      encodeEscapes(options.controlId ?? generateControlId(), enc),
      encodeEscapes(original?.processingId || 'P', enc),
      encodeEscapes(version, enc),
      '',
      '',
      enhanced ? 'NE' : '',
      enhanced ? 'NE' : '',
      '',
      encodeEscapes(original?.characterSet ?? '', enc),
    ],
    enc.field,
  );
  const errors = options.errors ?? [];
  const legacy = usesLegacyErr(version);
  const firstDiagnostic = errors[0]?.diagnostic;
  // Before v2.5 there is no ERR-7, so the first diagnostic also goes to MSA-3 (text message).
  const msaText = legacy && firstDiagnostic !== undefined ? encodeEscapes(firstDiagnostic.slice(0, MAX_DIAGNOSTIC), enc) : '';
  const msa = joinTrimmed(['MSA', code, encodeEscapes(original?.controlId ?? '', enc), msaText], enc.field);
  const segments = [msh, msa, ...errors.map((error) => buildErr(error, enc, legacy))];
  return segments.join('\r') + '\r';
}
