/**
 * Heartbeats when idle (status included, `error` too, backport IG errors.md) and the dead letter after the
 * retry horizon (RELIABILITY.md case 47): the event stays retrievable with `$events`, the subscription goes
 * to `error`, the metric counts it, and only the client re-activates it. The horizon is crossed by moving an
 * injected clock, not by waiting.
 */
import type { Bundle, Parameters } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { type Receiver, eventNumbers, notificationType, parameter, startReceiver, waitFor } from './support/receiver.ts';
import { admit, createPatient, discharge, notifyModule, readSubscription, startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('heartbeats (%s)', (engine) => {
  let t: TestApp;
  let r: Receiver;
  beforeAll(async () => {
    t = await startNotifyApp(engine);
    r = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await r.close();
  });

  it('sends heartbeats to an idle subscription, with the current count and status (error included)', async () => {
    const subscription = await subscribe(t, { endpoint: r.url, heartbeatSeconds: 1 });
    const beat = await waitFor(() => r.received.find((x) => notificationType(x.body) === 'heartbeat'), 'a heartbeat');
    expect(parameter(beat.body, 'events-since-subscription-start')?.valueString).toBe('0');
    expect(parameter(beat.body, 'status')?.valueCode).toBe('active');
    r.reply = (x) => (notificationType(x.body) === 'handshake' ? { status: 200 } : { status: 500 });
    await discharge(t, await admit(t, await createPatient(t)));
    await waitFor(async () => (await readSubscription(t, t.token, subscription.id as string)).status === 'error', 'the error status');
    const seen = r.received.length;
    const errorBeat = await waitFor(() => r.received.slice(seen).find((x) => notificationType(x.body) === 'heartbeat'), 'a heartbeat in error', 20_000);
    expect(parameter(errorBeat.body, 'status')?.valueCode).toBe('error');
    expect(parameter(errorBeat.body, 'events-since-subscription-start')?.valueString).toBe('1');
  });
});

describe.each(enginesUnderTest())('dead letter after the retry horizon (%s)', (engine) => {
  const clock = fixedClock(new Date().toISOString());
  let t: TestApp;
  let r: Receiver;
  beforeAll(async () => {
    t = await startNotifyApp(engine, { NOTIFY_RETRY_HORIZON_HOURS: '72' }, clock);
    r = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await r.close();
  });

  it('retries until the horizon, then dead-letters the event, sets error, counts it, and keeps it for $events', async () => {
    const subscription = await subscribe(t, { endpoint: r.url });
    r.reply = (x) => (eventNumbers(x.body).length > 0 ? { status: 503 } : { status: 200 });
    await discharge(t, await admit(t, await createPatient(t)));
    await waitFor(() => r.events().length === 1, 'the first attempt');
    clock.advance(60 * 60_000);
    notifyModule(t).wake();
    await waitFor(() => r.events().length === 2, 'a retry an hour later');
    clock.advance(73 * 3_600_000);
    notifyModule(t).wake();
    await waitFor(() => r.events().length === 3, 'the last attempt at the horizon');
    const token = await tokenFor(t.baseUrl, t.client, undefined, undefined, clock.now());
    const as = (path: string, init: RequestInit = {}) => t.follow(`${t.fhirBase}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    const failed = await waitFor(async () => {
      const current = await readSubscription(t, token, subscription.id as string);
      return current.status === 'error' && /dead|horizon/.test(current.error ?? '') ? current : undefined;
    }, 'the dead letter');
    const status = ((await (await as(`/Subscription/${subscription.id}/$status`)).json()) as Bundle).entry?.[0]?.resource as Parameters;
    const delivery = status.parameter?.find((p) => p.name === 'carebridge-delivery');
    expect(delivery?.part?.find((p) => p.name === 'dead-letter')?.valueInteger).toBe(1);
    expect(delivery?.part?.find((p) => p.name === 'pending')?.valueInteger).toBe(0);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/carebridge_notify_dead_letters_total\{channel="rest-hook"\} 1/);
    const events = (await (await as(`/Subscription/${subscription.id}/$events`)).json()) as Bundle;
    expect(eventNumbers(events)).toEqual([1]);
    // Nothing more is tried for a dead event, and the server does not re-activate the subscription itself.
    r.reply = () => ({ status: 200 });
    clock.advance(3_600_000);
    notifyModule(t).wake();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.events()).toHaveLength(3);
    const later = await tokenFor(t.baseUrl, t.client, undefined, undefined, clock.now());
    expect((await readSubscription(t, later, subscription.id as string)).status).toBe('error');
    const reactivate = await t.follow(`${t.fhirBase}/Subscription/${subscription.id}`, jsonBody({ ...failed, status: 'requested' }, { authorization: `Bearer ${later}` }, 'PUT'));
    expect(reactivate.status).toBe(200);
    await waitFor(async () => (await readSubscription(t, later, subscription.id as string)).status === 'active', 're-activation by the client');
  });
});
