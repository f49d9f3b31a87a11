/**
 * Consent enforcement for one request: the DisclosurePolicy every outbound path goes through (via the
 * disclosure gate). Each resource about to leave is decided for every patient whose record it belongs to;
 * a deny for any of them withholds it. Consents are read fresh per call (each page), unreadable consents
 * fail closed (503), break-the-glass opens an audited override, and permitted resources with labelled parts
 * are redacted. Decisions are kept for the request's AuthZ-Consent audit record. DOMAIN.md §6.
 */
import type { Coding, Communication, Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { patientsOf } from '../store/indexer.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { BreakGlassRegistry, BreakGlassRequest } from './break-glass.ts';
import type { ConsentSource } from './consent-source.ts';
import type { DisclosurePolicy } from './disclosure-gate.ts';
import { factsOf } from './facts.ts';
import { decideAccess } from './policy.ts';
import { redactResource } from './redact.ts';
import type { ConsentRules, Decision, DefaultPolicy, Requester } from './types.ts';

export interface ConsentDecisionRecord {
  patientId: string;
  resource: string;
  decision: Decision;
}

export interface ConsentEnforcementDeps {
  rules: ConsentRules;
  source: ConsentSource;
  breakGlass: BreakGlassRegistry;
  registry: SearchParamRegistry;
  baseUrl: string;
  clock: Clock;
  defaultPolicy: DefaultPolicy;
}

export interface ConsentRequestContext {
  clientId: string;
  organizationId: string;
  purposeOfUse: string;
  /** The client may break the glass (its registration allows it). */
  breakGlassAllowed: boolean;
  /** Present when the request asks to break the glass (`X-Break-Glass-Reason`). */
  breakGlass?: Omit<BreakGlassRequest, 'clientId' | 'organizationId' | 'purposeOfUse'>;
}

export interface ConsentPolicy extends DisclosurePolicy {
  readonly decisions: ConsentDecisionRecord[];
}

export function createConsentPolicy(deps: ConsentEnforcementDeps, ctx: ConsentRequestContext): ConsentPolicy {
  const decisions: ConsentDecisionRecord[] = [];
  const emergency = deps.rules.purposes.emergency.includes(ctx.purposeOfUse);
  if (ctx.breakGlass && !(ctx.breakGlassAllowed && emergency)) {
    throw new GatewayError('CNS-BREAK-GLASS-REFUSED', 'forbidden', 'This client may not break the glass, or the purpose of use is not emergency treatment');
  }
  return {
    decisions,
    async filter(resources, store) {
      // The audit trail and security alerts are not the record: audit events are governed by scope and the
      // access-log rules; an alert goes to its sender and recipients only, whatever the patient's consent.
      const alerts = resources.map((resource) => isSecurityAlert(resource));
      const exempt = resources.map((resource, i) => resource.resourceType === 'AuditEvent' || alerts[i] === true);
      const derived = resources.map((resource, i) => (exempt[i] ? [] : patientsOf(resource, deps.registry, deps.baseUrl)));
      const references = resources.filter((_, i) => !exempt[i]).map((r) => ({ type: r.resourceType, id: r.id ?? '' }));
      const { compartments: stored, consents } = await deps.source.read(store.sql, references, [...new Set(derived.flat())]);
      const patientsByResource = resources.map((resource, i) => [...new Set([...(derived[i] ?? []), ...(stored.get(`${resource.resourceType}/${resource.id}`) ?? [])])]);
      const patientIds = [...new Set(patientsByResource.flat())];
      if (patientIds.length === 0 && resources.every((r) => (r.meta?.security ?? []).length === 0)) return resources.map((resource, i) => (alerts[i] && !addressedTo(resource, ctx.organizationId) ? undefined : resource));
      const [identifiers, overrides] = await Promise.all([
        deps.source.organizationIdentifiers(store.sql, ctx.organizationId),
        emergency && ctx.breakGlassAllowed ? deps.breakGlass.active(store, ctx.clientId, patientIds) : Promise.resolve(new Set<string>()),
      ]);
      const requester: Requester = {
        clientId: ctx.clientId,
        organization: { reference: `Organization/${ctx.organizationId}`, identifiers },
        purposeOfUse: ctx.purposeOfUse,
        ...(ctx.breakGlass ? { practitioner: ctx.breakGlass.practitioner } : overrides.size > 0 ? { practitioner: `Device/${ctx.clientId}` } : {}),
      };
      const now = deps.clock.now();
      const decide = (resource: Resource, patientId: string): Decision => {
        try {
          return decideAccess(
            { consents: consents.get(patientId) ?? [], requester, resource: factsOf(resource, deps.rules), policy: { defaultPolicy: deps.defaultPolicy, now, breakGlass: overrides.has(patientId) } },
            deps.rules,
          );
        } catch {
          return { outcome: 'deny', basis: 'consent', consentIds: [], reason: 'the consent could not be evaluated' };
        }
      };
      if (ctx.breakGlass) await openOverrides(store, resources, patientsByResource, decide, overrides, ctx, deps);
      return resources.map((resource, i) => {
        if (alerts[i]) return addressedTo(resource, ctx.organizationId) ? resource : undefined;
        if (exempt[i]) return resource;
        const reference = `${resource.resourceType}/${resource.id}`;
        let redact: Coding[] = [];
        const patients = patientsByResource[i] ?? [];
        // Labelled data that belongs to no known patient is decided on its labels alone (never shared by default).
        if (patients.length === 0 && (resource.meta?.security ?? []).length > 0 && decide(resource, '').outcome === 'deny') return undefined;
        for (const patientId of patients) {
          const decision = decide(resource, patientId);
          decisions.push({ patientId, resource: reference, decision });
          if (decision.outcome === 'deny') return undefined;
          redact = [...redact, ...(decision.obligations?.redact ?? [])];
        }
        return redact.length > 0 ? redactResource(resource, redact, deps.rules) : resource;
      });
    },
  };
}

/** Starts an override for each patient a break-the-glass request would otherwise be denied. */
async function openOverrides(
  store: FhirStore,
  resources: readonly Resource[],
  patientsByResource: string[][],
  decide: (resource: Resource, patientId: string) => Decision,
  overrides: Set<string>,
  ctx: ConsentRequestContext,
  deps: ConsentEnforcementDeps,
): Promise<void> {
  const denied = new Set<string>();
  resources.forEach((resource, i) => {
    for (const patientId of patientsByResource[i] ?? []) {
      if (!overrides.has(patientId) && decide(resource, patientId).outcome === 'deny') denied.add(patientId);
    }
  });
  for (const patientId of denied) {
    await deps.breakGlass.start(store, { ...(ctx.breakGlass as NonNullable<ConsentRequestContext['breakGlass']>), clientId: ctx.clientId, organizationId: ctx.organizationId, purposeOfUse: ctx.purposeOfUse }, patientId);
    overrides.add(patientId);
  }
}

const ALERT_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/alert';

function isSecurityAlert(resource: Resource): boolean {
  return resource.resourceType === 'Communication' && ((resource as Communication).category ?? []).some((c) => (c.coding ?? []).some((coding) => coding.system === ALERT_SYSTEM));
}

function addressedTo(resource: Resource, organizationId: string): boolean {
  const org = `Organization/${organizationId}`;
  const communication = resource as Communication;
  return communication.sender?.reference === org || (communication.recipient ?? []).some((r) => r.reference === org);
}
