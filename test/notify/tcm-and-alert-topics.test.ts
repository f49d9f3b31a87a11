/**
 * The other topics: `tcm-task-change` (the Tasks the TCM stage writes inside the discharge's transaction are
 * events of that transaction too; the TCM Task rule decides who may receive them) and `break-glass-alert`
 * (privacy officers get every alert, a practice only the alerts addressed to it).
 */
import type { Bundle, Communication, Consent, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { type ConsentWorld, ORG as CONSENT_ORG, POLICY, buildConsentWorld } from '../support/consent-world.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { ORG, type TcmWorld, buildTcmWorld } from '../tcm/tcm-world.ts';
import { eventNumbers, parameter, partOf, waitFor, receiverPool } from './support/receiver.ts';
import { FAST_NOTIFY, startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('tcm-task-change (%s)', (engine) => {
  let world: TcmWorld;
  const receivers = receiverPool();
  const receiver = receivers.start;
  beforeAll(async () => {
    world = await buildTcmWorld(engine, FAST_NOTIFY);
  });
  afterAll(async () => {
    await world.close();
    await receivers.closeAll();
  });

  it("numbers the discharge's TCM Tasks with it and sends them only to who may see them", async () => {
    const { t } = world;
    const gp = await registerClient(t.app, { organizationId: ORG.gp, organizationKind: 'gp-practice', scopes: 'system/*.rs system/Subscription.cruds' });
    const gp2 = await registerClient(t.app, { organizationId: ORG.gp2, organizationKind: 'gp-practice', scopes: 'system/*.rs system/Subscription.cruds' });
    const own = await receiver();
    const other = await receiver();
    const topic = 'tcm-task-change';
    await subscribe(t, { endpoint: own.url, topic, content: 'full-resource', filters: [`Task?owner=Organization/${ORG.gp}`] }, await tokenFor(t.baseUrl, gp));
    await subscribe(t, { endpoint: other.url, topic, content: 'id-only' }, await tokenFor(t.baseUrl, gp2));
    const patient = await world.createPatient('9434765919', { gp: ORG.gp });
    const encounter = await world.admit(patient, '2026-11-02T09:00:00Z');
    await world.discharge(encounter, '2026-11-04T15:00:00Z');
    await waitFor(() => own.events().length === 3, 'the three TCM Tasks');
    expect(own.events().map((e) => eventNumbers(e.body)[0]).sort()).toEqual([1, 2, 3]);
    const tasks = own.events().map((e) => e.body.entry?.[1]?.resource as Task);
    expect(tasks.every((task) => task.owner?.reference === `Organization/${ORG.gp}`)).toBe(true);
    const { contact } = await world.tasksOf(encounter.id as string);
    const updated = await world.fhir('gp', `/Task/${contact.id}`, jsonBody({ ...contact, status: 'in-progress' }, {}, 'PUT'));
    expect(updated.status).toBe(200);
    // The TCM stage may update the episode Task in the same transaction: each changed Task is an event.
    await waitFor(() => own.events().some((e) => (e.body.entry?.[1]?.resource as Task | undefined)?.id === contact.id && (e.body.entry?.[1]?.resource as Task).status === 'in-progress'), 'the task change');
    const numbers = own.events().map((e) => eventNumbers(e.body)[0] as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(numbers.length).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(other.events()).toHaveLength(0);
  });
});

describe.each(enginesUnderTest())('break-glass-alert (%s)', (engine) => {
  let world: ConsentWorld;
  let t: Awaited<ReturnType<typeof startNotifyApp>>;
  const receivers = receiverPool();
  const receiver = receivers.start;
  beforeAll(async () => {
    t = await startNotifyApp(engine);
    world = await buildConsentWorld(t);
  });
  afterAll(async () => {
    await t.close();
    await receivers.closeAll();
  });

  it('alerts privacy officers and the addressed practice, and no one else', async () => {
    const topic = 'break-glass-alert';
    const officer = await registerClient(t.app, { organizationId: 'org-privacy-office', organizationKind: 'care-team', scopes: 'system/Communication.rs system/Subscription.cruds carebridge/admin' });
    const practice = await registerClient(t.app, { organizationId: CONSENT_ORG.gp, scopes: 'system/*.rs system/Subscription.cruds' });
    const stranger = await registerClient(t.app, { organizationId: 'org-elsewhere', scopes: 'system/*.rs system/Subscription.cruds' });
    const [toOfficer, toPractice, toStranger] = [await receiver(), await receiver(), await receiver()];
    await subscribe(t, { endpoint: toOfficer.url, topic, content: 'full-resource' }, await tokenFor(t.baseUrl, officer));
    await subscribe(t, { endpoint: toPractice.url, topic, content: 'full-resource' }, await tokenFor(t.baseUrl, practice));
    await subscribe(t, { endpoint: toStranger.url, topic, content: 'id-only' }, await tokenFor(t.baseUrl, stranger));
    const p = await world.createPatient('btg-notify');
    await world.consent(p.id, { status: 'active', policyRule: POLICY('OPTOUT'), provision: { type: 'deny' } } as Omit<Consent, 'resourceType' | 'patient' | 'scope' | 'category'>);
    const token = await world.token('hospital', 'ETREAT');
    const opened = await t.follow(`${t.fhirBase}/Patient/${p.id}`, { headers: { authorization: `Bearer ${token}`, 'x-break-glass-reason': 'unconscious in ED' } });
    expect(opened.status).toBe(200);
    await waitFor(() => toOfficer.events().length === 1 && toPractice.events().length === 1, 'the alerts');
    const alert = toOfficer.events()[0]?.body.entry?.[1]?.resource as Communication;
    expect(alert.resourceType).toBe('Communication');
    expect(alert.recipient?.[0]?.reference).toBe(`Organization/${CONSENT_ORG.gp}`);
    expect(partOf(parameter(toPractice.events()[0]?.body as Bundle, 'notification-event'), 'focus')?.valueReference?.reference).toBe(`${t.fhirBase}/Communication/${alert.id}`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(toStranger.events()).toHaveLength(0);
  });
});
