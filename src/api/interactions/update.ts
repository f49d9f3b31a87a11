/** update, update-as-create, conditional update. https://hl7.org/fhir/R4/http.html#update, #cond-update */
import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../../shared/errors.ts';
import { findByCondition } from '../conditional.ts';
import { bodyResource, idOf, resourceTypeOf, returnPreference, versionFromETag } from '../request.ts';
import { writeResponse } from '../response.ts';
import type { FhirRequest, Handler } from '../types.ts';
import { multipleMatches } from './create.ts';

export const updateInteraction: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const id = idOf(request);
  const resource = bodyResource(request, type);
  if (resource.id !== id) {
    throw new GatewayError('API-ID-MISMATCH', 'invalid', 'The resource id in the body must match the id in the URL', {
      issues: [{ severity: 'error', code: 'invalid', diagnostics: 'id must equal the URL id', expression: [`${type}.id`] }],
    });
  }
  const result = await deps.store.update(resource, ifMatchOption(request));
  return writeResponse(result.resource, result.created ? 201 : 200, returnPreference(request), deps.fhirBase, result.created ? 'Created' : 'Updated');
};

/** `PUT /Patient?identifier=…`: no match → create, one match → update it, several → 412. */
export const conditionalUpdateInteraction: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const resource = bodyResource(request, type);
  const criteria = new URLSearchParams(request.query).toString();
  const result = await deps.store.transaction(async (store) => {
    await store.lock(`update:${type}?${criteria}`);
    const matches = await findByCondition(type, criteria, { ...deps, store });
    if (matches.length > 1) throw multipleMatches();
    const target = matches[0];
    if (target && resource.id && resource.id !== target.id) {
      throw new GatewayError('API-ID-MISMATCH', 'invalid', 'The body id does not match the resource the condition found');
    }
    const id = target?.id ?? resource.id ?? randomUUID();
    return store.update({ ...resource, id } as Resource, ifMatchOption(request));
  });
  return writeResponse(result.resource, result.created ? 201 : 200, returnPreference(request), deps.fhirBase, result.created ? 'Created' : 'Updated');
};

function ifMatchOption(request: FhirRequest): { ifMatch?: string } {
  const ifMatch = versionFromETag(request.headers['if-match']);
  return ifMatch === undefined ? {} : { ifMatch };
}
