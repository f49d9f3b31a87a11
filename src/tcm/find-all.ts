/**
 * Searches that read every match, page by page, through whatever store they are given (the transaction's own
 * store inside a write; a consent-gated store for the worklist and measures, where withheld matches vanish).
 */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import type { ParamFilter } from '../store/search/query.ts';

const PAGE = 500;

/** A reference filter (`patient=Patient/1,Patient/2`). */
export function referenceFilter(code: string, references: readonly string[]): ParamFilter {
  return { code, type: 'reference', values: [...references] };
}

/** A token filter (`code=system|code`). */
export function tokenFilter(code: string, values: readonly string[]): ParamFilter {
  return { code, type: 'token', values: [...values] };
}

/** An `_id` filter. */
export function idFilter(ids: readonly string[]): ParamFilter {
  return { code: '_id', type: 'id', values: [...ids] };
}

/**
 * Every resource of `resourceType` matching all `filters`. Refuses with `TCM-TOO-MANY` (422) past `max`
 * matches rather than answer from a partial read.
 */
export async function findAll<T extends Resource>(store: FhirStore, resourceType: T['resourceType'], filters: ParamFilter[], max = 20_000): Promise<T[]> {
  const found: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.search({ resourceType, filters, sort: [], count: PAGE, offset, include: [], revinclude: [], total: 'none' });
    for (const entry of page.entries) if (entry.mode === 'match') found.push(entry.resource as T);
    if (found.length > max) throw new GatewayError('TCM-TOO-MANY', 'unprocessable', `More than ${max} ${resourceType} resources match; narrow the request`);
    if (!page.hasMore) return found;
  }
}

/** `findAll` over a long list of OR-ed values, in chunks (`patient=` with hundreds of patients). */
export async function findAllIn<T extends Resource>(
  store: FhirStore,
  resourceType: T['resourceType'],
  filter: ParamFilter,
  values: readonly string[],
  others: ParamFilter[] = [],
): Promise<T[]> {
  const found: T[] = [];
  for (let i = 0; i < values.length; i += 100) {
    found.push(...(await findAll<T>(store, resourceType, [{ ...filter, values: values.slice(i, i + 100) }, ...others])));
  }
  return found;
}
