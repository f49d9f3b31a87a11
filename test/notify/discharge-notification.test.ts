/**
 * A discharge reaches a subscriber exactly once, numbered 1, in the backport notification shape, whichever
 * write path made it (REST update, transaction Bundle); handshake success and failure (RELIABILITY.md case 46).
 */
import type { Bundle, Encounter } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { expectValidAuditTrail } from '../support/audit-trail.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type Receiver, eventNumbers, notificationType, parameter, partOf, startReceiver, statusOf, waitFor } from './support/receiver.ts';
import { admit, createPatient, discharge, readSubscription, startNotifyApp, subscribe, postSubscription } from './support/world.ts';

describe.each(enginesUnderTest())('discharge notifications (%s)', (engine) => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('handshakes, then delivers one notification numbered 1 for a REST discharge', async () => {
    const subscription = await subscribe(t, { endpoint: receiver.url, headers: ['Authorization: Bearer s3cret'] });
    const handshake = receiver.received.find((r) => notificationType(r.body) === 'handshake');
    expect(handshake?.headers.authorization).toBe('Bearer s3cret');
    expect(handshake?.headers['content-type']).toBe('application/fhir+json');
    const patient = await createPatient(t);
    const encounter = await admit(t, patient);
    await discharge(t, encounter);
    const [delivery] = await waitFor(() => (receiver.events().length > 0 ? receiver.events() : undefined), 'the notification');
    const bundle = delivery?.body as Bundle;
    expect(bundle.type).toBe('history');
    expect(eventNumbers(bundle)).toEqual([1]);
    expect(parameter(bundle, 'subscription')?.valueReference?.reference).toBe(`${t.fhirBase}/Subscription/${subscription.id}`);
    expect(parameter(bundle, 'events-since-subscription-start')?.valueString).toBe('1');
    const event = parameter(bundle, 'notification-event');
    expect(partOf(event, 'focus')?.valueReference?.reference).toBe(`${t.fhirBase}/Encounter/${encounter.id}`);
    expect(statusOf(bundle).meta?.profile).toContain('http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4');
    expect(t.app.validator.validate(bundle)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.events()).toHaveLength(1);
  });

  it('a discharge written by a transaction Bundle gives exactly one notification too', async () => {
    const own = await startReceiver();
    try {
      await subscribe(t, { endpoint: own.url });
      const patient = await createPatient(t);
      const encounter = await admit(t, patient);
      const finished: Encounter = { ...encounter, status: 'finished', period: { ...encounter.period, end: '2026-11-23T09:00:00Z' } };
      const response = await t.api('', jsonBody({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: finished, request: { method: 'PUT', url: `Encounter/${encounter.id}` } }] }));
      expect(response.status).toBe(200);
      const events = await waitFor(() => (own.events().length > 0 ? own.events() : undefined), 'the notification');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(own.events()).toHaveLength(1);
      expect(eventNumbers(events[0]?.body as Bundle)).toEqual([1]);
    } finally {
      await own.close();
    }
  });

  it('a failed handshake leaves the subscription in error and delivers nothing; re-requesting activates it', async () => {
    const flaky = await startReceiver();
    try {
      flaky.reply = () => ({ status: 500 });
      const failed = await subscribe(t, { endpoint: flaky.url }, t.token, 'error');
      expect(failed.error).toMatch(/Handshake failed: HTTP 500/);
      expect(JSON.stringify(failed)).not.toContain('receiver-secret-detail');
      const patient = await createPatient(t);
      await discharge(t, await admit(t, patient));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(flaky.events()).toHaveLength(0);
      flaky.reply = () => ({ status: 200 });
      const again = await t.api(`/Subscription/${failed.id}`, jsonBody({ ...failed, status: 'requested' }, {}, 'PUT'));
      expect(again.status).toBe(200);
      await waitFor(async () => (await readSubscription(t, t.token, failed.id as string)).status === 'active', 'reactivation');
      expect(flaky.received.filter((r) => notificationType(r.body) === 'handshake')).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it('refuses a Subscription on an unknown topic', async () => {
    const response = await postSubscription(t, t.token, { endpoint: receiver.url, topic: 'nope' });
    expect(response.status).toBe(422);
  });

  it('leaves only valid FHIR R4 AuditEvents behind (deliveries and handshakes among them)', async () => {
    await t.app.audit.flush();
    const events = await expectValidAuditTrail(t.app);
    expect(events.some((e) => e.type.code === '110106')).toBe(true);
  });
});
