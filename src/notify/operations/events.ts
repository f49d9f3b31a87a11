/**
 * `Subscription/{id}/$events?eventsSinceNumber=&eventsUntilNumber=&content=` (backport IG OperationDefinition
 * backport-subscription-events; errors.md "Using the $events operation"): a notification Bundle (type
 * history, status Parameters of type `query-event` first) with one notification-event per retained event in
 * the range — delivered, pending or dead-lettered alike, in event-number order — so a subscriber that saw a
 * gap recovers exactly what it missed. Everything is read through the request's gated store, so scopes and
 * the patient's consent apply now: an event whose focus or patient the caller may no longer see is left out,
 * as are events suppressed at send time (their numbers stay counted). `content` (empty, id-only,
 * full-resource) defaults to the subscription's payload level. At most MAX_EVENTS per call: page on with
 * eventsSinceNumber. Events are kept for NOTIFY_EVENT_RETENTION_DAYS after they are completed.
 */
import { randomUUID } from 'node:crypto';
import type { Resource, Subscription } from 'fhir/r4.js';
import { idOf } from '../../api/request.ts';
import type { Handler } from '../../api/types.ts';
import { GatewayError } from '../../shared/errors.ts';
import { notFound } from '../../store/pg-store.ts';
import { PAYLOAD_LEVELS, type PayloadLevel } from '../constants.ts';
import type { EventRecord } from '../event-content.ts';
import { type NotificationEvent, buildNotificationBundle, buildStatusParameters } from '../notification-bundle.ts';
import { readSubscriptionRow } from '../subscription-table.ts';
import { bodyParameters } from './status.ts';

const MAX_EVENTS = 500;

interface EventRow extends EventRecord {
  event_number: number;
  corrects: number | null;
}

export const eventsOperation: Handler = async (request, deps) => {
  const id = idOf(request);
  const subscription = (await deps.store.find('Subscription', id)) as Subscription | undefined;
  const row = subscription ? await readSubscriptionRow(deps.store.sql, id) : undefined;
  if (!subscription || !row) throw notFound('Subscription', id);
  const params = [...request.query, ...bodyParameters(request.body)];
  const value = (name: string) => params.find(([k]) => k === name)?.[1];
  const since = numberParam(value('eventsSinceNumber'), 1);
  const until = numberParam(value('eventsUntilNumber'), row.event_count);
  const content = (value('content') ?? row.content) as PayloadLevel;
  if (!(PAYLOAD_LEVELS as readonly string[]).includes(content)) throw new GatewayError('NTF-BAD-PARAMETER', 'invalid', `content must be one of ${PAYLOAD_LEVELS.join(', ')}`);
  const rows = await deps.store.sql.query<EventRow>(
    `select d.event_number, d.corrects, e.id, e.topic, e.kind, e.focus_type, e.focus_id, e.focus_version, e.patient_id, e.occurred_at
     from notify_delivery d join notify_event e on e.id = d.event_id
     where d.subscription_id = $1 and d.event_number between $2 and $3 and d.state <> 'suppressed'
     order by d.event_number limit $4`,
    [id, since, until, MAX_EVENTS],
  );
  const events: NotificationEvent[] = [];
  const resources = new Map<string, Resource>();
  for (const event of rows) {
    const focus = await deps.store.vread(event.focus_type, event.focus_id, event.focus_version).catch(() => undefined);
    if (!focus) continue;
    const patient = event.patient_id ? await deps.store.find('Patient', event.patient_id) : undefined;
    if (event.patient_id && !patient) continue;
    const item: NotificationEvent = { eventNumber: event.event_number, timestamp: new Date(event.occurred_at).toISOString() };
    if (content !== 'empty') {
      item.focus = `${focus.resourceType}/${focus.id}`;
      if (patient) item.additionalContext = [`Patient/${patient.id}`];
    }
    if (event.kind !== 'event') item.correction = event.corrects !== null ? { kind: event.kind, corrects: event.corrects } : { kind: event.kind };
    events.push(item);
    if (content === 'full-resource') {
      resources.set(`${focus.resourceType}/${focus.id}/${focus.meta?.versionId}`, focus);
      if (patient) resources.set(`Patient/${patient.id}`, patient);
    }
  }
  const status = buildStatusParameters({
    id: randomUUID(),
    fhirBase: deps.fhirBase,
    subscriptionId: id,
    ...(content === 'empty' ? {} : { topic: row.topic }),
    status: subscription.status,
    type: 'query-event',
    eventsSinceStart: row.event_count,
    events,
  });
  const bundle = buildNotificationBundle({ id: randomUUID(), timestamp: deps.clock.now().toISOString(), fhirBase: deps.fhirBase, subscriptionId: id, status, resources: [...resources.values()] });
  return { status: 200, body: bundle };
};

function numberParam(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new GatewayError('NTF-BAD-PARAMETER', 'invalid', 'eventsSinceNumber and eventsUntilNumber are event numbers (non-negative integers)');
  return Number(raw);
}
