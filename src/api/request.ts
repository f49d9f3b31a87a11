/** Reading the parts of a FHIR request that every interaction shares: type, id, body, conditional headers. */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { isRecord } from '../shared/json.ts';
import type { ApiDeps, FhirRequest } from './types.ts';

export function resourceTypeOf(request: FhirRequest, deps: ApiDeps, index = 0): string {
  const type = request.path[index] ?? '';
  if (!deps.registry.isResourceType(type)) {
    throw new GatewayError('API-UNKNOWN-TYPE', 'not-found', `Unknown resource type "${type.slice(0, 64)}"`);
  }
  return type;
}

export function idOf(request: FhirRequest, index = 1): string {
  const id = request.path[index] ?? '';
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw new GatewayError('API-BAD-ID', 'not-found', 'Resource id is not valid');
  return id;
}

/** The request body as a resource of the expected type. https://hl7.org/fhir/R4/http.html#create */
export function bodyResource(request: FhirRequest, expectedType: string): Resource {
  const body = request.body;
  if (!isRecord(body)) throw new GatewayError('API-NO-BODY', 'invalid', 'The request needs a FHIR resource as its JSON body');
  if (typeof body.resourceType !== 'string') {
    throw new GatewayError('API-NO-RESOURCE-TYPE', 'invalid', 'The body has no resourceType', {
      issues: [{ severity: 'error', code: 'required', diagnostics: 'resourceType is required', expression: ['resourceType'] }],
    });
  }
  if (body.resourceType !== expectedType) {
    throw new GatewayError('API-TYPE-MISMATCH', 'invalid', `The body is a ${body.resourceType.slice(0, 64)}, not a ${expectedType}`);
  }
  return body as unknown as Resource;
}

/** `W/"3"` or `"3"` → `3`. */
export function versionFromETag(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?([^"]*)"?$/.exec(header.trim());
  return match?.[1];
}

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

/** https://hl7.org/fhir/R4/http.html#ops — `Prefer: return=…` */
export function returnPreference(request: FhirRequest): ReturnPreference {
  const match = /return=(minimal|representation|OperationOutcome)/.exec(request.headers.prefer ?? '');
  return (match?.[1] as ReturnPreference | undefined) ?? 'representation';
}

/** `Prefer: handling=strict` makes unknown search parameters an error. https://hl7.org/fhir/R4/search.html#errors */
export function strictHandling(request: FhirRequest): boolean {
  return /handling=strict/.test(request.headers.prefer ?? '');
}

export function queryValue(request: FhirRequest, name: string): string | undefined {
  return request.query.find(([key]) => key === name)?.[1];
}
