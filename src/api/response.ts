/** Building FHIR responses: ETag, Last-Modified, Location and the `Prefer: return` choice. */
import type { Resource } from 'fhir/r4.js';
import { informationOutcome } from '../shared/outcome.ts';
import { type ReturnPreference } from './request.ts';
import type { FhirResponse } from './types.ts';

export function versionHeaders(resource: Resource, fhirBase: string, withLocation: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const version = resource.meta?.versionId;
  if (version) headers.ETag = `W/"${version}"`;
  if (resource.meta?.lastUpdated) headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  if (withLocation && resource.id) {
    headers.Location = `${fhirBase}/${resource.resourceType}/${resource.id}${version ? `/_history/${version}` : ''}`;
  }
  return headers;
}

/** The response to a successful write, shaped by the client's `Prefer: return` preference. */
export function writeResponse(
  resource: Resource,
  status: number,
  preference: ReturnPreference,
  fhirBase: string,
  message: string,
): FhirResponse {
  const headers = versionHeaders(resource, fhirBase, status === 201 || status === 200);
  if (preference === 'minimal') return { status, headers };
  if (preference === 'OperationOutcome') return { status, headers, body: informationOutcome(message) };
  return { status, headers, body: resource };
}
