/**
 * Gets a batch of one queue's events ready to send: reads what each notification is about, runs consent
 * enforcement over all of it at once for the subscriber (send-consent.ts), and decides per event: suppressed
 * (the focus or the patient is withheld — nothing is sent, not even an id), or a notification Bundle. A
 * Bundle is built on the event's first attempt; if that attempt fails it is kept with the delivery row and
 * sent unchanged on every retry (same bundle id and event number) — each retry re-checks consent over the
 * kept Bundle's resources and the current focus and patient first. (Should the process stop between a send
 * and its record, the event goes again with a Bundle built anew under the same bundle id and event number.)
 */
import type { Bundle, Encounter, Resource } from 'fhir/r4.js';
import { parseScopes } from '../auth/scopes.ts';
import type { RegisteredClient } from '../auth/client-registry.ts';
import { isPrivacyOfficer, mayInclude } from './access-rules.ts';
import { buildDaVinciMessage, readDaVinciContext } from './channels/davinci-message.ts';
import { buildEventNotification } from './channels/rest-hook.ts';
import type { PendingDelivery } from './claim.ts';
import { DAVINCI_CHANNEL } from './constants.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { type EventContent, readEventContents } from './event-content.ts';
import { checkDisclosure, keyOf } from './send-consent.ts';
import type { SubscriptionRow } from './subscription-table.ts';

export type Prepared = { row: PendingDelivery; body: string } | { row: PendingDelivery; suppressed: string };

interface Gathered {
  row: PendingDelivery;
  focus?: Resource;
  patient?: Resource;
  included: Resource[];
  stored?: Resource[];
}

export async function prepareBatch(ctx: DeliveryContext, sub: SubscriptionRow, rows: readonly PendingDelivery[], client: RegisteredClient): Promise<Prepared[]> {
  const topic = ctx.catalog.byUrl(sub.topic);
  const scopes = parseScopes(client.scopes);
  const alert = topic?.access === 'security-alert';
  const officer = alert && isPrivacyOfficer(scopes);
  const gathered: Gathered[] = [];
  const contents = await readEventContents(rows, topic, { findMany: ctx.io.findMany, vread: (type, id, version) => ctx.store.vread(type, id, version) }, ctx.registry, ctx.baseUrl);
  for (const [i, row] of rows.entries()) {
    const content = contents[i] as EventContent;
    const item: Gathered = { row, included: content.included };
    if (content.focus) item.focus = content.focus;
    if (content.patient) item.patient = content.patient;
    if (sub.channel === DAVINCI_CHANNEL && content.focus) item.included = await readDaVinciContext(content.focus as Encounter, ctx.store, ctx.baseUrl);
    if (typeof row.bundle === 'string') item.stored = resourcesOf(JSON.parse(row.bundle) as Bundle);
    gathered.push(item);
  }
  const all = gathered.flatMap((g) => [g.focus, g.patient, ...g.included, ...(g.stored ?? [])].filter((r): r is Resource => r !== undefined));
  const exempt = (r: Resource) => officer && r.resourceType === 'Communication';
  const check = await checkDisclosure(all, client, sub.purpose, { consent: ctx.consent, store: ctx.store, baseUrl: ctx.baseUrl, clock: ctx.clock }, exempt);
  const pass = (r: Resource) => check.allowed.get(keyOf(r));
  const now = ctx.clock.now().toISOString();
  return gathered.map((g): Prepared => {
    const { row } = g;
    if (!g.focus) return { row, suppressed: 'the focus resource can no longer be read' };
    const focus = pass(g.focus);
    if (!focus) return { row, suppressed: 'consent or the access rules withhold the focus resource from this recipient' };
    // A security alert is decided on its addressees (the consent stage's alert rule), not on the patient's consent.
    if (g.patient && !alert && !pass(g.patient)) return { row, suppressed: "the patient's consent withholds this recipient" };
    if (g.stored) {
      if (g.stored.some((r) => !exempt(r) && !pass(r))) return { row, suppressed: 'consent now withholds a resource of this notification' };
      return { row, body: row.bundle as string };
    }
    const included = g.included.map(pass).filter((r): r is Resource => r !== undefined && mayInclude(scopes, r.resourceType));
    const bundle = sub.channel === DAVINCI_CHANNEL ? davinci(ctx, sub, row, focus as Encounter, included, client, now) : backport(ctx, sub, row, focus, included, mayInclude(scopes, focus.resourceType), now);
    return { row, body: JSON.stringify(bundle) };
  });
}

function backport(ctx: DeliveryContext, sub: SubscriptionRow, row: PendingDelivery, focus: Resource, included: Resource[], mayReadFocus: boolean, now: string): Bundle {
  const content = sub.content === 'full-resource' && !mayReadFocus ? 'id-only' : sub.content;
  return buildEventNotification({
    bundleId: row.bundle_id,
    fhirBase: ctx.fhirBase,
    subscriptionId: sub.id,
    topic: sub.topic,
    status: sub.status,
    content,
    event: {
      eventNumber: row.event_number,
      timestamp: new Date(row.occurred_at).toISOString(),
      focus: `${focus.resourceType}/${focus.id}`,
      ...(row.kind !== 'event' ? { correction: row.corrects !== null ? { kind: row.kind, corrects: row.corrects } : { kind: row.kind } } : {}),
    },
    focus,
    included,
    timestamp: now,
  });
}

function davinci(ctx: DeliveryContext, sub: SubscriptionRow, row: PendingDelivery, encounter: Encounter, context: Resource[], client: RegisteredClient, now: string): Bundle {
  const event = ctx.catalog.byUrl(sub.topic)?.davinciEvent ?? 'notification-discharge';
  return buildDaVinciMessage({
    bundleId: row.bundle_id,
    timestamp: now,
    fhirBase: ctx.fhirBase,
    event,
    ...(row.kind !== 'event' ? { correction: row.kind } : {}),
    encounter,
    context,
    source: { name: ctx.gateway.name, version: ctx.version },
    destination: { name: client.name, endpoint: sub.endpoint },
  });
}

/** The resources a stored notification carries (its status Parameters and MessageHeader aside). */
function resourcesOf(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is NonNullable<typeof r> => r !== undefined && r.resourceType !== 'Parameters' && r.resourceType !== 'MessageHeader');
}
