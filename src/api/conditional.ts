/** Resolving conditional-operation criteria (`identifier=sys|123`) to the resources they match. */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { parseSearch } from '../store/search/parse.ts';
import type { ApiDeps } from './types.ts';

/** Up to two matches: enough to tell none, one and many apart. */
export async function findByCondition(resourceType: string, criteria: string, deps: ApiDeps): Promise<Resource[]> {
  const params = [...new URLSearchParams(criteria.replace(/^\?/, ''))];
  if (params.length === 0) throw new GatewayError('API-EMPTY-CONDITION', 'invalid', 'A conditional operation needs search criteria');
  const { query, unknown } = parseSearch(resourceType, params, deps.registry, { defaultCount: 2, maxCount: 2 });
  if (unknown.length > 0) {
    throw new GatewayError('API-BAD-CONDITION', 'invalid', `Unknown search parameter in condition: ${unknown.join(', ').slice(0, 100)}`);
  }
  query.count = 2;
  const result = await deps.store.search(query);
  return result.entries.filter((entry) => entry.mode === 'match').map((entry) => entry.resource);
}
