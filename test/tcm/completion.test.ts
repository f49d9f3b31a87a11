/**
 * Completing TCM Tasks (DOMAIN.md §5; CMS MLN908628): a Communication completes the contact, two documented
 * unsuccessful attempts before the due date satisfy it, an ambulatory Encounter at the practice completes the
 * visit, and the episode completes with both. Discharge Fri 12 June 2026: contact due Tue 16 June.
 */
import type { Communication, Encounter, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { ACT, ORG, type TcmWorld, buildTcmWorld } from './tcm-world.ts';

const outputs = (task: Task, code: string) => (task.output ?? []).filter((o) => o.type.coding?.some((c) => c.code === code)).map((o) => o.valueReference?.reference);

describe.each(enginesUnderTest())('TCM Task completion (%s)', (engine) => {
  let world: TcmWorld;

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
  });
  afterAll(async () => {
    await world?.close();
  });

  async function discharged(tag: string): Promise<{ patient: string; stay: Encounter }> {
    const patient = await world.createPatient(tag);
    await world.enrol(ORG.gp, patient);
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00');
    await world.discharge(stay, '2026-06-12T15:00:00+01:00');
    return { patient, stay };
  }

  const communication = (patient: string, status: Communication['status'], sent: string): Communication => ({
    resourceType: 'Communication',
    status,
    subject: { reference: `Patient/${patient}` },
    sender: { reference: `Organization/${ORG.gp}` },
    recipient: [{ reference: `Patient/${patient}` }],
    sent,
    payload: [{ contentString: 'Post-discharge call' }],
  });

  const visit = (patient: string, start: string, provider: string = ORG.gp): Encounter => ({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: ACT, code: 'AMB' },
    subject: { reference: `Patient/${patient}` },
    serviceProvider: { reference: `Organization/${provider}` },
    period: { start, end: start },
  });

  it('a completed Communication from the practice completes the contact; the episode is then in progress', async () => {
    const { patient, stay } = await discharged('9990002001');
    const call = await world.write('gp', communication(patient, 'completed', '2026-06-15T10:00:00+01:00'));
    const { episode, contact, visit: visitTask } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('completed');
    expect(contact.businessStatus?.coding?.[0]?.code).toBe('contacted');
    expect(contact.executionPeriod?.end).toBe('2026-06-15T10:00:00+01:00');
    expect(outputs(contact, 'contact-evidence')).toEqual([`Communication/${call.id}`]);
    expect(visitTask.status).toBe('requested');
    expect(episode.status).toBe('in-progress');
  });

  it('a contact after the due date completes the contact as late', async () => {
    const { patient, stay } = await discharged('9990002002');
    await world.write('gp', communication(patient, 'completed', '2026-06-17T09:00:00+01:00'));
    const { contact } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('completed');
    expect(contact.businessStatus?.coding?.[0]?.code).toBe('contacted-late');
  });

  it('two documented unsuccessful attempts before the due date satisfy the contact', async () => {
    const { patient, stay } = await discharged('9990002003');
    const first = await world.write('gp', communication(patient, 'not-done', '2026-06-15T10:00:00+01:00'));
    let { contact } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('in-progress');
    expect(contact.businessStatus?.coding?.[0]?.code).toBe('attempting');
    const second = await world.write('gp', communication(patient, 'not-done', '2026-06-16T16:00:00+01:00'));
    ({ contact } = await world.tasksOf(stay.id as string));
    expect(contact.status).toBe('completed');
    expect(contact.businessStatus?.coding?.[0]?.code).toBe('unsuccessful-attempts');
    expect(outputs(contact, 'unsuccessful-attempt')).toEqual([`Communication/${first.id}`, `Communication/${second.id}`]);
  });

  it('an attempt after the due date does not satisfy the contact', async () => {
    const { patient, stay } = await discharged('9990002004');
    await world.write('gp', communication(patient, 'not-done', '2026-06-15T10:00:00+01:00'));
    await world.write('gp', communication(patient, 'not-done', '2026-06-17T10:00:00+01:00'));
    const { contact } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('in-progress');
    expect(outputs(contact, 'unsuccessful-attempt')).toHaveLength(2);
  });

  it('an ambulatory Encounter at the practice completes the visit (and counts as the contact); both done complete the episode', async () => {
    const { patient, stay } = await discharged('9990002005');
    const seen = await world.write('gp', visit(patient, '2026-06-16T10:00:00+01:00'));
    const { episode, contact, visit: visitTask } = await world.tasksOf(stay.id as string);
    expect(visitTask.status).toBe('completed');
    expect(visitTask.businessStatus?.coding?.[0]?.code).toBe('visited');
    expect(outputs(visitTask, 'visit-evidence')).toEqual([`Encounter/${seen.id}`]);
    expect(contact.status).toBe('completed');
    expect(episode.status).toBe('completed');
    expect(episode.executionPeriod?.end).toBe('2026-06-16T10:00:00+01:00');
  });

  it('an ambulatory Encounter elsewhere, or before the discharge, completes nothing', async () => {
    const { patient, stay } = await discharged('9990002006');
    await world.write('gp2', visit(patient, '2026-06-16T10:00:00+01:00', ORG.gp2));
    await world.write('gp', visit(patient, '2026-06-11T10:00:00+01:00'));
    const { contact, visit: visitTask } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('requested');
    expect(visitTask.status).toBe('requested');
  });

  it('evidence recorded before the discharge arrived is applied when the episode starts', async () => {
    const patient = await world.createPatient('9990002007');
    await world.enrol(ORG.gp, patient);
    const stay = await world.admit(patient, '2026-06-08T10:00:00+01:00');
    await world.write('gp', communication(patient, 'completed', '2026-06-13T10:00:00+01:00'));
    await world.discharge(stay, '2026-06-12T15:00:00+01:00');
    const { contact } = await world.tasksOf(stay.id as string);
    expect(contact.status).toBe('completed');
  });

  it('the practice may complete a Task itself through REST; the episode follows', async () => {
    const { stay } = await discharged('9990002008');
    const { contact, visit: visitTask } = await world.tasksOf(stay.id as string);
    expect((await world.write('gp', { ...contact, status: 'completed', note: [{ text: 'Spoke to daughter' }] })).status).toBe('completed');
    await world.write('gp', { ...visitTask, status: 'completed', businessStatus: { text: 'Seen at home' } });
    const after = await world.tasksOf(stay.id as string);
    expect(after.episode.status).toBe('completed');
    expect(after.contact.note?.[0]?.text).toBe('Spoke to daughter');
  });
});
