/**
 * Authorization and consent at the moment of sending (backport IG safety_security: "ensure that
 * authorization is (still) in place when sending"; DOMAIN.md §6; RELIABILITY.md case 53). The subscriber must
 * still be an active client allowed its recorded purpose of use; then every resource the notification is
 * about or carries goes through the rules a REST read by that client would: its registered scopes, the same
 * consent enforcement for its organization and purpose, and the TCM Task rule (only the owner practice and
 * organisations whose roster covers the patient see a TCM Task). If the focus or the patient is withheld,
 * the whole event is suppressed — nothing about the patient is sent, not even an id; other withheld resources
 * are left out of the payload. Break-the-glass alerts reach privacy officers whatever the patient's consent
 * (they are the oversight of that override); others get only alerts addressed to their organization
 * (enforce.ts alert rule).
 */
import type { Resource } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import type { ClientRegistry, RegisteredClient } from '../auth/client-registry.ts';
import { type ScopeSet, allows, parseScopes } from '../auth/scopes.ts';
import { type ConsentEnforcementDeps, type ConsentDecisionRecord, createConsentPolicy } from '../consent/enforce.ts';
import type { Clock } from '../shared/clock.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { tcmTaskPolicy } from '../tcm/task-policy.ts';

export type Authorization = { ok: true; client: RegisteredClient } | { ok: false; reason: string };

/** Is the subscriber still allowed to receive anything? */
export async function authorizeSubscriber(findClient: (clientId: string) => Promise<RegisteredClient | undefined>, clientId: string, purpose: string): Promise<Authorization> {
  const client = clientId ? await findClient(clientId) : undefined;
  if (!client) return { ok: false, reason: 'the subscribing client is no longer registered' };
  if (client.status !== 'active') return { ok: false, reason: 'the subscribing client is disabled' };
  if (!client.purposes.includes(purpose)) return { ok: false, reason: 'the purpose of use recorded with the subscription is no longer allowed for the client' };
  return { ok: true, client };
}

export interface DisclosureCheck {
  /** Per resource key `Type/id/version`: allowed (possibly redacted) copy, or undefined when withheld. */
  allowed: Map<string, Resource | undefined>;
  decisions: ConsentDecisionRecord[];
}

export interface DisclosureDeps {
  consent: ConsentEnforcementDeps;
  store: FhirStore;
  baseUrl: string;
  clock: Clock;
}

/** Runs scopes, consent enforcement and the TCM Task rule over every resource of a batch of notifications at once. */
export async function checkDisclosure(resources: readonly Resource[], client: RegisteredClient, purpose: string, deps: DisclosureDeps, exempt: (resource: Resource) => boolean): Promise<DisclosureCheck> {
  const unique = new Map<string, Resource>();
  for (const resource of resources) unique.set(keyOf(resource), resource);
  const scopes = parseScopes(client.scopes);
  const subject = [...unique.values()].filter((r) => !exempt(r) && readable(scopes, r.resourceType));
  const policy = createConsentPolicy(deps.consent, { clientId: client.clientId, organizationId: client.organizationId, purposeOfUse: purpose, breakGlassAllowed: false });
  const consented = subject.length > 0 ? await policy.filter(subject, deps.store) : [];
  const grant: AccessGrant = { clientId: client.clientId, organizationId: client.organizationId, organizationKind: client.organizationKind, scopes, purposeOfUse: purpose, tokenJti: '', breakGlassAllowed: false };
  const passed = consented.filter((r): r is Resource => r !== undefined);
  const tasksDecided = passed.length > 0 ? await tcmTaskPolicy(grant, deps.baseUrl, deps.clock).filter(passed, deps.store) : [];
  const finalByKey = new Map(passed.map((r, i) => [keyOf(r), tasksDecided[i]]));
  const allowed = new Map<string, Resource | undefined>();
  for (const resource of unique.values()) allowed.set(keyOf(resource), exempt(resource) ? resource : undefined);
  subject.forEach((resource, i) => {
    const copy = consented[i];
    allowed.set(keyOf(resource), copy ? finalByKey.get(keyOf(copy)) : undefined);
  });
  return { allowed, decisions: policy.decisions };
}

function readable(scopes: ScopeSet, type: string): boolean {
  return allows(scopes, type, 'r') || allows(scopes, type, 's');
}

export function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}/${resource.meta?.versionId ?? ''}`;
}
