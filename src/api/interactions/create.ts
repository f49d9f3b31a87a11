/** create, conditional create (If-None-Exist). https://hl7.org/fhir/R4/http.html#create, #ccreate */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../../shared/errors.ts';
import { bodyResource, resourceTypeOf, returnPreference } from '../request.ts';
import { writeResponse } from '../response.ts';
import { findByCondition } from '../conditional.ts';
import type { ApiDeps, FhirResponse, Handler } from '../types.ts';

export interface CreateOutcome {
  resource: Resource;
  /** False when If-None-Exist matched an existing resource. */
  created: boolean;
}

/**
 * Creates `resource` under a server-assigned id (or `assignedId`, used by transactions that assigned ids up
 * front), unless `ifNoneExist` matches exactly one resource, which is returned instead; several matches → 412.
 */
export async function createResource(resource: Resource, deps: ApiDeps, ifNoneExist?: string, assignedId?: string): Promise<CreateOutcome> {
  const write = async (store: ApiDeps['store']): Promise<CreateOutcome> => {
    const created = await store.create(resource, assignedId ? { id: assignedId } : {});
    return { resource: created, created: true };
  };
  if (!ifNoneExist) return write(deps.store);
  return deps.store.transaction(async (store) => {
    await store.lock(`create:${resource.resourceType}?${ifNoneExist}`);
    const matches = await findByCondition(resource.resourceType, ifNoneExist, { ...deps, store });
    if (matches.length > 1) throw multipleMatches();
    const existing = matches[0];
    if (existing) return { resource: existing, created: false };
    return write(store);
  });
}

export const createInteraction: Handler = async (request, deps): Promise<FhirResponse> => {
  const type = resourceTypeOf(request, deps);
  const outcome = await createResource(bodyResource(request, type), deps, request.headers['if-none-exist']);
  return writeResponse(outcome.resource, outcome.created ? 201 : 200, returnPreference(request), deps.fhirBase, outcome.created ? 'Created' : 'A matching resource already exists');
};

export function multipleMatches(): GatewayError {
  return new GatewayError('API-MULTIPLE-MATCHES', 'precondition-failed', 'The condition matches more than one resource');
}
