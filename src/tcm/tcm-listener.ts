/**
 * The TCM write listener: inside every write transaction, after its changes, it applies the episode rules
 * (DOMAIN.md §5) to the patients whose Encounters, Communications or TCM Tasks changed, and writes the Tasks and
 * RiskAssessments in the same transaction — so a discharge is never committed without its episode, nor an
 * episode without its discharge (RELIABILITY.md §7.2). Its writes join the transaction's change list, where the
 * notification stage (registered after it) sees them. They are recorded (Provenance, AuditEvent) as the
 * gateway's own, `system` / `tcm`.
 */
import type { Communication, Encounter, Patient, Reference, Task } from 'fhir/r4.js';
import type { ResourceChange, WriteActor, WriteListener } from '../store/fhir-store.ts';
import { applyEvidence, rollUpEpisode } from './completion.ts';
import { type PatientReader, applyEncounterChange, refreshEpisode } from './discharge-rules.ts';
import { lookUpEncounterClass } from './discharge-tables.ts';
import { loadEpisodeBook } from './episode-book.ts';
import { evidenceKindsOf } from './evidence-table.ts';
import { type Evidence, byTime, evidenceOfCommunication, evidenceOfEncounter } from './evidence.ts';
import { createPracticeDirectory } from './practice-directory.ts';
import { idOfReference } from './task-codes.ts';
import { complexityOverrideOf, guardTaskChange, isTcmTaskChange, recordOverride } from './task-updates.ts';
import type { TcmDeps, TcmRun } from './tcm-run.ts';

/**
 * True for the changes the TCM rules act on: stays (eligible classes) and contact/visit Encounters, Communications
 * that are a contact or an attempt, and TCM Tasks. Everything else is passed over without a read.
 */
function isRelevant(change: ResourceChange, deps: TcmDeps): boolean {
  if (change.resourceType === 'Encounter') {
    return [change.previous, change.current].some((version) => {
      const cls = (version as Encounter | undefined)?.class;
      const kinds = evidenceKindsOf(cls, deps.evidence);
      return version !== undefined && (lookUpEncounterClass(cls, deps.tables) !== undefined || kinds.contact || kinds.visit);
    });
  }
  if (change.resourceType === 'Communication') {
    const status = (change.current as Communication | undefined)?.status;
    return status !== undefined && (deps.evidence.communicationDone.has(status) || deps.evidence.communicationAttempt.has(status));
  }
  return isTcmTaskChange(change);
}

/** The patient a change belongs to, for the changes the TCM rules act on; undefined for any other change. */
function patientOf(change: ResourceChange, deps: TcmDeps): string | undefined {
  const resource = change.current ?? change.previous;
  if (!resource || !isRelevant(change, deps)) return undefined;
  const baseUrl = deps.baseUrl;
  let subject: Reference | undefined;
  if (change.resourceType === 'Encounter') subject = (resource as Encounter).subject;
  else if (change.resourceType === 'Communication') subject = (resource as Communication).subject;
  else if (isTcmTaskChange(change)) subject = (resource as Task).for;
  return idOfReference(subject, 'Patient', baseUrl);
}

/** Evidence a change brings: a new or newly counting Communication or Encounter. */
function newEvidence(change: ResourceChange, patientRef: string, deps: TcmDeps): Evidence[] {
  const table = deps.evidence;
  if (change.resourceType === 'Communication' && change.current) {
    const previous = change.previous as Communication | undefined;
    if (previous && previous.status === (change.current as Communication).status) return [];
    return [evidenceOfCommunication(change.current as Communication, patientRef, table) ?? []].flat();
  }
  if (change.resourceType === 'Encounter' && change.current) {
    const found = evidenceOfEncounter(change.current as Encounter, table);
    const before = change.previous ? evidenceOfEncounter(change.previous as Encounter, table) : undefined;
    return found && !(before && before.instant === found.instant) ? [found] : [];
  }
  return [];
}

function admissionOf(change: ResourceChange): string {
  const encounter = (change.current ?? change.previous) as Encounter;
  return encounter.period?.start ?? encounter.period?.end ?? '';
}

async function processPatient(run: TcmRun, changes: ResourceChange[], patient: PatientReader, actor: WriteActor | undefined): Promise<void> {
  const tasks = changes.filter(isTcmTaskChange);
  for (const change of tasks) await guardTaskChange(run, change, actor);
  const encounters = changes.filter((change) => change.resourceType === 'Encounter').sort((a, b) => admissionOf(a).localeCompare(admissionOf(b)));
  for (const change of encounters) await applyEncounterChange(run, change, patient);
  const evidence = changes.flatMap((change) => newEvidence(change, `Patient/${run.patientId}`, run.deps)).sort(byTime);
  for (const item of evidence) for (const episode of run.book.all()) await applyEvidence(run, episode, item);
  for (const change of tasks) {
    const override = complexityOverrideOf(change);
    const episode = override && run.book.get(override.encounterId);
    if (!override || !episode) continue;
    recordOverride(episode.tasks['tcm-episode'], override.complexity);
    recordOverride(episode.tasks['tcm-visit'], override.complexity);
    await refreshEpisode(run, override.encounterId, patient);
  }
  for (const episode of run.book.all()) rollUpEpisode(episode);
  await run.book.flush(run.store, run.now);
}

/**
 * Builds the listener. `recorder` records the listener's own writes (the gateway's write recorder: it ran
 * before this listener, so it has not seen them).
 */
export function createTcmListener(deps: TcmDeps, recorder: WriteListener): WriteListener {
  return {
    async beforeCommit(tx, changes, store, actor) {
      const first = changes.length;
      const byPatient = new Map<string, ResourceChange[]>();
      for (const change of changes.slice(0, first)) {
        const patientId = patientOf(change, deps);
        if (patientId !== undefined) byPatient.set(patientId, [...(byPatient.get(patientId) ?? []), change]);
      }
      if (byPatient.size === 0) return;
      const writer = store.as({ channel: 'system', activity: 'tcm', ...(actor?.requestId ? { requestId: actor.requestId } : {}) });
      const directory = createPracticeDirectory(writer, deps.baseUrl);
      const now = deps.clock.now().toISOString();
      for (const patientId of [...byPatient.keys()].sort()) {
        await writer.lock(`tcm:patient:${patientId}`);
        // Read only when a rule needs it (a discharge that starts an episode), at most once.
        let patient: Promise<Patient | undefined> | undefined;
        const readPatient = () => (patient ??= writer.find('Patient', patientId).then((found) => found as Patient | undefined));
        const book = await loadEpisodeBook(writer, patientId, deps.baseUrl);
        await processPatient({ deps, store: writer, directory, now, patientId, book }, byPatient.get(patientId) ?? [], readPatient, actor);
      }
      const mine = changes.slice(first);
      if (mine.length > 0) await recorder.beforeCommit?.(tx, mine, writer, writer.actor);
    },
  };
}
