/**
 * GatewayErrors as ACK ERR segments: the error table decides AE (fix the message) or AR (envelope problem or
 * a transient failure on our side); issues that name an HL7 location (`PID-3`, `DG1[2]-3`) become ERR-2
 * locations with table 0357 codes. Diagnostics are the safe messages of the error, never message content.
 */
import type { AckError, Hl7ErrorCode } from '../ingest/hl7v2/index.ts';
import { ERROR_TABLE, type GatewayError } from '../shared/errors.ts';

const LOCATION = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](\d+)/;

/** Envelope-level refusals: a message type or trigger no mapping handles is an AR (do not resend unchanged). */
const ENVELOPE_CODES = new Set(['MAP-UNSUPPORTED-EVENT']);

export function ackCodeOf(error: GatewayError): 'AE' | 'AR' {
  return ENVELOPE_CODES.has(error.code) ? 'AR' : ERROR_TABLE[error.category].ack;
}

export function ackErrorsOf(error: GatewayError): AckError[] {
  const errors: AckError[] = [];
  for (const issue of error.issues) {
    const where = [...(issue.expression ?? []), ...(issue.location ?? [])].map((e) => LOCATION.exec(e)).find((m) => m !== null);
    const base: AckError = { code: codeFor(error, issue.code), diagnostic: issue.diagnostics ?? error.message };
    errors.push(where ? { ...base, segmentId: where[1] as string, segmentSequence: Number(where[2] ?? 1), fieldPosition: Number(where[3]) } : base);
  }
  if (errors.length === 0) errors.push({ code: codeFor(error, undefined), diagnostic: error.message });
  return errors.slice(0, 20);
}

function codeFor(error: GatewayError, issueCode: string | undefined): Hl7ErrorCode {
  if (error.code === 'MAP-UNSUPPORTED-EVENT') return 201;
  if (error.code.startsWith('ING-HL7')) return 102;
  if (issueCode === 'required') return 101;
  if (issueCode === 'value' || issueCode === 'code-invalid') return 103;
  if (issueCode === 'structure' || issueCode === 'invalid') return 102;
  return error.category === 'unavailable' || error.category === 'fault' ? 207 : 102;
}
