/**
 * The rest-hook channel (backport IG channels.md, SPECS.md §b2): the notification Bundle is POSTed to
 * `channel.endpoint` with `Content-Type` = `channel.payload` and each `channel.header` as an HTTP header.
 * Payload levels: `empty` (the status Parameters with event-number and timestamp only, no topic, no focus),
 * `id-only` (adds the topic, the focus and additional-context references), `full-resource` (adds the focus
 * and the included resources the subscriber may read as entries).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from 'fhir/r4.js';
import type { PayloadLevel } from '../constants.ts';
import type { ChannelHeader } from '../headers.ts';
import { type NotificationEvent, type NotificationType, buildNotificationBundle, buildStatusParameters } from '../notification-bundle.ts';
import type { HttpSender, SendOutcome } from './http-sender.ts';

export interface EventNotificationInput {
  bundleId: string;
  fhirBase: string;
  subscriptionId: string;
  topic: string;
  status: string;
  content: PayloadLevel;
  event: NotificationEvent;
  focus?: Resource;
  /** Included resources the subscriber may receive (already through consent and scope). */
  included: readonly Resource[];
  timestamp: string;
}

export function buildEventNotification(input: EventNotificationInput): Bundle {
  const event: NotificationEvent = { eventNumber: input.event.eventNumber, timestamp: input.event.timestamp };
  if (input.event.correction) event.correction = input.event.correction;
  if (input.content !== 'empty') {
    if (input.event.focus) event.focus = input.event.focus;
    if (input.included.length > 0) event.additionalContext = input.included.map((r) => `${r.resourceType}/${r.id}`);
  }
  const status = buildStatusParameters({
    id: statusIdOf(input.bundleId),
    fhirBase: input.fhirBase,
    subscriptionId: input.subscriptionId,
    ...(input.content === 'empty' ? {} : { topic: input.topic }),
    status: input.status,
    type: 'event-notification',
    eventsSinceStart: input.event.eventNumber,
    events: [event],
  });
  const resources = input.content === 'full-resource' && input.focus ? [input.focus, ...input.included] : [];
  return buildNotificationBundle({ id: input.bundleId, timestamp: input.timestamp, fhirBase: input.fhirBase, subscriptionId: input.subscriptionId, status, resources });
}

/** A handshake or heartbeat: no event, the current count of events. */
export function buildControlNotification(type: Extract<NotificationType, 'handshake' | 'heartbeat'>, input: { fhirBase: string; subscriptionId: string; topic: string; status: string; eventsSinceStart: number; timestamp: string }): Bundle {
  const id = randomUUID();
  const status = buildStatusParameters({ id: randomUUID(), fhirBase: input.fhirBase, subscriptionId: input.subscriptionId, topic: input.topic, status: input.status, type, eventsSinceStart: input.eventsSinceStart });
  return buildNotificationBundle({ id, timestamp: input.timestamp, fhirBase: input.fhirBase, subscriptionId: input.subscriptionId, status });
}

/** The status Parameters id of a notification: derived from the bundle id, so a retry is identical. */
export function statusIdOf(bundleId: string): string {
  return `${bundleId.slice(0, 56)}-s`;
}

export interface PostInput {
  url: string;
  mime: string;
  headers: readonly ChannelHeader[];
  body: string;
  timeoutMs: number;
}

/** POSTs one notification body with the subscriber's headers. */
export function postNotification(sender: HttpSender, input: PostInput): Promise<SendOutcome> {
  const headers: Record<string, string> = {};
  for (const header of input.headers) headers[header.name] = header.value;
  headers['content-type'] = input.mime;
  headers.accept = 'application/fhir+json, application/json;q=0.9, */*;q=0.1';
  headers['user-agent'] = 'carebridge-notify';
  return sender.send({ url: input.url, headers, body: input.body, timeoutMs: input.timeoutMs });
}
