/**
 * The audit record of one served request, for every HTTP path that discloses data (the FHIR API and the
 * care-coordination endpoints): the BALP REST events (one per patient whose data was disclosed, see
 * rest-audit.ts) and an AuthZ-Consent event per patient decided (consent-audit.ts).
 */
import type { AuditEvent, Resource } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import type { ConsentDecisionRecord } from '../consent/enforce.ts';
import type { Clock } from '../shared/clock.ts';
import { GatewayError } from '../shared/errors.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import { consentAuditEvents } from './consent-audit.ts';
import { restAuditEvents } from './rest-audit.ts';

export interface RequestAuditContext {
  clock: Clock;
  gateway: { name: string; url: string };
  registry: SearchParamRegistry;
  baseUrl: string;
}

export interface ServedRequest {
  /** The FHIR interaction (`read`, `search-type`, …) or `operation`. */
  interaction: string;
  method: string;
  /** Path and query as received. */
  rawQuery: string;
  status: number;
  error?: unknown;
  access: AccessGrant;
  requestId: string;
  address?: string;
  disclosed: readonly Resource[];
  withheld: number;
  decisions: readonly ConsentDecisionRecord[];
}

export function requestAuditEvents(ctx: RequestAuditContext, served: ServedRequest): AuditEvent[] {
  const { access, requestId } = served;
  const recorded = ctx.clock.now().toISOString();
  const events = restAuditEvents({
    interaction: served.interaction,
    method: served.method,
    rawQuery: served.rawQuery,
    status: served.status,
    ...(served.error instanceof GatewayError ? { outcomeDesc: served.error.code } : {}),
    access,
    requestId,
    ...(served.address ? { address: served.address } : {}),
    disclosed: served.disclosed,
    withheld: served.withheld,
    recorded,
    gateway: ctx.gateway,
    registry: ctx.registry,
    baseUrl: ctx.baseUrl,
  });
  const actor = { clientId: access.clientId, organizationId: access.organizationId, purposeOfUse: access.purposeOfUse, requestId, tokenJti: access.tokenJti };
  events.push(...consentAuditEvents(served.decisions, actor, recorded, ctx.gateway));
  return events;
}
