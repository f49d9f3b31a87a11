/**
 * The one error model of the gateway. Every stage throws `GatewayError` with a stable, stage-grouped code
 * (`ING-`, `MAP-`, `VAL-`, `MPI-`, `STO-`, `CNS-`, `AUT-`, `API-`) and a category. The single table below
 * turns a category into an HTTP status, an OperationOutcome issue code and an HL7 v2 acknowledgment code,
 * so the HTTP error middleware and the ACK builder never decide on their own.
 */
import type { OperationOutcomeIssue } from 'fhir/r4.js';

export type ErrorCategory =
  | 'invalid'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'gone'
  | 'not-acceptable'
  | 'conflict'
  | 'precondition-failed'
  | 'too-large'
  | 'unsupported-media-type'
  | 'not-supported'
  | 'throttled'
  | 'unavailable'
  | 'fault';

export interface CategoryRule {
  status: number;
  issueCode: OperationOutcomeIssue['code'];
  /** AE: the sender should fix the message; AR: envelope problem or transient failure on our side. */
  ack: 'AE' | 'AR';
}

export const ERROR_TABLE: Readonly<Record<ErrorCategory, CategoryRule>> = {
  invalid: { status: 400, issueCode: 'invalid', ack: 'AE' },
  unprocessable: { status: 422, issueCode: 'processing', ack: 'AE' },
  unauthorized: { status: 401, issueCode: 'login', ack: 'AR' },
  forbidden: { status: 403, issueCode: 'forbidden', ack: 'AR' },
  'not-found': { status: 404, issueCode: 'not-found', ack: 'AE' },
  gone: { status: 410, issueCode: 'deleted', ack: 'AE' },
  'not-acceptable': { status: 406, issueCode: 'not-supported', ack: 'AR' },
  conflict: { status: 409, issueCode: 'conflict', ack: 'AE' },
  'precondition-failed': { status: 412, issueCode: 'conflict', ack: 'AE' },
  'too-large': { status: 413, issueCode: 'too-costly', ack: 'AR' },
  'unsupported-media-type': { status: 415, issueCode: 'not-supported', ack: 'AR' },
  'not-supported': { status: 400, issueCode: 'not-supported', ack: 'AR' },
  throttled: { status: 429, issueCode: 'throttled', ack: 'AR' },
  unavailable: { status: 503, issueCode: 'transient', ack: 'AR' },
  fault: { status: 500, issueCode: 'exception', ack: 'AR' },
};

export interface GatewayErrorOptions {
  /** Extra issues (for example one per validation failure), each already free of patient data. */
  issues?: OperationOutcomeIssue[];
  /** Response headers that belong to this error (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly issues: OperationOutcomeIssue[];
  readonly headers: Record<string, string>;

  /**
   * @param code stable machine code, e.g. `STO-NOT-FOUND`
   * @param category decides status, issue code and ACK code through {@link ERROR_TABLE}
   * @param message safe for clients: never patient data, SQL or stack traces
   */
  constructor(
    readonly code: string,
    readonly category: ErrorCategory,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_TABLE[this.category].status;
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** Wraps anything thrown into a GatewayError; unknown errors become a generic fault with no detail. */
export function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('GW-INTERNAL', 'fault', 'An internal error occurred', { cause: error });
}
