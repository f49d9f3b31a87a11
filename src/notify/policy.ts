/**
 * The disclosure rule the notification stage adds to every FHIR request (RELIABILITY.md cases 38 and 53): a
 * client sees only the Subscriptions it owns — on read, vread, search, history, _include/_revinclude and
 * transaction reads alike; another client's is withheld and so answers 404 like a missing one — and their
 * header values are masked (write-only), whatever path the Subscription reached the store by.
 */
import type { Subscription } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import type { DisclosurePolicy } from '../consent/disclosure-gate.ts';
import { ownerOf } from './sanitize.ts';
import { masked } from './subscription-routes.ts';

export function subscriptionDisclosurePolicy(access: AccessGrant): DisclosurePolicy {
  return {
    filter: async (resources) =>
      resources.map((resource) => {
        if (resource.resourceType !== 'Subscription') return resource;
        const subscription = resource as Subscription;
        return ownerOf(subscription) === access.clientId ? masked(subscription) : undefined;
      }),
  };
}
