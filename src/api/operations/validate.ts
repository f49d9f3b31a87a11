/**
 * `$validate` at type and instance level. https://hl7.org/fhir/R4/resource-operation-validate.html
 * The body is the resource or a Parameters resource carrying `resource` (and optionally `profile`, `mode`).
 * The answer is always an OperationOutcome: 200 when the resource is valid, 422 when it is not.
 */
import type { Parameters, Resource } from 'fhir/r4.js';
import { GatewayError } from '../../shared/errors.ts';
import { isRecord } from '../../shared/json.ts';
import { informationOutcome, operationOutcome } from '../../shared/outcome.ts';
import { resourceTypeOf } from '../request.ts';
import type { Handler } from '../types.ts';

export const validateOperation: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const { resource, profiles, mode } = readInput(request.body);
  if (mode === 'delete') return { status: 200, body: informationOutcome('Deletion is allowed') };
  if (isRecord(resource) && resource.resourceType !== type) {
    throw new GatewayError('API-TYPE-MISMATCH', 'invalid', `$validate on ${type} received a different resource type`);
  }
  const issues = deps.validator.validate(resource, profiles.length > 0 ? { profiles } : undefined);
  if (issues.length === 0) return { status: 200, body: informationOutcome('The resource is valid') };
  return { status: 422, body: operationOutcome(...issues) };
};

function readInput(body: unknown): { resource: unknown; profiles: string[]; mode?: string } {
  if (!isRecord(body)) throw new GatewayError('API-NO-BODY', 'invalid', '$validate needs a resource or a Parameters body');
  if (body.resourceType !== 'Parameters') return { resource: body as unknown as Resource, profiles: [] };
  const parameters = (body as unknown as Parameters).parameter ?? [];
  const resource = parameters.find((p) => p.name === 'resource')?.resource;
  if (!resource) throw new GatewayError('API-NO-RESOURCE', 'invalid', '$validate Parameters need a "resource" parameter');
  const profiles = parameters.filter((p) => p.name === 'profile').map((p) => p.valueUri ?? p.valueCanonical ?? '').filter(Boolean);
  const mode = parameters.find((p) => p.name === 'mode')?.valueCode;
  return mode === undefined ? { resource, profiles } : { resource, profiles, mode };
}
