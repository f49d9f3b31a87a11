/**
 * The backport notification shapes (SPECS.md §b2, corpus BackportNotificationR4.fsh): the
 * `backport-subscription-status-r4` Parameters (subscription, topic, status, type,
 * events-since-subscription-start, notification-event with event-number, timestamp, focus,
 * additional-context) and the `backport-subscription-notification-r4` Bundle (type history, the Parameters
 * first; every entry with request and response because of bdl-3/bdl-4).
 * A correction (an A13 cancelling a discharge) is marked on its notification-event by the extension
 * `https://carebridge.dev/fhir/StructureDefinition/notification-correction` (`kind`, `corrects` = the
 * event number it corrects).
 */
import type { Bundle, BundleEntry, CodeableConcept, Extension, FhirResource, Parameters, ParametersParameter, Resource } from 'fhir/r4.js';
import { BACKPORT_URL, CAREBRIDGE_URL } from './constants.ts';

export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

export interface NotificationEvent {
  eventNumber: number;
  timestamp: string;
  /** `Type/id` references, made absolute under the FHIR base. */
  focus?: string;
  additionalContext?: string[];
  correction?: { kind: string; corrects?: number };
}

export interface StatusInput {
  id: string;
  fhirBase: string;
  subscriptionId: string;
  topic?: string;
  status: string;
  type: NotificationType;
  eventsSinceStart: number;
  events?: NotificationEvent[];
  errors?: CodeableConcept[];
  /** Extra open-slice parameters (`carebridge-delivery` in `$status`). */
  extra?: ParametersParameter[];
}

export function buildStatusParameters(input: StatusInput): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'subscription', valueReference: { reference: `${input.fhirBase}/Subscription/${input.subscriptionId}` } }];
  if (input.topic) parameter.push({ name: 'topic', valueCanonical: input.topic });
  parameter.push({ name: 'status', valueCode: input.status }, { name: 'type', valueCode: input.type });
  parameter.push({ name: 'events-since-subscription-start', valueString: String(input.eventsSinceStart) });
  for (const event of input.events ?? []) parameter.push(eventParameter(event, input.fhirBase));
  for (const error of input.errors ?? []) parameter.push({ name: 'error', valueCodeableConcept: error });
  parameter.push(...(input.extra ?? []));
  return { resourceType: 'Parameters', id: input.id, meta: { profile: [BACKPORT_URL.statusProfile] }, parameter };
}

function eventParameter(event: NotificationEvent, fhirBase: string): ParametersParameter {
  const part: ParametersParameter[] = [
    { name: 'event-number', valueString: String(event.eventNumber) },
    { name: 'timestamp', valueInstant: event.timestamp },
  ];
  if (event.focus) part.push({ name: 'focus', valueReference: { reference: `${fhirBase}/${event.focus}` } });
  for (const context of event.additionalContext ?? []) part.push({ name: 'additional-context', valueReference: { reference: `${fhirBase}/${context}` } });
  const parameter: ParametersParameter = { name: 'notification-event', part };
  if (event.correction) {
    const extension: Extension[] = [{ url: 'kind', valueCode: event.correction.kind }];
    if (event.correction.corrects !== undefined) extension.push({ url: 'corrects', valueString: String(event.correction.corrects) });
    parameter.extension = [{ url: CAREBRIDGE_URL.correction, extension }];
  }
  return parameter;
}

export interface BundleInput {
  id: string;
  timestamp: string;
  fhirBase: string;
  subscriptionId: string;
  status: Parameters;
  resources?: readonly Resource[];
}

export function buildNotificationBundle(input: BundleInput): Bundle {
  const entry: BundleEntry[] = [
    {
      fullUrl: `urn:uuid:${input.status.id}`,
      resource: input.status,
      request: { method: 'GET', url: `${input.fhirBase}/Subscription/${input.subscriptionId}/$status` },
      response: { status: '200' },
    },
  ];
  for (const resource of input.resources ?? []) {
    const url = `${resource.resourceType}/${resource.id}`;
    entry.push({ fullUrl: `${input.fhirBase}/${url}`, resource: resource as FhirResource, request: { method: 'GET', url }, response: { status: '200' } });
  }
  return { resourceType: 'Bundle', id: input.id, meta: { profile: [BACKPORT_URL.notificationProfile] }, type: 'history', timestamp: input.timestamp, entry };
}
