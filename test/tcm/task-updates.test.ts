/**
 * The practice's updates to its TCM Tasks (FHIR R4 task.html): a complexity override moves the visit due date
 * (7 ↔ 14 days) and the CPT code; only the owner (or a care team whose roster covers the patient) may update;
 * what ties a Task to its discharge cannot change; TCM Tasks are not created or deleted through REST.
 */
import type { Encounter, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { ORG, type TcmWorld, buildTcmWorld } from './tcm-world.ts';

function withComplexity(task: Task, complexity: string): Task {
  return { ...task, input: (task.input ?? []).map((input) => (input.type.coding?.[0]?.code === 'complexity' ? { ...input, valueCode: complexity } : input)) };
}

const inputOf = (task: Task, code: string) => task.input?.find((i) => i.type.coding?.[0]?.code === code);

describe.each(enginesUnderTest())('TCM Task updates (%s)', (engine) => {
  let world: TcmWorld;
  let patient: string;
  let stay: Encounter;

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
    patient = await world.createPatient('9990003001');
    await world.enrol(ORG.gp, patient);
    await world.enrol(ORG.aco, patient, {}, 'aco');
    // Moderate (LACE 2): visit due Fri 12 June + 14 = Fri 26 June.
    stay = await world.admit(patient, '2026-06-10T09:00:00+01:00');
    await world.discharge(stay, '2026-06-12T11:00:00+01:00');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('records the ACO whose roster covers the patient as a care coordinator; the practice owns the Tasks', async () => {
    const { episode } = await world.tasksOf(stay.id as string);
    expect(episode.owner?.reference).toBe(`Organization/${ORG.gp}`);
    expect(inputOf(episode, 'care-coordinator')?.valueReference?.reference).toBe(`Organization/${ORG.aco}`);
  });

  it('a complexity override on the visit Task moves its due date to day 7 and the codes to 99496', async () => {
    const { visit } = await world.tasksOf(stay.id as string);
    expect(visit.restriction?.period?.end).toBe('2026-06-26T23:59:59.999+01:00');
    const response = await world.fhir('gp', `/Task/${visit.id}`, jsonBody(withComplexity(visit, 'high'), {}, 'PUT'));
    expect(response.status).toBe(200);
    const after = await world.tasksOf(stay.id as string);
    expect(after.visit.restriction?.period?.end).toBe('2026-06-19T23:59:59.999+01:00');
    expect(after.visit.code?.coding?.map((c) => c.code)).toEqual(['tcm-visit', '99496']);
    expect(after.episode.code?.coding?.map((c) => c.code)).toEqual(['tcm-episode', '99496']);
    for (const task of [after.visit, after.episode]) {
      expect(inputOf(task, 'complexity')?.valueCode).toBe('high');
      expect(inputOf(task, 'complexity-basis')?.valueCode).toBe('practice');
    }
    expect(after.contact.restriction?.period?.end).toBe('2026-06-16T23:59:59.999+01:00');
  });

  it('keeps the override when the discharge is corrected, and an override on the episode Task works back', async () => {
    const current = await world.read<Encounter>('Encounter', stay.id as string);
    await world.write('hospital', { ...current, period: { ...current.period, end: '2026-06-13T11:00:00+01:00' } });
    let { visit, episode } = await world.tasksOf(stay.id as string);
    expect(visit.restriction?.period?.end).toBe('2026-06-20T23:59:59.999+01:00');
    expect(await world.fhir('gp', `/Task/${episode.id}`, jsonBody(withComplexity(episode, 'moderate'), {}, 'PUT')).then((r) => r.status)).toBe(200);
    ({ visit } = await world.tasksOf(stay.id as string));
    expect(visit.restriction?.period?.end).toBe('2026-06-27T23:59:59.999+01:00');
  });

  it('refuses an invalid complexity', async () => {
    const { visit } = await world.tasksOf(stay.id as string);
    const response = await world.fhir('gp', `/Task/${visit.id}`, jsonBody(withComplexity(visit, 'extreme'), {}, 'PUT'));
    expect(response.status).toBe(422);
  });

  it('refuses another practice, allows a care team whose ACO roster covers the patient', async () => {
    const { contact } = await world.tasksOf(stay.id as string);
    const other = await world.fhir('gp2', `/Task/${contact.id}`, jsonBody({ ...contact, businessStatus: { text: 'not mine' } }, {}, 'PUT'));
    expect(other.status).toBe(403);
    const team = await world.fhir('team', `/Task/${contact.id}`, jsonBody({ ...contact, note: [{ text: 'Care team called the daughter' }] }, {}, 'PUT'));
    expect(team.status).toBe(200);
  });

  it('refuses changes to what ties the Task to its discharge', async () => {
    const { contact } = await world.tasksOf(stay.id as string);
    for (const change of [{ owner: { reference: `Organization/${ORG.gp2}` } }, { restriction: { period: { end: '2026-12-31' } } }, { for: { reference: 'Patient/someone-else' } }]) {
      const response = await world.fhir('gp', `/Task/${contact.id}`, jsonBody({ ...contact, ...change }, {}, 'PUT'));
      expect(response.status).toBe(422);
    }
  });

  it('refuses creating or deleting TCM Tasks through REST', async () => {
    const { contact } = await world.tasksOf(stay.id as string);
    const { id: _id, meta: _meta, ...copy } = contact;
    expect((await world.fhir('gp', '/Task', jsonBody(copy))).status).toBe(403);
    expect((await world.fhir('gp', `/Task/${contact.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await world.tasksOf(stay.id as string)).contact.status).not.toBe('entered-in-error');
  });
});
