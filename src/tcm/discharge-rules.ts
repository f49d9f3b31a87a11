/**
 * What an Encounter change does to TCM episodes (DOMAIN.md §5, §4; RELIABILITY.md cases 25, 27, 28):
 * - a new inpatient admission starting within a running episode suspends it (its open Tasks go `on-hold`);
 * - a qualifying discharge (`classifyDischarge`) of an attributed patient starts an episode, or brings an
 *   existing one in line when the discharge day changed or a cancelled discharge is discharged again;
 * - a discharge that stops qualifying (A13 reopens the Encounter, the disposition is corrected to death …)
 *   cancels the episode's open Tasks.
 * The same discharge seen again (a resent A03, an update that keeps the status and discharge day) does nothing.
 */
import type { Encounter, Organization, Patient, Task } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { ResourceChange } from '../store/fhir-store.ts';
import { attributePatient, dayBound } from './attribution.ts';
import { calendarDateOf } from './calendar-date.ts';
import { applyEvidence, rollUpEpisode, storedEvidence } from './completion.ts';
import { computeTcmDeadlines } from './deadlines.ts';
import { lookUpEncounterClass } from './discharge-tables.ts';
import { classifyDischarge } from './eligibility.ts';
import { type Episode, dischargeOf, dueDayOf, isLive } from './episode-book.ts';
import { buildEpisodeTask, applyDerivedFields, effectiveComplexity } from './episode-tasks.ts';
import { findAll, referenceFilter } from './find-all.ts';
import { assessLaceAtDischarge } from './lace-at-discharge.ts';
import { OPEN_STATUSES, TASK_KINDS, idOfReference, inputsOf, statusReason, statusReasonCodeOf } from './task-codes.ts';
import type { TcmRun } from './tcm-run.ts';
import { offsetsIn, timeZoneOf } from './time-zone.ts';

const ACTIVE_STAY = new Set(['arrived', 'triaged', 'in-progress', 'onleave', 'finished']);
const OURS = new Set(['discharge-cancelled', 'no-longer-qualifies']);

/** An inpatient (or observation) stay that has begun: the kind of Encounter whose start is a (re)admission. */
function isStay(run: TcmRun, encounter: Encounter | undefined): encounter is Encounter {
  return encounter !== undefined && ACTIVE_STAY.has(encounter.status) && encounter.period?.start !== undefined && lookUpEncounterClass(encounter.class, run.deps.tables) !== undefined;
}

/** Suspends (on-hold) the open Tasks of the episodes an admission starting at `start` falls within. */
export function suspendForReadmission(run: TcmRun, admission: Encounter): void {
  const start = admission.period?.start ?? '';
  const day = dayBound(start, 'start');
  for (const episode of run.book.all()) {
    if (episode.encounterId === admission.id) continue;
    const discharge = dischargeOf(episode);
    if (day < calendarDateOf(discharge) || day > dueDayOf(episode.tasks['tcm-episode'])) continue;
    if (Date.parse(start) < Date.parse(discharge)) continue;
    suspend(episode, day);
  }
}

/** Puts the episode's open Tasks on hold, readmitted on `day` (after rolling up what is already done). */
function suspend(episode: Episode, day: string): void {
  rollUpEpisode(episode);
  for (const kind of TASK_KINDS) {
    const task = episode.tasks[kind];
    if (!OPEN_STATUSES.has(task.status)) continue;
    task.status = 'on-hold';
    task.statusReason = statusReason('readmitted', `Readmitted on ${day}: the episode is suspended; the next discharge starts a new one`);
  }
}

/** Cancels the episode's open (and suspended) Tasks. */
function cancelEpisode(episode: Episode, code: 'discharge-cancelled' | 'no-longer-qualifies', text: string): boolean {
  let changed = false;
  for (const kind of TASK_KINDS) {
    const task = episode.tasks[kind];
    if (!OPEN_STATUSES.has(task.status) && task.status !== 'on-hold') continue;
    task.status = 'cancelled';
    task.statusReason = statusReason(code, text);
    changed = true;
  }
  return changed;
}

/** Another episode of the patient whose discharge falls within this stay: the same stay seen twice. */
function overlapping(run: TcmRun, encounter: Encounter, dischargeDay: string): Episode | undefined {
  const admissionDay = dayBound(encounter.period?.start ?? encounter.period?.end ?? '', 'start');
  return run.book.all().find((episode) => {
    if (episode.encounterId === encounter.id || !isLive(episode)) return false;
    const other = calendarDateOf(dischargeOf(episode));
    return other >= admissionDay && other <= dischargeDay;
  });
}

/** The first later admission within the episode's window, stored already (a discharge that arrived late). */
async function laterAdmissionDay(run: TcmRun, episode: Episode): Promise<string | undefined> {
  const discharge = dischargeOf(episode);
  const stays = await findAll<Encounter>(run.store, 'Encounter', [referenceFilter('patient', [`Patient/${run.patientId}`])]);
  const days = stays
    .filter((stay) => stay.id !== episode.encounterId && isStay(run, stay) && Date.parse(stay.period?.start ?? '') >= Date.parse(discharge))
    .map((stay) => dayBound(stay.period?.start ?? '', 'start'))
    .filter((day) => day >= calendarDateOf(discharge) && day <= dueDayOf(episode.tasks['tcm-episode']))
    .sort();
  return days[0];
}

