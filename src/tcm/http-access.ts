/**
 * The access path of the care-coordination HTTP endpoints outside the FHIR API (`/tcm/worklist`,
 * `/ingest/extract/roster`), built like the FHIR access layer: the bearer token establishes the caller, a store
 * gated by scope and consent (DOMAIN.md §6) serves what the endpoint reads, and the request's audit record
 * (BALP query events per patient, AuthZ-Consent decisions) is written before the response leaves.
 */
import type { Request } from 'express';
import type { Resource } from 'fhir/r4.js';
import type { ModuleContext } from '../app-module.ts';
import { requestAuditEvents } from '../audit/request-audit.ts';
import type { AccessGrant } from '../auth/access-grant.ts';
import { scopeDisclosurePolicy } from '../auth/scope-policy.ts';
import { type Permission, allows } from '../auth/scopes.ts';
import { type DisclosurePolicy, chainPolicies, gateStore, newDisclosureLog } from '../consent/disclosure-gate.ts';
import { createConsentPolicy } from '../consent/enforce.ts';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore, WriteActor } from '../store/fhir-store.ts';
import { patientDataTypes } from '../store/search-parameters.ts';

export interface HttpAccess {
  grant: AccessGrant;
  /** Reads gated by scope, consent and `extra` policies; writes recorded as the caller's. */
  store: FhirStore;
  /** The ungated store writing as the caller (for writes whose own rules the endpoint enforces). */
  writer: FhirStore;
  /** Writes the request's audit record: what was disclosed (per patient) and the consent decisions. */
  audit(status: number, disclosed: readonly Resource[], error?: unknown): Promise<void>;
}

/** Refuses with 403 `code` unless the token allows each `[type, permission]`. */
export function requireScopes(grant: AccessGrant, code: string, needs: readonly (readonly [string, Permission])[]): void {
  const missing = needs.filter(([type, permission]) => !allows(grant.scopes, type, permission));
  if (missing.length > 0) throw new GatewayError(code, 'forbidden', `The access token needs ${missing.map(([type, p]) => `system/${type}.${p}`).join(', ')}`);
}

export interface HttpAccessOptions {
  /** Names the endpoint in Provenance and audit. */
  activity: string;
  /** The write channel recorded for the caller's writes (default `rest`). */
  channel?: WriteActor['channel'];
  /** Disclosure rules applied after scope and consent. */
  extra?: (grant: AccessGrant) => DisclosurePolicy[];
}

/** Authenticates the request (401 without a valid token) and opens its gated store. */
export async function openHttpAccess(context: ModuleContext, req: Request, requestId: string, options: HttpAccessOptions): Promise<HttpAccess> {
  const { activity, extra = () => [] } = options;
  const grant = await context.resourceServer.authenticate(req.headers.authorization);
  const address = req.socket.remoteAddress;
  const actor: WriteActor = { channel: options.channel ?? 'rest', clientId: grant.clientId, organizationId: grant.organizationId, purposeOfUse: grant.purposeOfUse, requestId, activity, sourceKind: grant.organizationKind, ...(address ? { address } : {}) };
  const writer = context.store.as(actor);
  const consent = createConsentPolicy(context.consent, { clientId: grant.clientId, organizationId: grant.organizationId, purposeOfUse: grant.purposeOfUse, breakGlassAllowed: grant.breakGlassAllowed });
  const log = newDisclosureLog();
  const store = gateStore(writer, chainPolicies([scopeDisclosurePolicy(grant), consent, ...extra(grant)]), log, { isPatientData: patientDataTypes(context.registry) });
  return {
    grant,
    store,
    writer,
    async audit(status, disclosed, error) {
      const auditContext = { clock: context.clock, gateway: context.gateway, registry: context.registry, baseUrl: context.config.baseUrl };
      await context.audit.record(requestAuditEvents(auditContext, {
        interaction: 'operation',
        method: req.method,
        rawQuery: req.originalUrl,
        status,
        error,
        access: grant,
        requestId,
        ...(address ? { address } : {}),
        disclosed,
        withheld: log.withheld,
        decisions: consent.decisions,
      }));
    },
  };
}
