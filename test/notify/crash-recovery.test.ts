/**
 * A gateway killed with SIGKILL mid-delivery (RELIABILITY.md cases 49 and 54c): after a restart on the same
 * database the event is delivered — same event number, same bundle id — and numbering carries on without a
 * gap or a reuse; nothing is lost, and nothing is duplicated beyond at-least-once.
 */
import type { Bundle, Encounter, Parameters, Patient, Subscription } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../support/app.ts';
import { tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type ChildGateway, createChildGateway } from '../support/child-gateway.ts';
import { type ChildDatabase, prepareChildDatabase } from './support/child-gateway.ts';
import { type Receiver, eventNumbers, notificationType, startReceiver, waitFor } from './support/receiver.ts';
import { ACT, subscriptionBody } from './support/world.ts';

const CHILD_ENV = { NOTIFY_ALLOW_LOOPBACK: '1', NOTIFY_POLL_MS: '100', NOTIFY_LEASE_MS: '2000', NOTIFY_RETRY_BASE_MS: '100', NOTIFY_RETRY_MAX_DELAY_MS: '500' };

describe.each(enginesUnderTest())('a gateway killed mid-delivery (%s)', (engine) => {
  let database: ChildDatabase;
  let receiver: Receiver;
  let child: ChildGateway | undefined;

  beforeAll(async () => {
    database = await prepareChildDatabase(engine);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await child?.stop();
    await receiver.close();
    await database.dispose();
  });

  it('delivers the event after a restart, with the same number and bundle id, and keeps numbering', async () => {
    // One child, started again on the same ports after the kill, so topic canonicals stay the same.
    child = await createChildGateway({ ...database.env, ...CHILD_ENV });
    await child.start();
    const baseUrl = `http://127.0.0.1:${child.httpPort}`;
    const fhirBase = `${baseUrl}/fhir`;
    const token = async () => tokenFor(baseUrl, database.client);
    const call = async (pathname: string, init: RequestInit = {}) => fetch(`${fhirBase}${pathname}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await token()}` } });
    receiver.reply = (request) => (notificationType(request.body) === 'event-notification' ? 'hang' : { status: 200 });
    const created = await call('/Subscription', jsonBody(subscriptionBody({ fhirBase }, { endpoint: receiver.url })));
    expect(created.status).toBe(201);
    const subscription = (await created.json()) as Subscription;
    await waitFor(async () => ((await (await call(`/Subscription/${subscription.id}`)).json()) as Subscription).status === 'active', 'the handshake');
    const patient = (await (await call('/Patient', jsonBody({ resourceType: 'Patient', identifier: [{ system: 'urn:crash', value: '1' }], name: [{ family: 'Crash' }] }))).json()) as Patient;
    const admitted = (await (await call('/Encounter', jsonBody({ resourceType: 'Encounter', status: 'in-progress', class: { system: ACT, code: 'IMP' }, subject: { reference: `Patient/${patient.id}` }, period: { start: '2026-11-20T10:00:00Z' } }))).json()) as Encounter;
    const discharged = await call(`/Encounter/${admitted.id}`, jsonBody({ ...admitted, status: 'finished', period: { start: '2026-11-20T10:00:00Z', end: '2026-11-21T10:00:00Z' } }, {}, 'PUT'));
    expect(discharged.status).toBe(200);
    const inFlight = await waitFor(() => receiver.events()[0], 'the delivery in flight');
    await child.kill();
    receiver.reply = () => ({ status: 200 });

    await child.start();
    const again = await waitFor(() => receiver.events()[1], 'the delivery after the restart', 60_000);
    expect(again.body.id).toBe(inFlight.body.id);
    expect(eventNumbers(again.body)).toEqual([1]);
    const status = async () => ((await (await call(`/Subscription/${subscription.id}/$status`)).json()) as Bundle).entry?.[0]?.resource as Parameters;
    const delivered = await waitFor(async () => {
      const s = await status();
      return s.parameter?.find((p) => p.name === 'carebridge-delivery')?.part?.find((p) => p.name === 'delivered')?.valueInteger === 1 ? s : undefined;
    }, 'the delivery to be recorded');
    expect(delivered.parameter?.find((p) => p.name === 'events-since-subscription-start')?.valueString).toBe('1');

    const second = (await (await call('/Encounter', jsonBody({ resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'IMP' }, subject: { reference: `Patient/${patient.id}` }, period: { start: '2026-11-22T10:00:00Z', end: '2026-11-23T10:00:00Z' } }))).json()) as Encounter;
    expect(second.id).toBeDefined();
    await waitFor(() => receiver.events().length === 3, 'the next event');
    expect(receiver.events().map((e) => eventNumbers(e.body)[0])).toEqual([1, 1, 2]);
    await child.stop();
    child = undefined;
  });
});
