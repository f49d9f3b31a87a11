/**
 * Every write path emits events (RELIABILITY.md case 52, HFS #1023): HL7 v2 ADT over HTTP gives exactly one
 * admit, transfer and discharge event per clinical event; a resent or unchanged message gives none; an A13
 * gives a correction on the discharge topic.
 */
import type { Bundle } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { adt } from '../support/hl7-messages.ts';
import { type Receiver, eventNumbers, parameter, startReceiver, waitFor } from './support/receiver.ts';
import { startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('events from HL7 v2 ingest (%s)', (engine) => {
  let t: TestApp;
  const receivers: Record<'admit' | 'transfer' | 'discharge', Receiver | undefined> = { admit: undefined, transfer: undefined, discharge: undefined };
  let send: (message: string) => Promise<void>;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
    const hospital = await registerClient(t.app, { organizationKind: 'hospital', scopes: 'system/*.cruds' });
    const auth = `Bearer ${await tokenFor(t.baseUrl, hospital)}`;
    send = async (message) => {
      const response = await fetch(`${t.baseUrl}/ingest/hl7v2`, { method: 'POST', headers: { authorization: auth, 'content-type': 'x-application/hl7-v2+er7' }, body: message });
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/MSA\|AA/);
    };
    for (const topic of ['admit', 'transfer', 'discharge'] as const) {
      const r = await startReceiver();
      receivers[topic] = r;
      await subscribe(t, { endpoint: r.url, topic: `encounter-${topic}` });
    }
  });
  afterAll(async () => {
    await t.close();
    for (const r of Object.values(receivers)) await r?.close();
  });

  it('gives one event per clinical event, none for a replay, and a correction for an A13', async () => {
    const visit = { visit: 'V-NTF-1', mrn: 'M-NTF-1' };
    await send(adt({ trigger: 'A01', controlId: 'NTF-1', eventTime: '20260401080000', location: 'WARD1^BED1^1^NORTHRIV', ...visit }));
    await send(adt({ trigger: 'A02', controlId: 'NTF-2', eventTime: '20260401120000', location: 'WARD2^BED4^1^NORTHRIV', ...visit }));
    const discharge = { trigger: 'A03', eventTime: '20260402150000', admitTime: '20260401080000', dischargeTime: '20260402150000', disposition: '01', location: 'WARD2^BED4^1^NORTHRIV', ...visit };
    await send(adt({ ...discharge, controlId: 'NTF-3' }));
    await send(adt({ ...discharge, controlId: 'NTF-3' }));
    await send(adt({ ...discharge, controlId: 'NTF-3-RESENT' }));
    const admit = receivers.admit as Receiver;
    const transfer = receivers.transfer as Receiver;
    const discharged = receivers.discharge as Receiver;
    await waitFor(() => admit.events().length === 1 && transfer.events().length === 1 && discharged.events().length === 1, 'admit, transfer and discharge');
    await send(adt({ trigger: 'A13', controlId: 'NTF-13', eventTime: '20260402170000', admitTime: '20260401080000', location: 'WARD2^BED4^1^NORTHRIV', ...visit }));
    await waitFor(() => discharged.events().length === 2, 'the correction');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(admit.events()).toHaveLength(1);
    expect(transfer.events()).toHaveLength(1);
    expect(discharged.events().map((e) => eventNumbers(e.body)[0])).toEqual([1, 2]);
    const correction = parameter(discharged.events()[1]?.body as Bundle, 'notification-event');
    expect(correction?.extension?.[0]?.extension?.[0]).toEqual({ url: 'kind', valueCode: 'discharge-cancelled' });
  });
});
