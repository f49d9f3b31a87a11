/**
 * Organizations named by a feed (a sending facility, a GP practice in PD1, an insurer in IN1) are linked to
 * the Organization already registered under the same identifier (an ODS code, an NPI) instead of being
 * written again under the mapping's own id: the registered record is the authority on an organization, and
 * one organization must not appear twice in the shared record. Unknown organizations are written as mapped.
 */
import type { Identifier, Organization, Resource } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';
import { moveReferences } from '../store/references.ts';

interface Mapped {
  resource: Resource;
  cleared: string[];
}

const key = (identifier: Identifier) => `${identifier.system ?? ''}|${identifier.value ?? ''}`;

/**
 * Returns `resources` with each mapped Organization that matches exactly one other stored Organization by
 * identifier removed, and every reference to it pointed at the stored one.
 */
export async function linkRegisteredOrganizations<T extends Mapped>(store: FhirStore, resources: readonly T[]): Promise<T[]> {
  const mapped = resources.filter((r) => r.resource.resourceType === 'Organization' && (r.resource as Organization).identifier?.some((i) => i.system && i.value));
  if (mapped.length === 0) return [...resources];
  const tokens = [...new Set(mapped.flatMap((r) => ((r.resource as Organization).identifier ?? []).filter((i) => i.system && i.value).map(key)))];
  const found = await store.search({
    resourceType: 'Organization',
    filters: [{ code: 'identifier', type: 'token', values: tokens }],
    sort: [], count: 50, offset: 0, include: [], revinclude: [], total: 'none',
  });
  const stored = found.entries.map((e) => e.resource as Organization);
  const replaced = new Map<string, string>();
  for (const { resource } of mapped) {
    const own = new Set(((resource as Organization).identifier ?? []).map(key));
    const candidates = stored.filter((s) => s.id !== resource.id && (s.identifier ?? []).some((i) => own.has(key(i))));
    if (candidates.length === 1) replaced.set(`Organization/${resource.id}`, `Organization/${candidates[0]?.id}`);
  }
  if (replaced.size === 0) return [...resources];
  return resources
    .filter((r) => !(r.resource.resourceType === 'Organization' && replaced.has(`Organization/${r.resource.id}`)))
    .map((r) => ({ ...r, resource: moveReferences(r.resource, replaced) }));
}
