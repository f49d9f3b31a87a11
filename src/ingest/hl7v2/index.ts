/**
 * The HL7 v2 layer of the gateway: ER7 parsing, batches, charsets, escapes and acknowledgments.
 * Pure functions and value objects only (no I/O). See HL7 v2.5.1 chapter 2 "Control".
 */
export { parseMessage, type ParseOptions } from './parser.ts';
export { Hl7Message } from './message.ts';
export { Hl7Segment, isHeaderSegmentId } from './segment.ts';
export { Hl7Element, Hl7Field, Hl7Repetition, Hl7Component, Hl7SubComponent } from './elements.ts';
export { parsePath, pickPiece, type Hl7Path } from './path.ts';
export { DEFAULT_ENCODING, formatEncodingCharacters, type Hl7Encoding, type Hl7Warning } from './encoding.ts';
export { decodeEscapes, encodeEscapes } from './escape.ts';
export { decodeMessageBytes, encodeText, resolveCharset, type DecodedText } from './charset.ts';
export { readHeader, type MessageHeader } from './header.ts';
export { splitBatch, type BatchSplit } from './batch.ts';
export {
  buildAck,
  formatHl7DateTime,
  generateControlId,
  HL7_ERROR_CODES,
  type AckCode,
  type AckError,
  type AckOptions,
  type ErrorSeverity,
  type Hl7ErrorCode,
} from './ack.ts';
export {
  ackCodeForError,
  checkHeader,
  decideAck,
  isAckRequested,
  isSupportedVersion,
  readAckMode,
  toAcceptCode,
  type AckCondition,
  type AckMode,
  type AckOutcome,
} from './ack-policy.ts';
