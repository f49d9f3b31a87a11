/**
 * Guards on a decision request. A request the core cannot judge is refused with a `CNS-` error rather than
 * guessed at; the enforcement layer treats any error as a deny (fail closed, RELIABILITY.md case 22).
 */
import { GatewayError } from '../shared/errors.ts';
import type { AccessRequest } from './types.ts';

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Throws `GatewayError` (`CNS-…`) when the request is incomplete or malformed. */
export function assertAccessRequest(request: AccessRequest): void {
  const { consents, requester, resource, policy } = request;
  if (!(policy.now instanceof Date) || Number.isNaN(policy.now.getTime())) {
    throw new GatewayError('CNS-INVALID-NOW', 'fault', 'Consent decision needs a valid decision time');
  }
  if (policy.defaultPolicy !== 'opt-in' && policy.defaultPolicy !== 'opt-out') {
    throw new GatewayError('CNS-INVALID-DEFAULT', 'fault', 'Consent default policy must be opt-in or opt-out');
  }
  if (!Array.isArray(consents)) {
    throw new GatewayError('CNS-INVALID-CONSENTS', 'fault', 'Consent decision needs the list of the patient consents');
  }
  if (!isText(requester.clientId)) {
    throw new GatewayError('CNS-NO-CLIENT', 'invalid', 'The requesting client is not identified');
  }
  if (!isText(requester.organization.reference)) {
    throw new GatewayError('CNS-NO-ORGANIZATION', 'invalid', 'The requesting organization is not identified');
  }
  if (!isText(requester.purposeOfUse)) {
    throw new GatewayError('CNS-NO-PURPOSE', 'invalid', 'A purpose of use is required');
  }
  if (!isText(resource.resourceType)) {
    throw new GatewayError('CNS-INVALID-FACTS', 'fault', 'Consent decision needs the resource type');
  }
}
