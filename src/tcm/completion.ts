/**
 * Completing TCM Tasks from evidence (DOMAIN.md §5; CMS MLN908628; FHIR R4 task.html#statemachine):
 * - a contact (a done Communication with the patient, or a phone/video/direct Encounter with the practice) on or
 *   after the discharge day completes the contact Task (`output` contact-evidence; late after the due date);
 * - two Communications with status `not-done` dated by the end of the contact due date satisfy it
 *   (`unsuccessful-attempts`); every attempt is an `unsuccessful-attempt` output;
 * - a face-to-face Encounter with the practice completes the visit Task (late after the due date);
 * - the episode Task is in progress once either is under way and completed when both are.
 * Only open Tasks change: evidence never touches a completed, cancelled or suspended (on-hold) Task.
 */
import type { Communication, Encounter, Task } from 'fhir/r4.js';
import { calendarDateOf } from './calendar-date.ts';
import { type Episode, dischargeOf, dueDayOf, isAfterDue } from './episode-book.ts';
import { type Evidence, byTime, evidenceOfCommunication, evidenceOfEncounter } from './evidence.ts';
import { findAll, referenceFilter, tokenFilter } from './find-all.ts';
import { OPEN_STATUSES, addOutput, businessStatus, idOfReference, outputsOf } from './task-codes.ts';
import type { TcmRun } from './tcm-run.ts';

function complete(task: Task, evidence: Evidence, code: string, display: string): void {
  task.status = 'completed';
  task.executionPeriod = { ...task.executionPeriod, end: evidence.instant };
  task.businessStatus = businessStatus(code, display);
  delete task.statusReason;
}

async function byPractice(run: TcmRun, episode: Episode, evidence: Evidence): Promise<boolean> {
  if (evidence.toPatient) return true;
  const owner = idOfReference(episode.tasks['tcm-episode'].owner, 'Organization', run.deps.baseUrl);
  if (owner === undefined) return false;
  for (const who of evidence.by) if (await run.directory.isOfPractice(who, owner)) return true;
  return false;
}

async function timelyAttempts(run: TcmRun, contact: Task): Promise<number> {
  let count = 0;
  for (const output of outputsOf(contact, 'unsuccessful-attempt')) {
    const id = idOfReference(output.valueReference, 'Communication', run.deps.baseUrl);
    const communication = id === undefined ? undefined : ((await run.store.find('Communication', id)) as Communication | undefined);
    const evidence = communication && evidenceOfCommunication(communication, `Patient/${run.patientId}`, run.deps.evidence);
    if (evidence?.outcome === 'attempt' && !isAfterDue(evidence.instant, contact)) count++;
  }
  return count;
}

async function applyToContact(run: TcmRun, contact: Task, evidence: Evidence): Promise<void> {
  const late = isAfterDue(evidence.instant, contact);
  if (evidence.outcome === 'done') {
    addOutput(contact, 'contact-evidence', { reference: evidence.reference });
    complete(contact, evidence, late ? 'contacted-late' : 'contacted', late ? 'Contacted after the due date' : 'Contacted');
    return;
  }
  if (!addOutput(contact, 'unsuccessful-attempt', { reference: evidence.reference })) return;
  if ((await timelyAttempts(run, contact)) >= run.deps.evidence.attemptsToSatisfy) {
    complete(contact, evidence, 'unsuccessful-attempts', 'Unsuccessful attempts documented in time');
  } else {
    contact.status = 'in-progress';
    contact.businessStatus = businessStatus('attempting', 'Unsuccessful attempt recorded');
  }
}

/**
 * Applies one piece of evidence to an episode. `before` (a day) ignores evidence from that day on: the episode
 * was suspended by a readmission then, and what follows belongs to the next episode.
 */
export async function applyEvidence(run: TcmRun, episode: Episode, evidence: Evidence, before?: string): Promise<void> {
  const discharge = dischargeOf(episode);
  const dischargeDay = calendarDateOf(discharge);
  if (evidence.day < dischargeDay || evidence.day > dueDayOf(episode.tasks['tcm-episode'])) return;
  if (before !== undefined && evidence.day >= before) return;
  const after = Date.parse(evidence.instant) >= Date.parse(discharge) || Number.isNaN(Date.parse(evidence.instant)) || Number.isNaN(Date.parse(discharge));
  if (!after) return;
  const contact = episode.tasks['tcm-contact'];
  const visit = episode.tasks['tcm-visit'];
  const wanted = (evidence.contact && OPEN_STATUSES.has(contact.status)) || (evidence.visit && evidence.outcome === 'done' && OPEN_STATUSES.has(visit.status));
  if (!wanted || !(await byPractice(run, episode, evidence))) return;
  if (evidence.contact && OPEN_STATUSES.has(contact.status)) await applyToContact(run, contact, evidence);
  if (evidence.visit && evidence.outcome === 'done' && OPEN_STATUSES.has(visit.status)) {
    const late = isAfterDue(evidence.instant, visit);
    addOutput(visit, 'visit-evidence', { reference: evidence.reference });
    complete(visit, evidence, late ? 'visited-late' : 'visited', late ? 'Seen after the due date' : 'Seen face to face');
  }
}

/** Every piece of evidence already stored for the patient, oldest first (for a new or restarted episode). */
export async function storedEvidence(run: TcmRun): Promise<Evidence[]> {
  const patientRef = `Patient/${run.patientId}`;
  const { evidence: table } = run.deps;
  const classCodes = [...new Set([...table.contactClasses, ...table.visitClasses].map((key) => key.split('|')[1] ?? ''))];
  const communications = await findAll<Communication>(run.store, 'Communication', [referenceFilter('subject', [patientRef])]);
  const encounters = await findAll<Encounter>(run.store, 'Encounter', [referenceFilter('patient', [patientRef]), tokenFilter('class', classCodes)]);
  return [
    ...communications.flatMap((c) => evidenceOfCommunication(c, patientRef, table) ?? []),
    ...encounters.flatMap((e) => evidenceOfEncounter(e, table) ?? []),
  ].sort(byTime);
}

/** Brings the episode Task in line with its contact and visit Tasks. */
export function rollUpEpisode(episode: Episode): void {
  const main = episode.tasks['tcm-episode'];
  if (!OPEN_STATUSES.has(main.status)) return;
  const parts = [episode.tasks['tcm-contact'], episode.tasks['tcm-visit']];
  if (parts.every((task) => task.status === 'completed')) {
    const ends = parts.map((task) => task.executionPeriod?.end).filter((end): end is string => end !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b));
    main.status = 'completed';
    main.businessStatus = businessStatus('completed', 'Contact and visit done');
    const last = ends.at(-1);
    if (last !== undefined) main.executionPeriod = { ...main.executionPeriod, end: last };
    return;
  }
  if (main.status !== 'in-progress' && parts.some((task) => task.status === 'completed' || task.status === 'in-progress')) {
    main.status = 'in-progress';
    main.businessStatus = businessStatus('in-progress', 'In progress');
  }
}
