/**
 * The life of a TCM episode over REST (DOMAIN.md §5; RELIABILITY.md cases 25, 28): replays create nothing
 * twice, a cancelled discharge (A13) cancels the open Tasks and a new discharge revives them, a readmission
 * suspends the running episode and the next discharge starts a new one.
 */
import type { Bundle, Encounter, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { ORG, type TcmWorld, V2_DISPOSITION, buildTcmWorld } from './tcm-world.ts';

const versions = (tasks: Task[]) => tasks.map((task) => `${task.id}@${task.meta?.versionId}`).sort();

describe.each(enginesUnderTest())('TCM episode lifecycle (%s)', (engine) => {
  let world: TcmWorld;

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
  });
  afterAll(async () => {
    await world?.close();
  });

  async function rosteredPatient(tag: string): Promise<string> {
    const patient = await world.createPatient(tag);
    await world.enrol(ORG.gp, patient);
    return patient;
  }

  it('ignores the same discharge seen again: a repeated update, an unrelated update, a replayed transaction', async () => {
    const patient = await rosteredPatient('9990001001');
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00');
    const discharged = await world.discharge(stay, '2026-06-12T15:00:00+01:00');
    const first = versions(await world.tcmTasks(patient));
    expect(first).toHaveLength(3);
    await world.write('hospital', discharged);
    await world.write('hospital', { ...discharged, meta: undefined, location: [{ location: { display: 'Ward 9' }, status: 'completed' }] });
    expect(versions(await world.tcmTasks(patient))).toEqual(first);

    // An A03-shaped transaction (PUT of the finished Encounter with a deterministic id) sent twice.
    const a03: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Encounter', id: 'enc-replay-a03', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: `Patient/${patient}` }, period: { start: '2026-07-01T08:00:00+01:00', end: '2026-07-03T12:00:00+01:00' }, hospitalization: { dischargeDisposition: { coding: [{ system: V2_DISPOSITION, code: '01' }] } } } as Encounter,
          request: { method: 'PUT', url: 'Encounter/enc-replay-a03' },
        },
      ],
    };
    for (let i = 0; i < 2; i++) expect((await world.fhir('hospital', '', jsonBody(a03))).status).toBe(200);
    const after = await world.tcmTasks(patient);
    expect(after.filter((task) => task.focus?.reference === 'Encounter/enc-replay-a03').map((task) => task.meta?.versionId)).toEqual(['1', '1', '1']);
  });

  it('cancels the open Tasks when the discharge is cancelled (A13) and revives them on the next discharge', async () => {
    const patient = await rosteredPatient('9990001002');
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00');
    const discharged = await world.discharge(stay, '2026-06-12T15:00:00+01:00');
    const reopened: Encounter = { ...discharged, status: 'in-progress', period: { start: discharged.period?.start as string } };
    delete reopened.hospitalization;
    await world.write('hospital', reopened);
    let tasks = await world.tasksOf(stay.id as string);
    for (const task of Object.values(tasks)) {
      expect(task.status).toBe('cancelled');
      expect(task.statusReason?.coding?.[0]?.code).toBe('discharge-cancelled');
    }
    await world.discharge(stay, '2026-06-15T10:00:00+01:00');
    tasks = await world.tasksOf(stay.id as string);
    for (const task of Object.values(tasks)) expect(task.status).toBe('requested');
    // Mon 15 June + 2 business days = Wed 17 June.
    expect(tasks.contact.restriction?.period?.end).toBe('2026-06-17T23:59:59.999+01:00');
    expect(await world.tcmTasks(patient)).toHaveLength(3);
  });

  it('cancels when a correction makes the discharge a death', async () => {
    const patient = await rosteredPatient('9990001003');
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00');
    const discharged = await world.discharge(stay, '2026-06-12T15:00:00+01:00');
    await world.write('hospital', { ...discharged, hospitalization: { dischargeDisposition: { coding: [{ system: V2_DISPOSITION, code: '20' }] } } });
    const { episode } = await world.tasksOf(stay.id as string);
    expect(episode.status).toBe('cancelled');
    expect(episode.statusReason?.coding?.[0]?.code).toBe('no-longer-qualifies');
  });

  it('suspends the running episode on readmission; the later discharge starts a new one', async () => {
    const patient = await rosteredPatient('9990001004');
    const first = await world.admit(patient, '2026-06-01T10:00:00+01:00');
    await world.discharge(first, '2026-06-05T12:00:00+01:00');
    const second = await world.admit(patient, '2026-06-10T22:00:00+01:00');
    const suspended = await world.tasksOf(first.id as string);
    for (const task of Object.values(suspended)) {
      expect(task.status).toBe('on-hold');
      expect(task.statusReason?.coding?.[0]?.code).toBe('readmitted');
    }
    await world.discharge(second, '2026-06-14T09:00:00+01:00');
    const next = await world.tasksOf(second.id as string);
    for (const task of Object.values(next)) expect(task.status).toBe('requested');
    // Sun 14 June → Tue 16 June.
    expect(next.contact.restriction?.period?.end).toBe('2026-06-16T23:59:59.999+01:00');
    expect((await world.tasksOf(first.id as string)).episode.status).toBe('on-hold');
    expect(await world.tcmTasks(patient)).toHaveLength(6);
  });

  it('suspends an episode whose discharge arrives after the readmission', async () => {
    const patient = await rosteredPatient('9990001005');
    const first = await world.admit(patient, '2026-06-01T10:00:00+01:00');
    await world.admit(patient, '2026-06-09T10:00:00+01:00');
    await world.discharge(first, '2026-06-05T12:00:00+01:00');
    const { episode, contact } = await world.tasksOf(first.id as string);
    expect(episode.status).toBe('on-hold');
    expect(contact.status).toBe('on-hold');
  });

  it('starts one episode for two records of the same stay', async () => {
    const patient = await rosteredPatient('9990001006');
    const one = await world.admit(patient, '2026-06-01T10:00:00+01:00');
    const other = await world.admit(patient, '2026-06-01T11:00:00+01:00');
    await world.discharge(one, '2026-06-05T12:00:00+01:00');
    await world.discharge(other, '2026-06-05T12:30:00+01:00');
    expect(await world.tcmTasks(patient)).toHaveLength(3);
  });
});
