/** history at instance, type and system level. https://hl7.org/fhir/R4/http.html#history */
import { GatewayError } from '../../shared/errors.ts';
import { dateRange } from '../../store/fhir-dates.ts';
import type { HistoryQuery } from '../../store/fhir-store.ts';
import { historyBundle, pageLinks } from '../bundle.ts';
import { idOf, queryValue, resourceTypeOf } from '../request.ts';
import type { ApiDeps, FhirRequest, FhirResponse, Handler } from '../types.ts';

export const instanceHistoryInteraction: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const id = idOf(request);
  await deps.store.vread(type, id, '1');
  return runHistory(request, deps, { resourceType: type, id }, `${deps.fhirBase}/${type}/${id}/_history`);
};

export const typeHistoryInteraction: Handler = (request, deps) => {
  const type = resourceTypeOf(request, deps);
  return runHistory(request, deps, { resourceType: type }, `${deps.fhirBase}/${type}/_history`);
};

export const systemHistoryInteraction: Handler = (request, deps) => runHistory(request, deps, {}, `${deps.fhirBase}/_history`);

async function runHistory(
  request: FhirRequest,
  deps: ApiDeps,
  scope: Pick<HistoryQuery, 'resourceType' | 'id'>,
  endpoint: string,
): Promise<FhirResponse> {
  const query: HistoryQuery = { ...scope, count: deps.config.defaultPageSize, offset: 0 };
  for (const [key, value] of request.query) {
    if (key === '_count') {
      if (!/^\d{1,9}$/.test(value)) throw new GatewayError('API-BAD-PARAM', 'invalid', '_count must be a non-negative integer');
      query.count = Math.min(Number(value), deps.config.maxPageSize);
    } else if (key === '_since' || key === '_at') {
      const range = dateRange(value);
      if (!range) throw new GatewayError('API-BAD-PARAM', 'invalid', `${key} must be an instant`);
      query.since = range.low;
    }
  }
  const cursor = queryValue(request, '_cursor');
  if (cursor !== undefined) query.offset = deps.cursors.open(cursor, request.query, request.context.principal);
  const page = await deps.store.history(query);
  const links = pageLinks({ endpoint, query: request.query, offset: query.offset, count: query.count, hasMore: page.hasMore }, deps, request.context);
  return { status: 200, body: historyBundle(page.entries, links, deps) };
}
