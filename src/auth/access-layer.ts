/**
 * How a FHIR request is admitted and served: the bearer token establishes the caller, the store handed to
 * the handler is gated for that caller (scopes, and consent once configured) and records who writes, and
 * the request's audit record is written before its response leaves.
 */
import type { Request } from 'express';
import type { MatchedRoute } from '../api/router.ts';
import type { RequestScope } from '../api/http/fhir-router.ts';
import type { ApiDeps, FhirRequest, RequestContext } from '../api/types.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { requestAuditEvents } from '../audit/request-audit.ts';
import { type DisclosureLog, type DisclosurePolicy, chainPolicies, gateStore, newDisclosureLog } from '../consent/disclosure-gate.ts';
import { checkConsentWrite } from '../consent/consent-writes.ts';
import { type ConsentDecisionRecord, type ConsentEnforcementDeps, type ConsentRequestContext, createConsentPolicy } from '../consent/enforce.ts';
import type { Clock } from '../shared/clock.ts';
import { type SearchParamRegistry, patientDataTypes } from '../store/search-parameters.ts';
import type { AccessGrant } from './access-grant.ts';
import type { ResourceServer } from './resource-server.ts';
import { ADMIN_SCOPE } from './scopes.ts';
import { scopeDisclosurePolicy } from './scope-policy.ts';

export interface AccessLayerOptions {
  baseDeps: ApiDeps;
  resourceServer: ResourceServer;
  audit: AuditTrail;
  registry: SearchParamRegistry;
  clock: Clock;
  baseUrl: string;
  gateway: { name: string; url: string };
  consent: ConsentEnforcementDeps;
  /** Further disclosure rules contributed by modules (applied after scopes and consent). */
  policies?: (access: AccessGrant, request: FhirRequest) => DisclosurePolicy[];
}

export interface AccessLayer {
  authenticate(req: Request, matched: MatchedRoute, requestId: string): Promise<RequestContext>;
  begin(request: FhirRequest, matched: MatchedRoute, req: Request): RequestScope;
}

export function createAccessLayer(options: AccessLayerOptions): AccessLayer {
  return {
    async authenticate(req, matched, requestId) {
      const address = req.socket.remoteAddress;
      const base: RequestContext = address ? { requestId, principal: 'anonymous', address } : { requestId, principal: 'anonymous' };
      if (matched.route.interaction === 'capabilities') return base;
      const access = await options.resourceServer.authenticate(req.headers.authorization);
      return { ...base, principal: access.clientId, access };
    },
    begin(request, matched) {
      const access = request.context.access;
      const gateOptions = { isPatientData: patientDataTypes(options.registry) };
      if (!access) {
        // Discovery only: a store that discloses nothing, so no route can read data without a caller.
        const nothing: DisclosurePolicy = { filter: async (resources) => resources.map(() => undefined) };
        return { deps: { ...options.baseDeps, store: gateStore(options.baseDeps.store, nothing, newDisclosureLog(), gateOptions) }, complete: async () => undefined };
      }
      const interaction = matched.route.operation ? `$${matched.route.operation}` : matched.route.interaction;
      const log = newDisclosureLog();
      const actorStore = options.baseDeps.store.as({
        channel: 'rest',
        clientId: access.clientId,
        organizationId: access.organizationId,
        purposeOfUse: access.purposeOfUse,
        requestId: request.context.requestId,
        activity: isBundle(request) ? bundleType(request) : interaction,
        sourceKind: access.organizationKind,
        ...(request.context.address ? { address: request.context.address } : {}),
      });
      const consent = createConsentPolicy(options.consent, consentContext(access, request));
      const writer = { organizationId: access.organizationId, isAdmin: access.scopes.special.includes(ADMIN_SCOPE) };
      const readable = matched.route.operation === 'access-log' ? ['AuditEvent'] : [];
      const store = gateStore(actorStore, chainPolicies([scopeDisclosurePolicy(access, readable), consent, ...(options.policies?.(access, request) ?? [])]), log, {
        ...gateOptions,
        guardWrite: (resource, inner) => checkConsentWrite(resource, writer, inner),
      });
      return {
        deps: { ...options.baseDeps, store },
        complete: ({ status, error }) => recordRequestAudit(options, { request, matched, access, log, decisions: consent.decisions, status, error }),
      };
    },
  };
}

/** What one served request leaves in the audit trail. */
export interface RequestAuditInput {
  request: FhirRequest;
  matched: MatchedRoute;
  access: AccessGrant;
  log: DisclosureLog;
  decisions: readonly ConsentDecisionRecord[];
  status: number;
  error?: unknown;
}

/** Writes the request's audit record (request-audit.ts) before its response leaves. */
export async function recordRequestAudit(options: Pick<AccessLayerOptions, 'audit' | 'clock' | 'gateway' | 'registry' | 'baseUrl'>, input: RequestAuditInput): Promise<void> {
  const { request, matched, access, log } = input;
  await options.audit.record(requestAuditEvents(options, {
    interaction: matched.route.interaction === 'operation' ? 'operation' : matched.route.interaction,
    method: request.method,
    rawQuery: rawQuery(request),
    status: input.status,
    error: input.error,
    access,
    requestId: request.context.requestId,
    ...(request.context.address ? { address: request.context.address } : {}),
    disclosed: log.disclosed,
    withheld: log.withheld,
    decisions: input.decisions,
  }));
}

/** Break-the-glass asks carry a reason; an optional header names the clinician. */
function consentContext(access: AccessGrant, request: FhirRequest): ConsentRequestContext {
  const context: ConsentRequestContext = {
    clientId: access.clientId,
    organizationId: access.organizationId,
    purposeOfUse: access.purposeOfUse,
    breakGlassAllowed: access.breakGlassAllowed,
  };
  const reason = request.headers['x-break-glass-reason']?.trim();
  if (reason) {
    const practitioner = request.headers['x-break-glass-practitioner']?.trim();
    context.breakGlass = {
      reason: reason.slice(0, 1000),
      practitioner: practitioner && /^[\w.:/|-]{1,200}$/.test(practitioner) ? practitioner : `Device/${access.clientId}`,
      requestId: request.context.requestId,
      tokenJti: access.tokenJti,
    };
  }
  return context;
}

function rawQuery(request: FhirRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return `/${request.path.join('/')}${query ? `?${query}` : ''}`;
}

function isBundle(request: FhirRequest): boolean {
  return request.path.length === 0 && request.method === 'POST';
}

function bundleType(request: FhirRequest): string {
  const body = request.body as { type?: unknown } | undefined;
  return body?.type === 'transaction' ? 'transaction' : 'batch';
}
