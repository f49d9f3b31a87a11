/**
 * The notification tests' world: a real gateway (test/support/app.ts) whose rest-hook endpoints may be plain
 * http on loopback (NOTIFY_ALLOW_LOOPBACK=1) with short poll and retry settings, plus helpers that speak FHIR
 * over HTTP: subscribe, wait for the handshake, admit and discharge a patient.
 */
import type { Encounter, Patient, Subscription } from 'fhir/r4.js';
import { expect } from 'vitest';
import type { NotifyModule } from '../../../src/notify/module.ts';
import type { Clock } from '../../../src/shared/clock.ts';
import { type TestApp, jsonBody, startTestApp } from '../../support/app.ts';
import type { EngineName } from '../../support/databases.ts';
import { waitFor } from './receiver.ts';

export const FAST_NOTIFY: Record<string, string> = {
  NOTIFY_ALLOW_LOOPBACK: '1',
  NOTIFY_POLL_MS: '50',
  NOTIFY_RETRY_BASE_MS: '50',
  NOTIFY_RETRY_MAX_DELAY_MS: '300',
  NOTIFY_HEARTBEAT_SCAN_MS: '100',
  NOTIFY_LEASE_MS: '5000',
  NOTIFY_STOP_GRACE_MS: '500',
};

export async function startNotifyApp(engine: EngineName, env: Record<string, string> = {}, clock?: Clock): Promise<TestApp> {
  return startTestApp(engine, { ...FAST_NOTIFY, ...env }, clock);
}

export function notifyModule(t: TestApp): NotifyModule {
  return t.app.modules.find((m) => m.name === 'notify') as NotifyModule;
}

export const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

export interface SubscribeOptions {
  topic?: string;
  endpoint: string;
  content?: 'empty' | 'id-only' | 'full-resource';
  filters?: string[];
  headers?: string[];
  heartbeatSeconds?: number;
  timeoutSeconds?: number;
  davinci?: boolean;
  status?: Subscription['status'];
}

export function subscriptionBody(t: Pick<TestApp, 'fhirBase'>, options: SubscribeOptions): Subscription {
  const subscription: Subscription = {
    resourceType: 'Subscription',
    status: options.status ?? 'requested',
    reason: 'test',
    criteria: `${t.fhirBase}/SubscriptionTopic/${options.topic ?? 'encounter-discharge'}`,
    channel: {
      type: 'rest-hook',
      endpoint: options.endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: options.content ?? 'id-only' }] },
    },
  };
  if (options.filters?.length) subscription._criteria = { extension: options.filters.map((f) => ({ url: `${BACKPORT}/backport-filter-criteria`, valueString: f })) };
  if (options.headers) subscription.channel.header = options.headers;
  const ext = [];
  if (options.heartbeatSeconds) ext.push({ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: options.heartbeatSeconds });
  if (options.timeoutSeconds) ext.push({ url: `${BACKPORT}/backport-timeout`, valueUnsignedInt: options.timeoutSeconds });
  if (ext.length > 0) subscription.channel.extension = ext;
  if (options.davinci) subscription.channel._type = { extension: [{ url: `${BACKPORT}/backport-channel-type`, valueCoding: { system: 'https://carebridge.dev/fhir/CodeSystem/subscription-channel-type', code: 'davinci-message' } }] };
  return subscription;
}

/** POSTs a Subscription as `token`'s client; returns the response. */
export function postSubscription(t: TestApp, token: string, options: SubscribeOptions): Promise<Response> {
  return t.follow(`${t.fhirBase}/Subscription`, jsonBody(subscriptionBody(t, options), { authorization: `Bearer ${token}` }));
}

export async function readSubscription(t: TestApp, token: string, id: string): Promise<Subscription> {
  const response = await t.follow(`${t.fhirBase}/Subscription/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Subscription;
}

/** Creates a Subscription and waits until its handshake has been decided; returns it. */
export async function subscribe(t: TestApp, options: SubscribeOptions, token = t.token, expected: Subscription['status'] = 'active'): Promise<Subscription> {
  const response = await postSubscription(t, token, options);
  expect(response.status, await response.clone().text()).toBe(201);
  const created = (await response.json()) as Subscription;
  expect(created.status).toBe(options.status === 'off' ? 'off' : 'requested');
  if (options.status === 'off') return created;
  return waitFor(async () => {
    const current = await readSubscription(t, token, created.id as string);
    return current.status !== 'requested' && current.status === expected ? current : undefined;
  }, `subscription ${created.id} to become ${expected}`);
}

export async function createPatient(t: TestApp, token = t.token, extra: Partial<Patient> = {}): Promise<string> {
  const response = await t.follow(`${t.fhirBase}/Patient`, jsonBody({ resourceType: 'Patient', identifier: [{ system: 'urn:notify-test', value: `p-${Math.random()}` }], name: [{ family: 'Notify' }], ...extra }, { authorization: `Bearer ${token}` }));
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Patient).id as string;
}

export async function admit(t: TestApp, patientId: string, token = t.token, extra: Partial<Encounter> = {}): Promise<Encounter> {
  const encounter = { resourceType: 'Encounter', status: 'in-progress', class: { system: ACT, code: 'IMP' }, subject: { reference: `Patient/${patientId}` }, period: { start: '2026-11-20T10:00:00Z' }, ...extra };
  const response = await t.follow(`${t.fhirBase}/Encounter`, jsonBody(encounter, { authorization: `Bearer ${token}` }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Encounter;
}

/** Updates the Encounter to finished with a period.end (a discharge) through REST PUT. */
export async function discharge(t: TestApp, encounter: Encounter, token = t.token): Promise<Encounter> {
  const finished = { ...encounter, status: 'finished', period: { ...encounter.period, end: '2026-11-22T12:00:00Z' } };
  const response = await t.follow(`${t.fhirBase}/Encounter/${encounter.id}`, jsonBody(finished, { authorization: `Bearer ${token}` }, 'PUT'));
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Encounter;
}

export async function stopNotify(t: TestApp): Promise<void> {
  await notifyModule(t).stop?.();
}
