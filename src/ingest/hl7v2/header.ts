/**
 * The message header (MSH, HL7 v2.5.1 ch. 2 §2.15.9) as the gateway needs it for acknowledgment,
 * deduplication (sending facility + MSH-10) and routing. `readHeader` reads only the MSH segment, so it
 * works even when the rest of the message is broken.
 */
import { decodeMessageBytes } from './charset.ts';
import type { DecodeContext, Hl7Encoding } from './encoding.ts';
import { readEncoding } from './encoding.ts';
import { Hl7Segment } from './segment.ts';
import { findMessageStart, findSegmentEnd } from './segment-split.ts';
import { parsePath } from './path.ts';

/** The MSH fields used by the ACK builder, deduplication and routing. */
export interface MessageHeader {
  readonly encoding: Hl7Encoding;
  /** MSH-3..6 as sent (first repetition, escapes intact) so they can be copied into the ACK unchanged. */
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly receivingApplication: string;
  readonly receivingFacility: string;
  /** MSH-7.1, date/time of message (DTM as sent). */
  readonly dateTime: string;
  /** MSH-9.1 message code (`ADT`), MSH-9.2 trigger event (`A01`), MSH-9.3 message structure (`ADT_A01`). */
  readonly messageCode: string;
  readonly triggerEvent: string;
  readonly messageStructure: string;
  /** MSH-10 message control ID, decoded. */
  readonly controlId: string;
  /** MSH-11.1 processing ID (`P`, `T`, `D`). */
  readonly processingId: string;
  /** MSH-12.1 version ID (`2.5.1`). */
  readonly version: string;
  /** MSH-15 accept and MSH-16 application acknowledgment types (table 0155: AL, NE, ER, SU), '' if absent. */
  readonly acceptAckType: string;
  readonly applicationAckType: string;
  /** MSH-18 character set, first repetition ('' means the default). */
  readonly characterSet: string;
}

const PATHS = {
  sendingApplication: parsePath('MSH-3'),
  sendingFacility: parsePath('MSH-4'),
  receivingApplication: parsePath('MSH-5'),
  receivingFacility: parsePath('MSH-6'),
  dateTime: parsePath('MSH-7.1'),
  messageCode: parsePath('MSH-9.1'),
  triggerEvent: parsePath('MSH-9.2'),
  messageStructure: parsePath('MSH-9.3'),
  controlId: parsePath('MSH-10'),
  processingId: parsePath('MSH-11.1'),
  version: parsePath('MSH-12.1'),
  acceptAckType: parsePath('MSH-15'),
  applicationAckType: parsePath('MSH-16'),
  characterSet: parsePath('MSH-18'),
};

/** Builds the header view of a parsed MSH segment. */
export function buildHeader(msh: Hl7Segment, encoding: Hl7Encoding): MessageHeader {
  const value = (key: keyof typeof PATHS): string => msh.valueAt(PATHS[key]).trim();
  const raw = (key: keyof typeof PATHS): string => msh.rawAt(PATHS[key]);
  return {
    encoding,
    sendingApplication: raw('sendingApplication'),
    sendingFacility: raw('sendingFacility'),
    receivingApplication: raw('receivingApplication'),
    receivingFacility: raw('receivingFacility'),
    dateTime: value('dateTime'),
    messageCode: value('messageCode'),
    triggerEvent: value('triggerEvent'),
    messageStructure: value('messageStructure'),
    controlId: value('controlId'),
    processingId: value('processingId'),
    version: value('version'),
    acceptAckType: value('acceptAckType').toUpperCase(),
    applicationAckType: value('applicationAckType').toUpperCase(),
    characterSet: value('characterSet'),
  };
}

/**
 * Reads the MSH of a message cheaply and tolerantly, for the ACK and deduplication even when the
 * body is broken. Returns `undefined` when there is no usable MSH (no MSH first, bad delimiters).
 */
export function readHeader(input: string | Uint8Array, defaultCharset?: string): MessageHeader | undefined {
  const decoded = typeof input === 'string' ? { text: input, hexCharset: 'utf-8' as const } : decodeMessageBytes(input, defaultCharset);
  const text = decoded.text;
  const start = findMessageStart(text);
  if (!text.startsWith('MSH', start)) return undefined;
  let encoding: Hl7Encoding;
  try {
    encoding = readEncoding(text, start);
  } catch {
    return undefined;
  }
  const ctx: DecodeContext = { encoding, hexCharset: decoded.hexCharset, warnings: [] };
  const msh = new Hl7Segment(text.slice(start, findSegmentEnd(text, start, encoding.field)), 1, ctx);
  return buildHeader(msh, encoding);
}
