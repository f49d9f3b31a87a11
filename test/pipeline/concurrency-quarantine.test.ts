/**
 * Two connections sending for the same visit at the same time are serialised (RELIABILITY.md case 32);
 * different patients' messages run side by side without queueing on the reference data they share; and
 * the quarantine is listable and replayable over HTTP by whoever may manage the message (§4 invariant 4).
 */
import type { Bundle, Encounter, Location } from 'fhir/r4.js';
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

  it('stores one new bed named at once by several patients\' first messages, and acknowledges them all', async () => {
    for (let round = 0; round < 3; round++) {
      const ward = `NEWWARD${round}`;
      const connections = await Promise.all([0, 1, 2, 3].map(() => connectMllp(t.mllpPort)));
      const acks = await Promise.all(connections.map((connection, i) => connection.send(adt({
        trigger: 'A01', controlId: `WARD-${round}-${i}`, eventTime: '20260407080000', visit: `V-WARD-${round}-${i}`, mrn: `M-WARD-${round}-${i}`, location: `${ward}^ROOM1^BED1^NORTHRIV`,
      }))));
      for (const connection of connections) connection.close();
      expect(acks.map((ack) => hl7Field(ack[0] as string, 'MSA', 1))).toEqual(['AA', 'AA', 'AA', 'AA']);
      const wards = (((await (await t.api(`/Location?name=${ward}`)).json()) as Bundle).entry ?? []).map((e) => e.resource as Location);
      expect(wards.map((w) => w.name)).toEqual([`${ward} ROOM1 BED1`]);
      const encounters = (((await (await t.api(`/Encounter?identifier=V-WARD-${round}-0,V-WARD-${round}-1,V-WARD-${round}-2,V-WARD-${round}-3`)).json()) as Bundle).entry ?? []);
      expect(encounters).toHaveLength(4);
    }
  });

  it.runIf(engine === 'postgres')('does not hold a patient\'s message behind another transaction that has the shared bed locked', async () => {
    const first = await connectMllp(t.mllpPort);
    const opening = adt({ trigger: 'A01', controlId: 'LOCKED-1', eventTime: '20260408080000', visit: 'V-LOCKED-1', mrn: 'M-LOCKED-1', location: 'LOCKWARD^ROOM1^BED1^NORTHRIV' });
    expect(hl7Field((await first.send(opening))[0] as string, 'MSA', 1)).toBe('AA');
    first.close();
    const encounter = (((await (await t.api('/Encounter?identifier=V-LOCKED-1')).json()) as Bundle).entry?.[0]?.resource) as Encounter;
    const wardRef = encounter.location?.map((l) => l.location.reference ?? '').find((r) => r.startsWith('Location/'));
    expect(wardRef).toBeDefined();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.database.db.transaction(async (tx) => {
      const id = wardRef?.split('/')[1] ?? '';
      // The resource row and its HL7 ordering-state row, as a transaction changing that bed would hold them.
      await tx.query(`select rid from resource where resource_type = 'Location' and id = $1 for update`, [id]);
      expect(await tx.query(`select 1 from hl7_resource_state where resource_type = 'Location' and id = $1 for update`, [id])).toHaveLength(1);
      locked();
      await held;
    });
    await isLocked;
    try {
      const second = await connectMllp(t.mllpPort);
      const other = adt({ trigger: 'A01', controlId: 'LOCKED-2', eventTime: '20260408090000', visit: 'V-LOCKED-2', mrn: 'M-LOCKED-2', location: 'LOCKWARD^ROOM1^BED1^NORTHRIV' });
      const answered = await Promise.race([second.send(other).then((ack) => hl7Field(ack[0] as string, 'MSA', 1)), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000))]);
      second.close();
      expect(answered).toBe('AA');
    } finally {
      release();
      await holder;
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
