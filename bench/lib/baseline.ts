/**
 * The unauthenticated baseline for the access-layer overhead figure. The product has no switch to turn
 * authentication off (and must not have one), so this assembles a second Express app with `buildHttp` from
 * the running gateway's own parts, replacing only the access layer: the caller's grant is established once
 * from a real token by the real access layer, then reused for every request without token verification,
 * scope gating of the store, consent, or audit. It lives only in this benchmark process, on its own port.
 */
import type { App } from '../../src/app.ts';
import type { RequestContext } from '../../src/api/types.ts';
import { recordRequestAudit } from '../../src/auth/access-layer.ts';
import { scopeDisclosurePolicy } from '../../src/auth/scope-policy.ts';
import { gateStore, newDisclosureLog } from '../../src/consent/disclosure-gate.ts';
import { patientDataTypes } from '../../src/store/search-parameters.ts';
import { buildHttp, type HttpParts } from '../../src/http.ts';
import { type Listening, listen } from './gateway.ts';

type AccessLayer = HttpParts['access'];

/** Serves the gateway's routes on `app`'s database with the access layer reduced to a fixed grant. */
export async function startUnauthenticatedBaseline(app: App): Promise<Listening> {
  const real = app.httpParts.access;
  let established: RequestContext | undefined;
  const fixed: AccessLayer = {
    async authenticate(req, matched, requestId) {
      // The first request (a warm-up with a real bearer token) goes through the real layer once.
      established ??= await real.authenticate(req, matched, requestId);
      return { ...established, requestId };
    },
    begin: () => ({ deps: app.deps, complete: async () => undefined }),
  };
  return listen(buildHttp({ ...app.httpParts, access: fixed }));
}

/**
 * The gateway's routes with consent enforcement removed and nothing else: the real access layer authenticates,
 * the store handed to the handler is gated by the token's scopes only, and every request is audited as in
 * production (REST events per patient disclosed) minus the consent decisions. The difference against the
 * real gateway is the cost of consent: reading consents, deciding, redacting, and the AuthZ-Consent audit
 * events. Like the baseline above, it exists only inside a benchmark process.
 */
export async function startWithoutConsent(app: App): Promise<Listening> {
  const real = app.httpParts.access;
  const auditOptions = { audit: app.audit, clock: app.deps.clock, gateway: app.httpParts.auth.gateway, registry: app.registry, baseUrl: app.config.baseUrl };
  const scopesOnly: AccessLayer = {
    authenticate: (req, matched, requestId) => real.authenticate(req, matched, requestId),
    begin(request, matched, req) {
      const access = request.context.access;
      if (!access) return real.begin(request, matched, req);
      const log = newDisclosureLog();
      const actor = { channel: 'rest' as const, clientId: access.clientId, organizationId: access.organizationId, purposeOfUse: access.purposeOfUse, requestId: request.context.requestId, activity: matched.route.interaction };
      const store = gateStore(app.deps.store.as(actor), scopeDisclosurePolicy(access), log, { isPatientData: patientDataTypes(app.registry) });
      return {
        deps: { ...app.deps, store },
        complete: ({ status, error }) => recordRequestAudit(auditOptions, { request, matched, access, log, decisions: [], status, error }),
      };
    },
  };
  return listen(buildHttp({ ...app.httpParts, access: scopesOnly }));
}
