/**
 * Building searchset and history Bundles with absolute self/next/previous links.
 * https://hl7.org/fhir/R4/bundle.html, https://hl7.org/fhir/R4/http.html#paging
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from 'fhir/r4.js';
import type { HistoryEntry, SearchEntry } from '../store/fhir-store.ts';
import { asFhirResource } from '../shared/json.ts';
import type { ApiDeps, RequestContext } from './types.ts';

export interface PageLinks {
  /** Absolute URL of the endpoint without a query string, e.g. `https://gw/fhir/Patient`. */
  endpoint: string;
  /** The query as the client gave it, paging parameters included. */
  query: readonly (readonly [string, string])[];
  offset: number;
  count: number;
  hasMore: boolean;
}

export function pageLinks(links: PageLinks, deps: ApiDeps, context: RequestContext): BundleLink[] {
  const base = links.query.filter(([key]) => key !== '_cursor' && key !== '_offset');
  const url = (params: readonly (readonly [string, string])[]) => {
    const search = new URLSearchParams(params as [string, string][]).toString();
    return search ? `${links.endpoint}?${search}` : links.endpoint;
  };
  const at = (offset: number) => url([...base, ['_cursor', deps.cursors.issue(offset, base, context.principal)]]);
  const result: BundleLink[] = [{ relation: 'self', url: url(links.query) }];
  if (links.hasMore) result.push({ relation: 'next', url: at(links.offset + links.count) });
  if (links.offset > 0) result.push({ relation: 'previous', url: at(Math.max(0, links.offset - links.count)) });
  return result;
}

export function searchBundle(
  entries: SearchEntry[],
  links: BundleLink[],
  deps: ApiDeps,
  extras: { total?: number; outcome?: OperationOutcome; shape?: (resource: Resource) => Resource } = {},
): Bundle {
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: deps.clock.now().toISOString() },
    type: 'searchset',
  };
  if (extras.total !== undefined) bundle.total = extras.total;
  bundle.link = links;
  const items: BundleEntry[] = entries.map((entry) => ({
    fullUrl: fullUrl(entry.resource, deps),
    resource: asFhirResource(extras.shape ? extras.shape(entry.resource) : entry.resource),
    search: { mode: entry.mode },
  }));
  if (extras.outcome) items.push({ resource: extras.outcome, search: { mode: 'outcome' } });
  bundle.entry = items;
  return bundle;
}

export function historyBundle(entries: HistoryEntry[], links: BundleLink[], deps: ApiDeps): Bundle {
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: deps.clock.now().toISOString() },
    type: 'history',
    link: links,
    entry: entries.map((entry): BundleEntry => {
      const url = `${entry.resourceType}/${entry.id}`;
      const item: BundleEntry = {
        fullUrl: `${deps.fhirBase}/${url}`,
        request: { method: entry.method === 'PATCH' ? 'PATCH' : entry.method, url: entry.method === 'POST' ? entry.resourceType : url },
        response: {
          status: entry.method === 'DELETE' ? '204 No Content' : entry.method === 'POST' ? '201 Created' : '200 OK',
          etag: `W/"${entry.versionId}"`,
          lastModified: entry.lastUpdated,
        },
      };
      if (entry.resource) item.resource = asFhirResource(entry.resource);
      return item;
    }),
  };
}

export function fullUrl(resource: Resource, deps: ApiDeps): string {
  return `${deps.fhirBase}/${resource.resourceType}/${resource.id}`;
}
