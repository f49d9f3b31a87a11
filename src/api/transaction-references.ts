/**
 * Reference resolution inside a transaction: `urn:uuid:` (and other fullUrl) references become the ids the
 * server assigned, and conditional references (`Patient?identifier=…`) become the one resource they match.
 * https://hl7.org/fhir/R4/http.html#trules
 */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { findByCondition } from './conditional.ts';
import type { ApiDeps } from './types.ts';

/** Rewrites every `reference` in `resource` (in place) using `resolve`. */
export async function rewriteReferences(value: unknown, resolve: (reference: string) => Promise<string | undefined>): Promise<void> {
  if (Array.isArray(value)) {
    for (const item of value) await rewriteReferences(item, resolve);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    if (key === 'reference' && typeof child === 'string') {
      const replacement = await resolve(child);
      if (replacement !== undefined) record[key] = replacement;
    } else {
      await rewriteReferences(child, resolve);
    }
  }
}

/** A resolver for one transaction: fullUrl map first, then conditional references, each looked up once. */
export function transactionResolver(fullUrls: Map<string, string>, deps: ApiDeps): (reference: string) => Promise<string | undefined> {
  const conditional = new Map<string, string>();
  return async (reference) => {
    const mapped = fullUrls.get(reference);
    if (mapped) return mapped;
    const match = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(reference);
    if (!match) return undefined;
    const cached = conditional.get(reference);
    if (cached) return cached;
    const [, type = '', criteria = ''] = match;
    if (!deps.registry.isResourceType(type)) return undefined;
    const found = await findByCondition(type, criteria, deps);
    if (found.length !== 1) {
      throw new GatewayError(
        'API-CONDITIONAL-REFERENCE',
        found.length === 0 ? 'not-found' : 'precondition-failed',
        `Conditional reference to ${type} matched ${found.length === 0 ? 'no' : 'more than one'} resource`,
      );
    }
    const resolved = `${type}/${(found[0] as Resource).id}`;
    conditional.set(reference, resolved);
    return resolved;
  };
}
