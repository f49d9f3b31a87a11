/**
 * Scope as a disclosure rule: a resource leaves only when the token may read or search its type. Search
 * routes already demanded `s` on their own type; this catches what comes along with them (_include,
 * _revinclude, `$everything`, history, transaction reads).
 */
import type { DisclosurePolicy } from '../consent/disclosure-gate.ts';
import type { AccessGrant } from './access-grant.ts';
import { allows } from './scopes.ts';

/** `alsoReadable`: types an operation has authorised on its own terms (`$access-log` for the patient's practice). */
export function scopeDisclosurePolicy(access: AccessGrant, alsoReadable: readonly string[] = []): DisclosurePolicy {
  const readable = (type: string) => alsoReadable.includes(type) || allows(access.scopes, type, 'r') || allows(access.scopes, type, 's');
  return { filter: async (resources) => resources.map((resource) => (readable(resource.resourceType) ? resource : undefined)) };
}
