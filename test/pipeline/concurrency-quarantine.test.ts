/**
 * Two connections sending for the same visit at the same time are serialised (RELIABILITY.md case 32), and
 * the quarantine is listable and replayable over HTTP by whoever may manage the message (§4 invariant 4).
 */
import type { Bundle, Encounter } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { adt } from '../support/hl7-messages.ts';
import { connectMllp, hl7Field } from '../support/mllp.ts';

describe.each(enginesUnderTest())('concurrency and quarantine on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  it('serialises an admit and a discharge for one visit sent at once on two connections', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([connectMllp(t.mllpPort), connectMllp(t.mllpPort)]);
      const visit = `V-CONC-${round}`;
      const admit = adt({ trigger: 'A01', controlId: `CONC-A-${round}`, eventTime: '20260405080000', visit, mrn: `M-CONC-${round}` });
      const discharge = adt({ trigger: 'A03', controlId: `CONC-D-${round}`, eventTime: '20260405160000', visit, mrn: `M-CONC-${round}`, admitTime: '20260405080000', dischargeTime: '20260405160000', disposition: '01' });
      const [ackA, ackD] = await Promise.all([a.send(admit), b.send(discharge)]);
      expect([hl7Field(ackA[0] as string, 'MSA', 1), hl7Field(ackD[0] as string, 'MSA', 1)]).toEqual(['AA', 'AA']);
      a.close();
      b.close();
      const found = ((await (await t.api(`/Encounter?identifier=${visit}`)).json()) as Bundle).entry?.map((e) => e.resource as Encounter) ?? [];
      expect(found).toHaveLength(1);
      expect(found[0]?.status).toBe('finished');
      expect(found[0]?.period?.end).toBeDefined();
      const patients = ((await (await t.api(`/Patient?identifier=M-CONC-${round}`)).json()) as Bundle).entry ?? [];
      expect(patients).toHaveLength(1);
    }
  });

  it('lists quarantined messages to their sender and administrators, and replays them', async () => {
    const hospital = await registerClient(t.app, { organizationKind: 'hospital', scopes: 'system/*.cruds' });
    const other = await registerClient(t.app, { organizationKind: 'hospital', scopes: 'system/*.cruds' });
    const headers = async (client: typeof hospital) => ({ authorization: `Bearer ${await tokenFor(t.baseUrl, client)}`, 'content-type': 'x-application/hl7-v2+er7' });
    const bad = adt({ trigger: 'A01', controlId: 'Q-1', eventTime: '20260406080000', visit: 'V-Q' }).replace(/PID\|1\|\|[^|]*\|/, 'PID|1|||');
    const response = await fetch(`${t.baseUrl}/ingest/hl7v2`, { method: 'POST', headers: await headers(hospital), body: bad });
    expect(hl7Field(await response.text(), 'MSA', 1)).toBe('AE');
    const listed = (await (await fetch(`${t.baseUrl}/ingest/hl7v2/quarantine`, { headers: await headers(hospital) })).json()) as { id: number; controlId: string; reason: string }[];
    const entry = listed.find((row) => row.controlId === 'Q-1');
    expect(entry?.reason).toMatch(/MAP-REQUIRED-MISSING/);
    expect(JSON.stringify(listed)).not.toContain('Testperson');
    const foreign = (await (await fetch(`${t.baseUrl}/ingest/hl7v2/quarantine`, { headers: await headers(other) })).json()) as unknown[];
    expect(foreign).toEqual([]);
    expect((await fetch(`${t.baseUrl}/ingest/hl7v2/quarantine/${entry?.id}/$replay`, { method: 'POST', headers: await headers(other) })).status).toBe(404);
    const replayed = await fetch(`${t.baseUrl}/ingest/hl7v2/quarantine/${entry?.id}/$replay`, { method: 'POST', headers: await headers(hospital) });
    expect(hl7Field(await replayed.text(), 'MSA', 1)).toBe('AE');
    const admin = (await (await fetch(`${t.baseUrl}/ingest/hl7v2/quarantine`, { headers: { authorization: `Bearer ${t.token}` } })).json()) as { controlId: string }[];
    expect(admin.map((row) => row.controlId)).toContain('Q-1');
  });
});
