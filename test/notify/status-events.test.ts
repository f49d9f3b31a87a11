/**
 * Recovery and numbering (RELIABILITY.md cases 47, 49, 50): `$status` during an outage, `$events` returning
 * exactly the events asked for, gap-free numbers under concurrent writers, and an A13-style correction that
 * is numbered after — and never delivered before — the discharge it corrects.
 */
import type { Bundle, Parameters } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { eventNumbers, parameter, partOf, waitFor, receiverPool } from './support/receiver.ts';
import { admit, createPatient, discharge, startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('$status, $events, numbering and corrections (%s)', (engine) => {
  let t: TestApp;
  const receivers = receiverPool();
  const receiver = receivers.start;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
  });
  afterAll(async () => {
    await t.close();
    await receivers.closeAll();
  });

  const statusOf = async (id: string): Promise<Parameters> => {
    const response = await t.api(`/Subscription/${id}/$status`);
    expect(response.status).toBe(200);
    return ((await response.json()) as Bundle).entry?.[0]?.resource as Parameters;
  };
  const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);

  it('shows the outage in $status and returns exactly the missed events from $events', async () => {
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url });
    r.reply = (req) => (eventNumbers(req.body).length > 0 ? { status: 503 } : { status: 200 });
    const encounters = [];
    for (let i = 0; i < 3; i++) encounters.push(await discharge(t, await admit(t, await createPatient(t))));
    const status = await waitFor(async () => {
      const s = await statusOf(subscription.id as string);
      return param(s, 'status')?.valueCode === 'error' && param(s, 'events-since-subscription-start')?.valueString === '3' ? s : undefined;
    }, '$status to show the outage');
    const delivery = param(status, 'carebridge-delivery');
    expect(delivery?.part?.find((p) => p.name === 'pending')?.valueInteger).toBe(3);
    expect(delivery?.part?.some((p) => p.name === 'attempt' && p.part?.some((x) => x.name === 'http-status' && x.valueInteger === 503))).toBe(true);
    const response = await t.api(`/Subscription/${subscription.id}/$events?eventsSinceNumber=2&eventsUntilNumber=3`);
    expect(response.status).toBe(200);
    const events = (await response.json()) as Bundle;
    expect(events.type).toBe('history');
    expect(parameter(events, 'type')?.valueCode).toBe('query-event');
    expect(eventNumbers(events)).toEqual([2, 3]);
    const foci = (parameter(events, 'notification-event') ? events.entry?.[0]?.resource as Parameters : undefined)?.parameter?.filter((p) => p.name === 'notification-event').map((p) => partOf(p, 'focus')?.valueReference?.reference);
    expect(foci).toEqual([`${t.fhirBase}/Encounter/${encounters[1]?.id}`, `${t.fhirBase}/Encounter/${encounters[2]?.id}`]);
    expect(t.app.validator.validate(events)).toEqual([]);
    const full = (await (await t.api(`/Subscription/${subscription.id}/$events?content=full-resource`)).json()) as Bundle;
    expect(eventNumbers(full)).toEqual([1, 2, 3]);
    expect((full.entry ?? []).filter((e) => e.resource?.resourceType === 'Encounter')).toHaveLength(3);
    r.reply = () => ({ status: 200 });
    await waitFor(() => new Set(r.events().filter((e) => e.body).map((e) => eventNumbers(e.body)[0])).size === 3, 'delivery after the outage');
  });

  it('numbers events gap-free and without reuse under concurrent writers', async () => {
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url });
    const writers = 8;
    const perWriter = 5;
    const patients = await Promise.all(Array.from({ length: writers }, () => createPatient(t)));
    const encounters = await Promise.all(patients.map((p) => admit(t, p)));
    await Promise.all(encounters.map(async (encounter, w) => {
      for (let i = 0; i < perWriter; i++) {
        const finished = await discharge(t, { ...encounter, period: { start: encounter.period?.start ?? '2026-11-20T10:00:00Z' } });
        const reopened = { ...finished, status: 'in-progress' as const, period: { start: finished.period?.start ?? '' } };
        const back = await t.api(`/Encounter/${encounter.id}`, jsonBody(reopened, {}, 'PUT'));
        expect(back.status, `writer ${w}`).toBe(200);
      }
    }));
    const total = writers * perWriter * 2;
    await waitFor(() => new Set(r.events().map((e) => eventNumbers(e.body)[0])).size === total, `${total} events`, 60_000);
    const numbers = r.events().map((e) => eventNumbers(e.body)[0] as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const status = await statusOf(subscription.id as string);
    expect(param(status, 'events-since-subscription-start')?.valueString).toBe(String(total));
  });

  it('sends a cancelled discharge as a correction after the discharge, never before it', async () => {
    const r = await receiver();
    await subscribe(t, { endpoint: r.url, content: 'full-resource' });
    const log: { n: number; status: number }[] = [];
    let flaky = 0;
    r.reply = (req) => {
      const n = eventNumbers(req.body)[0];
      if (n === undefined) return { status: 200 };
      const status = flaky++ % 2 === 0 ? 500 : 200;
      log.push({ n, status });
      return { status };
    };
    const admitted = await admit(t, await createPatient(t));
    const finished = await discharge(t, admitted);
    const cancelled = { ...finished, status: 'in-progress' as const, period: { start: finished.period?.start ?? '' } };
    expect((await t.api(`/Encounter/${admitted.id}`, jsonBody(cancelled, {}, 'PUT'))).status).toBe(200);
    await waitFor(() => log.some((l) => l.n === 2 && l.status === 200), 'the correction');
    const firstCorrection = log.findIndex((l) => l.n === 2);
    const dischargeDelivered = log.findIndex((l) => l.n === 1 && l.status === 200);
    expect(dischargeDelivered).toBeGreaterThanOrEqual(0);
    expect(firstCorrection).toBeGreaterThan(dischargeDelivered);
    const correction = r.events().find((e) => eventNumbers(e.body)[0] === 2)?.body as Bundle;
    const event = parameter(correction, 'notification-event');
    const marker = event?.extension?.find((e) => e.url === 'https://carebridge.dev/fhir/StructureDefinition/notification-correction');
    expect(marker?.extension).toEqual([{ url: 'kind', valueCode: 'discharge-cancelled' }, { url: 'corrects', valueString: '1' }]);
    expect((correction.entry?.[1]?.resource as { status?: string }).status).toBe('in-progress');
  });
});
