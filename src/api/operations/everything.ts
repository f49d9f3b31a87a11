/**
 * `Patient/{id}/$everything`, paged. https://hl7.org/fhir/R4/patient-operation-everything.html
 * Parameters: `_since`, `_type`, `_count` (clamped); `start`/`end` are not supported and are reported.
 */
import { GatewayError } from '../../shared/errors.ts';
import { issue, operationOutcome } from '../../shared/outcome.ts';
import { dateRange } from '../../store/fhir-dates.ts';
import type { EverythingQuery } from '../../store/everything.ts';
import { pageLinks, searchBundle } from '../bundle.ts';
import { idOf, queryValue } from '../request.ts';
import type { Handler } from '../types.ts';

export const everythingOperation: Handler = async (request, deps) => {
  const patientId = idOf(request);
  await deps.store.read('Patient', patientId);
  const params = request.method === 'POST' && Array.isArray(request.body) ? [...request.query, ...(request.body as [string, string][])] : request.query;
  const query: EverythingQuery = { patientId, count: deps.config.maxPageSize, offset: 0 };
  const ignored: string[] = [];
  for (const [key, value] of params) {
    if (key === '_count') {
      if (!/^\d{1,9}$/.test(value)) throw new GatewayError('API-BAD-PARAM', 'invalid', '_count must be a non-negative integer');
      query.count = Math.min(Number(value), deps.config.maxPageSize);
    } else if (key === '_since') {
      const range = dateRange(value);
      if (!range) throw new GatewayError('API-BAD-PARAM', 'invalid', '_since must be an instant');
      query.since = range.low;
    } else if (key === '_type') {
      query.types = value.split(',').map((type) => type.trim());
      const unknown = query.types.find((type) => !deps.registry.isResourceType(type));
      if (unknown !== undefined) throw new GatewayError('API-BAD-PARAM', 'invalid', `_type names an unknown resource type "${unknown.slice(0, 64)}"`);
    } else if (key !== '_cursor' && key !== '_format' && key !== '_pretty') {
      ignored.push(key);
    }
  }
  const cursor = queryValue(request, '_cursor');
  if (cursor !== undefined) query.offset = deps.cursors.open(cursor, params, request.context.principal);
  const result = await deps.store.everything(query);
  const endpoint = `${deps.fhirBase}/Patient/${patientId}/$everything`;
  const links = pageLinks({ endpoint, query: params, offset: query.offset, count: query.count, hasMore: result.hasMore }, deps, request.context);
  const outcome =
    ignored.length > 0
      ? operationOutcome(...ignored.map((name) => issue('warning', 'not-supported', `Parameter "${name.slice(0, 100)}" is not supported and was ignored`)))
      : undefined;
  return { status: 200, body: searchBundle(result.entries, links, deps, outcome ? { outcome } : {}) };
};