/** Starts the episode of a qualifying discharge, or refreshes the existing one; returns what happened. */
async function ensureEpisode(run: TcmRun, encounter: Encounter, patient: Patient): Promise<'episode-started' | 'episode-updated' | 'not-attributed' | 'overlapping-stay'> {
  const { deps } = run;
  const encounterId = encounter.id ?? '';
  const dischargeDay = calendarDateOf(encounter.period?.end ?? '');
  const existing = run.book.get(encounterId);
  if (!existing && overlapping(run, encounter, dischargeDay)) return 'overlapping-stay';
  const attribution = existing ? undefined : await attributePatient(run.store, patient, dischargeDay, deps.baseUrl);
  const owner = existing?.tasks['tcm-episode'].owner ?? attribution?.owner;
  if (owner === undefined) return 'not-attributed';
  const ownerId = idOfReference(owner, 'Organization', deps.baseUrl) ?? '';
  const practice = (await run.store.find('Organization', ownerId)) as Organization | undefined;
  const { lace, assessment } = await assessLaceAtDischarge(run.store, encounter, run.patientId, deps.charlson);
  const { complexity, basis } = effectiveComplexity(existing?.tasks['tcm-episode'], lace.complexity);
  const deadlines = computeTcmDeadlines({ dischargeDate: encounter.period?.end ?? '', complexity, calendar: deps.calendar, endOfDayOffset: offsetsIn(timeZoneOf(practice, deps.timeZone)) });
  const coordinators = existing ? inputsOf(existing.tasks['tcm-episode'], 'care-coordinator').flatMap((input) => input.valueReference ?? []) : (attribution?.coordinators ?? []);
  const facts = { encounter, patientId: run.patientId, owner, coordinators, deadlines, laceTotal: lace.total, laceAssessment: { reference: `RiskAssessment/${assessment.id}` }, complexityBasis: basis, now: run.now };
  const revived = existing !== undefined && TASK_KINDS.map((kind) => revive(existing.tasks[kind])).includes(true);
  const episode: Episode = existing ?? { encounterId, tasks: { 'tcm-episode': buildEpisodeTask('tcm-episode', facts), 'tcm-contact': buildEpisodeTask('tcm-contact', facts), 'tcm-visit': buildEpisodeTask('tcm-visit', facts) } };
  if (existing) for (const kind of TASK_KINDS) applyDerivedFields(existing.tasks[kind], kind, facts);
  run.book.put(episode);
  run.book.putAssessment(assessment);
  if (!existing || revived) await reconcile(run, episode);
  return existing ? 'episode-updated' : 'episode-started';
}

/** A Task the gateway cancelled when the discharge stopped qualifying is requested again. */
function revive(task: Task): boolean {
  if (task.status !== 'cancelled' || !OURS.has(statusReasonCodeOf(task) ?? '')) return false;
  task.status = 'requested';
  delete task.statusReason;
  return true;
}

/** Suspends a new episode already followed by a readmission, and applies the evidence stored before it. */
async function reconcile(run: TcmRun, episode: Episode): Promise<void> {
  const readmitted = await laterAdmissionDay(run, episode);
  for (const evidence of await storedEvidence(run)) await applyEvidence(run, episode, evidence, readmitted);
  if (readmitted !== undefined) suspend(episode, readmitted);
}

/** Reads the patient's Patient (undefined when it is not stored), when a rule needs it. */
export type PatientReader = () => Promise<Patient | undefined>;

/** Applies one Encounter change of the patient. */
export async function applyEncounterChange(run: TcmRun, change: ResourceChange, readPatient: PatientReader): Promise<void> {
  const { deps } = run;
  const previous = change.previous as Encounter | undefined;
  const current = change.current as Encounter | undefined;
  if (isStay(run, current) && !(isStay(run, previous) && previous.period?.start === current.period?.start)) suspendForReadmission(run, current);
  const before = previous ? classifyDischarge(previous, deps.tables) : undefined;
  const after = current ? classifyDischarge(current, deps.tables) : undefined;
  const encounterId = change.id;
  if (current && after?.qualifies) {
    const same = before?.qualifies === true && before.dischargeDate === after.dischargeDate && previous?.period?.end === current.period?.end;
    if (same) return;
    const patient = await readPatient();
    if (!patient) return;
    try {
      const outcome = await ensureEpisode(run, current, patient);
      deps.discharges.inc({ outcome });
      deps.logger.debug({ encounter: encounterId, outcome }, 'tcm discharge');
    } catch (error) {
      if (!(error instanceof GatewayError) || !['TCM-CALENDAR-RANGE', 'TCM-INVALID-DATE'].includes(error.code)) throw error;
      deps.discharges.inc({ outcome: error.code === 'TCM-CALENDAR-RANGE' ? 'calendar-range' : 'unreadable-dates' });
      deps.logger.warn({ encounter: encounterId, code: error.code }, 'discharge not given a TCM episode');
    }
    return;
  }
  const episode = run.book.get(encounterId);
  if (!episode) return;
  const reopened = current === undefined || current.status !== 'finished';
  const text = reopened ? 'The discharge was cancelled (the encounter is no longer finished)' : `The discharge no longer qualifies for TCM (${after?.reason ?? 'unknown'})`;
  if (cancelEpisode(episode, reopened ? 'discharge-cancelled' : 'no-longer-qualifies', text)) deps.discharges.inc({ outcome: 'episode-cancelled' });
}

/** Re-derives an existing episode (due dates, codes) after the practice overrode its complexity. */
export async function refreshEpisode(run: TcmRun, encounterId: string, readPatient: PatientReader): Promise<void> {
  const encounter = (await run.store.find('Encounter', encounterId)) as Encounter | undefined;
  if (!encounter || !run.book.get(encounterId) || !classifyDischarge(encounter, run.deps.tables).qualifies) return;
  const patient = await readPatient();
  if (patient) await ensureEpisode(run, encounter, patient);
}
