/**
 * TCM from the hospital feed (DOMAIN.md §4, §5; RELIABILITY.md cases 25, 28): an ADT^A03 through the HL7 v2
 * endpoint starts the episode for the practice named in PD1-3, a resent A03 creates nothing twice, an A13
 * cancels the open Tasks.
 */
import type { Bundle, Patient, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { adt } from '../support/hl7-messages.ts';

const TASK = 'https://carebridge.dev/fhir/CodeSystem/tcm-task';
const PD1 = 'PD1|||Practice Hl7^^^^^ODS^XX^^^Z99001';

describe.each(enginesUnderTest())('TCM from ADT messages (%s)', (engine) => {
  let t: TestApp;
  const send = async (message: string) => {
    const response = await fetch(`${t.baseUrl}/ingest/hl7v2`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'x-application/hl7-v2+er7' }, body: message });
    const ack = await response.text();
    expect(ack, ack).toMatch(/MSA\|AA/);
  };
  const tasks = async (patientId: string) => {
    const bundle = (await (await t.api(`/Task?patient=Patient/${patientId}&_count=50`)).json()) as Bundle<Task>;
    return (bundle.entry ?? []).map((e) => e.resource as Task).filter((task) => task.code?.coding?.some((c) => c.system === TASK));
  };
  const patientOf = async (mrn: string) => {
    const bundle = (await (await t.api(`/Patient?identifier=${mrn}`)).json()) as Bundle<Patient>;
    return bundle.entry?.[0]?.resource as Patient;
  };

  beforeAll(async () => {
    t = await startTestApp(engine, { MLLP_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('starts the episode for the PD1 practice; a resent A03 adds nothing; A13 cancels it', async () => {
    const base = { visit: 'V-TCM-1', mrn: 'M-TCM-1', extra: [PD1] };
    await send(adt({ ...base, trigger: 'A01', controlId: 'TCM-A01', eventTime: '20260608100000', admitTime: '20260608100000' }));
    const discharge = adt({ ...base, trigger: 'A03', controlId: 'TCM-A03', eventTime: '20260612150000', admitTime: '20260608100000', dischargeTime: '20260612150000', disposition: '01' });
    await send(discharge);
    const patient = await patientOf('M-TCM-1');
    const practice = patient.generalPractitioner?.find((gp) => gp.reference?.startsWith('Organization/'))?.reference;
    expect(practice).toBeDefined();
    const first = await tasks(patient.id as string);
    expect(first).toHaveLength(3);
    for (const task of first) {
      expect(task.owner?.reference).toBe(practice);
      expect(task.status).toBe('requested');
    }
    // PV1-4 E: an emergency admission (A 3), 4 days (L 4): LACE 7.
    const episode = first.find((task) => task.code?.coding?.[0]?.code === 'tcm-episode') as Task;
    expect(episode.input?.find((i) => i.type.coding?.[0]?.code === 'lace-score')?.valueInteger).toBe(7);

    await send(discharge);
    const again = await tasks(patient.id as string);
    expect(again.map((task) => `${task.id}@${task.meta?.versionId}`).sort()).toEqual(first.map((task) => `${task.id}@${task.meta?.versionId}`).sort());

    await send(adt({ ...base, trigger: 'A13', controlId: 'TCM-A13', eventTime: '20260612170000', admitTime: '20260608100000' }));
    for (const task of await tasks(patient.id as string)) {
      expect(task.status).toBe('cancelled');
      expect(task.statusReason?.coding?.[0]?.code).toBe('discharge-cancelled');
    }
  });

  it('starts nothing for a discharge of an unattributed patient, or a death', async () => {
    await send(adt({ trigger: 'A03', controlId: 'TCM-NOGP', eventTime: '20260612150000', visit: 'V-TCM-2', mrn: 'M-TCM-2', admitTime: '20260608100000', dischargeTime: '20260612150000', disposition: '01' }));
    await send(adt({ trigger: 'A03', controlId: 'TCM-DIED', eventTime: '20260612150000', visit: 'V-TCM-3', mrn: 'M-TCM-3', admitTime: '20260608100000', dischargeTime: '20260612150000', disposition: '20', extra: [PD1] }));
    expect(await tasks((await patientOf('M-TCM-2')).id as string)).toHaveLength(0);
    expect(await tasks((await patientOf('M-TCM-3')).id as string)).toHaveLength(0);
  });
});
