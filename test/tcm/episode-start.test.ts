/**
 * A discharge written through REST starts a TCM episode for an attributed patient (DOMAIN.md §5): three Tasks
 * owned by the practice with the due dates of SPECS.md §b6, and a LACE RiskAssessment. Hand-computed values:
 * the stay of Mon 8 – Fri 12 June 2026 (England and Wales calendar, Europe/London, BST +01:00).
 */
import type { RiskAssessment, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { ACT, ORG, TASK_SYSTEM, type TcmWorld, buildTcmWorld } from './tcm-world.ts';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

function input(task: Task, code: string) {
  return task.input?.find((i) => i.type.coding?.some((c) => c.code === code));
}

describe.each(enginesUnderTest())('TCM episode from a discharge (%s)', (engine) => {
  let world: TcmWorld;

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('starts a high-complexity episode owned by the rostered practice, with LACE 13', async () => {
    const patient = await world.createPatient('9990000001');
    await world.enrol(ORG.gp, patient, { period: { start: '2026-01-01' } });
    const subject = { reference: `Patient/${patient}` };
    // C: heart failure (1) + renal disease (2) + diabetes without complications (1) = Charlson 4 → 5 points.
    for (const code of ['I50.9', 'N18.3', 'E11.9']) {
      await world.write('hospital', { resourceType: 'Condition', subject, code: { coding: [{ system: ICD10, code }] }, recordedDate: '2026-06-01' });
    }
    // E: one ED visit in the 6 months before the admission → 1 point.
    await world.write('hospital', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'EMER' }, subject, period: { start: '2026-04-02T10:00:00+01:00', end: '2026-04-02T14:00:00+01:00' } });
    // A: emergency admission (PV1-4 E → priority EM) → 3; L: 4 days → 4.
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00', { priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'EM' }] } });
    expect(await world.tcmTasks(patient)).toHaveLength(0);
    await world.discharge(stay, '2026-06-12T15:00:00+01:00');

    const { episode, contact, visit } = await world.tasksOf(stay.id as string);
    for (const task of [episode, contact, visit]) {
      expect(task.status).toBe('requested');
      expect(task.intent).toBe('plan');
      expect(task.owner?.reference).toBe(`Organization/${ORG.gp}`);
      expect(task.for?.reference).toBe(`Patient/${patient}`);
      expect(task.focus?.reference).toBe(`Encounter/${stay.id}`);
      expect(task.restriction?.period?.start).toBe('2026-06-12T15:00:00+01:00');
    }
    expect(contact.code?.coding?.[0]).toMatchObject({ system: TASK_SYSTEM, code: 'tcm-contact' });
    // Fri 12 June + 2 business days = Tue 16 June; high complexity: visit by day 7; episode: day + 29.
    expect(contact.restriction?.period?.end).toBe('2026-06-16T23:59:59.999+01:00');
    expect(visit.restriction?.period?.end).toBe('2026-06-19T23:59:59.999+01:00');
    expect(episode.restriction?.period?.end).toBe('2026-07-11T23:59:59.999+01:00');
    expect(visit.code?.coding?.map((c) => c.code)).toEqual(['tcm-visit', '99496']);
    expect(episode.code?.coding?.map((c) => c.code)).toEqual(['tcm-episode', '99496']);
    expect(contact.partOf?.[0]?.reference).toBe(`Task/${episode.id}`);
    expect(visit.partOf?.[0]?.reference).toBe(`Task/${episode.id}`);
    expect(input(episode, 'lace-score')?.valueInteger).toBe(13);
    expect(input(episode, 'complexity')?.valueCode).toBe('high');
    expect(input(episode, 'complexity-basis')?.valueCode).toBe('lace');

    const laceRef = input(episode, 'lace-assessment')?.valueReference?.reference as string;
    const assessment = await world.read<RiskAssessment>('RiskAssessment', laceRef.split('/')[1] as string);
    expect(assessment.subject.reference).toBe(`Patient/${patient}`);
    expect(assessment.encounter?.reference).toBe(`Encounter/${stay.id}`);
    expect(assessment.prediction?.[0]?.qualitativeRisk?.coding?.[0]?.code).toBe('high');
    expect(assessment.note?.[0]?.text).toContain('LACE 13 = L 4');
    expect((await world.tcmTasks(patient)).length).toBe(3);
    // The gateway's own writes are recorded like any other: a Provenance naming the Tasks, written by the gateway.
    const provenance = (await (await world.fhir('admin', `/Provenance?target=Task/${episode.id}`)).json()) as { entry?: { resource: { agent: { who: { display?: string } }[] } }[] };
    expect(provenance.entry?.[0]?.resource.agent[0]?.who.display).toBe('carebridge system');
  });

  it('starts a moderate episode (visit by day 14) for the registered practice of a patient on no roster', async () => {
    const patient = await world.createPatient('9990000002', { gp: ORG.gp2 });
    const stay = await world.admit(patient, '2026-06-10T09:00:00+01:00');
    await world.discharge(stay, '2026-06-12T11:00:00+01:00');
    const { episode, visit } = await world.tasksOf(stay.id as string);
    expect(episode.owner?.reference).toBe(`Organization/${ORG.gp2}`);
    expect(input(episode, 'lace-score')?.valueInteger).toBe(2);
    expect(input(visit, 'complexity')?.valueCode).toBe('moderate');
    expect(visit.restriction?.period?.end).toBe('2026-06-26T23:59:59.999+01:00');
    expect(visit.code?.coding?.map((c) => c.code)).toEqual(['tcm-visit', '99495']);
  });

  it('starts nothing for a patient attributed to no practice', async () => {
    const patient = await world.createPatient('9990000003');
    const stay = await world.admit(patient, '2026-06-10T09:00:00+01:00');
    await world.discharge(stay, '2026-06-12T11:00:00+01:00');
    expect(await world.tcmTasks(patient)).toHaveLength(0);
    const assessments = (await (await world.fhir('admin', `/RiskAssessment?patient=Patient/${patient}`)).json()) as { entry?: unknown[] };
    expect(assessments.entry ?? []).toHaveLength(0);
  });

  it.each([
    ['death', '20'],
    ['transfer to another acute hospital', '02'],
    ['discharge to a skilled-nursing facility', '03'],
  ])('starts nothing on %s', async (_what, disposition) => {
    const patient = await world.createPatient(`99900001${disposition}`);
    await world.enrol(ORG.gp, patient);
    const stay = await world.admit(patient, '2026-06-10T09:00:00+01:00');
    await world.discharge(stay, '2026-06-12T11:00:00+01:00', disposition);
    expect(await world.tcmTasks(patient)).toHaveLength(0);
  });

  it('does not attribute through a membership that has ended or is voided', async () => {
    const patient = await world.createPatient('9990000004');
    await world.enrol(ORG.gp, patient, { period: { start: '2025-01-01', end: '2026-05-31' } });
    await world.enrol(ORG.gp2, patient, { inactive: true });
    const stay = await world.admit(patient, '2026-06-10T09:00:00+01:00');
    await world.discharge(stay, '2026-06-12T11:00:00+01:00');
    expect(await world.tcmTasks(patient)).toHaveLength(0);
  });
});
