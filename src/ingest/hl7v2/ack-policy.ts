/**
 * Which acknowledgment to send (HL7 v2.5.1 ch. 2 §2.9.2 original mode, §2.9.3 enhanced mode;
 * MSH-15/MSH-16 with table 0155) and which envelope problems call for an AR (ch. 2 §2.9.2.1: MSH-9,
 * MSH-11, MSH-12 errors are rejects). The ACK code of a `GatewayError` comes from the one error table.
 */
import { ERROR_TABLE, type GatewayError } from '../../shared/errors.ts';
import type { AckCode, AckError } from './ack.ts';
import type { MessageHeader } from './header.ts';

/** Table 0155: always, never, on error only, on success only. */
export type AckCondition = 'AL' | 'NE' | 'ER' | 'SU';

/** The outcome of handling a message, in original-mode codes. */
export type AckOutcome = 'AA' | 'AE' | 'AR';

/** How the sender wants to be acknowledged. */
export interface AckMode {
  readonly mode: 'original' | 'enhanced';
  /** MSH-15 condition (always `AL` in original mode). */
  readonly accept: AckCondition;
  /** MSH-16 condition (always `AL` in original mode). */
  readonly application: AckCondition;
}

function toCondition(value: string): AckCondition {
  // An empty or unknown value in enhanced mode is read as AL: an unexpected ACK is harmless, a missing
  // one makes the sender resend.
  return value === 'NE' || value === 'ER' || value === 'SU' ? value : 'AL';
}

/** Enhanced mode when MSH-15 or MSH-16 is valued, original mode otherwise (or when there is no header). */
export function readAckMode(header: MessageHeader | undefined): AckMode {
  const accept = header?.acceptAckType ?? '';
  const application = header?.applicationAckType ?? '';
  if (accept === '' && application === '') return { mode: 'original', accept: 'AL', application: 'AL' };
  return { mode: 'enhanced', accept: toCondition(accept), application: toCondition(application) };
}

/** Whether a table 0155 condition asks for an acknowledgment given the outcome. */
export function isAckRequested(condition: AckCondition, succeeded: boolean): boolean {
  switch (condition) {
    case 'AL':
      return true;
    case 'NE':
      return false;
    case 'ER':
      return !succeeded;
    case 'SU':
      return succeeded;
  }
}

/** The enhanced-mode accept code for an outcome: AA→CA, AE→CE, AR→CR. */
export function toAcceptCode(outcome: AckOutcome): 'CA' | 'CE' | 'CR' {
  return outcome === 'AA' ? 'CA' : outcome === 'AE' ? 'CE' : 'CR';
}

/**
 * The ACK to send on the connection once the message is committed (or refused): in original mode the
 * outcome itself; in enhanced mode the accept acknowledgment if MSH-15 asks for it, else `undefined`
 * (send nothing). Application acknowledgments in enhanced mode are a later, separate message.
 */
export function decideAck(header: MessageHeader | undefined, outcome: AckOutcome): AckCode | undefined {
  const mode = readAckMode(header);
  if (mode.mode === 'original') return outcome;
  return isAckRequested(mode.accept, outcome === 'AA') ? toAcceptCode(outcome) : undefined;
}

/** AE or AR for an error, from the shared category table (AE: fix the message; AR: envelope or our fault). */
export function ackCodeForError(error: GatewayError): 'AE' | 'AR' {
  return ERROR_TABLE[error.category].ack;
}

/** Whether MSH-12 names a version this gateway accepts: 2.3 to 2.8 (with any patch level, e.g. 2.5.1). */
export function isSupportedVersion(version: string): boolean {
  const parts = version.split('.');
  if (parts.length < 2 || parts.length > 3 || parts[0] !== '2') return false;
  if (!parts.every((p) => p !== '' && /^\d+$/.test(p))) return false;
  const minor = Number(parts[1]);
  return minor >= 3 && minor <= 8;
}

/**
 * Envelope problems that call for an AR: missing MSH-9.1 or MSH-10 (101), a processing ID other than
 * P/D/T (202), missing MSH-11/MSH-12 (101), a version outside 2.3–2.8 (203). Empty list when the envelope is acceptable.
 */
export function checkHeader(header: MessageHeader): AckError[] {
  const errors: AckError[] = [];
  const at = (fieldPosition: number): Pick<AckError, 'segmentId' | 'segmentSequence' | 'fieldPosition'> => ({
    segmentId: 'MSH',
    segmentSequence: 1,
    fieldPosition,
  });
  if (header.messageCode === '') errors.push({ code: 101, ...at(9), diagnostic: 'MSH-9 message type is missing' });
  if (header.controlId === '') errors.push({ code: 101, ...at(10), diagnostic: 'MSH-10 message control ID is missing' });
  if (header.processingId === '') errors.push({ code: 101, ...at(11), diagnostic: 'MSH-11 processing ID is missing' });
  else if (!['P', 'D', 'T'].includes(header.processingId)) errors.push({ code: 202, ...at(11), diagnostic: 'MSH-11 processing ID must be P, D or T' });
  if (header.version === '') errors.push({ code: 101, ...at(12), diagnostic: 'MSH-12 version ID is missing' });
  else if (!isSupportedVersion(header.version)) errors.push({ code: 203, ...at(12), diagnostic: 'MSH-12 version is not supported (2.3 to 2.8)' });
  return errors;
}
