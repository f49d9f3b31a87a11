/**
 * search (GET and POST `_search`) and compartment search. https://hl7.org/fhir/R4/http.html#search,
 * https://hl7.org/fhir/R4/search.html. Unknown parameters are ignored and reported in an OperationOutcome
 * entry, or refused with `Prefer: handling=strict`.
 */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../../shared/errors.ts';
import { issue, operationOutcome } from '../../shared/outcome.ts';
import { parseSearch } from '../../store/search/parse.ts';
import { pageLinks, searchBundle } from '../bundle.ts';
import { idOf, queryValue, resourceTypeOf, strictHandling } from '../request.ts';
import { applyShape, parseShape } from '../shape.ts';
import type { ApiDeps, FhirRequest, FhirResponse, Handler } from '../types.ts';

export const searchInteraction: Handler = (request, deps) => {
  const type = resourceTypeOf(request, deps);
  return runSearch(withFormParameters(request), deps, type, `${deps.fhirBase}/${type}`);
};

/** `GET /Patient/{id}/{type}`: a search restricted to one patient's compartment. */
export const compartmentSearchInteraction: Handler = async (request, deps) => {
  const patientId = idOf(request);
  const type = resourceTypeOf(request, deps, 2);
  await deps.store.read('Patient', patientId);
  return runSearch(request, deps, type, `${deps.fhirBase}/Patient/${patientId}/${type}`, patientId);
};

export async function runSearch(
  request: FhirRequest,
  deps: ApiDeps,
  resourceType: string,
  endpoint: string,
  compartmentPatientId?: string,
): Promise<FhirResponse> {
  const { query, unknown } = parseSearch(resourceType, request.query, deps.registry, {
    defaultCount: deps.config.defaultPageSize,
    maxCount: deps.config.maxPageSize,
  });
  if (unknown.length > 0 && strictHandling(request)) {
    throw new GatewayError('API-UNKNOWN-PARAM', 'invalid', `Unknown search parameter: ${unknown.join(', ').slice(0, 200)}`);
  }
  const cursor = queryValue(request, '_cursor');
  if (cursor !== undefined) query.offset = deps.cursors.open(cursor, request.query, request.context.principal);
  if (compartmentPatientId !== undefined) query.compartmentPatientId = compartmentPatientId;
  const shape = parseShape(request.query);
  const result = await deps.store.search(query);
  const links = pageLinks({ endpoint, query: request.query, offset: query.offset, count: query.count, hasMore: result.hasMore }, deps, request.context);
  const extras: Parameters<typeof searchBundle>[3] = {
    shape: (resource: Resource) => applyShape(resource, shape, deps.summaryTable),
  };
  if (result.total !== undefined) extras.total = result.total;
  if (unknown.length > 0) {
    extras.outcome = operationOutcome(
      ...unknown.map((name) => issue('warning', 'not-supported', `Search parameter "${name.slice(0, 100)}" is not supported and was ignored`)),
    );
  }
  return { status: 200, body: searchBundle(result.entries, links, deps, extras) };
}

/** `POST [type]/_search`: form-encoded parameters join those of the URL. */
function withFormParameters(request: FhirRequest): FhirRequest {
  if (request.method !== 'POST') return request;
  const form = Array.isArray(request.body) ? (request.body as [string, string][]) : [];
  return { ...request, query: [...request.query, ...form] };
}
