/**
 * One patient's TCM episodes while a write is processed: loaded once from the transaction's store, changed in
 * memory by the episode rules, and written back once at the end (each Task at most one new version per
 * transaction, none when nothing changed). An episode is the three Tasks named after its discharge Encounter.
 */
import type { Resource, RiskAssessment, Task } from 'fhir/r4.js';
import { jsonEqual } from '../shared/json.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { taskIdOf } from './episode-ids.ts';
import { findAll, referenceFilter, tokenFilter } from './find-all.ts';
import { OPEN_STATUSES, TASK_KINDS, TASK_SYSTEM, type TaskKind, idOfReference } from './task-codes.ts';

/** An episode: its discharge and its three Tasks. */
export interface Episode {
  encounterId: string;
  tasks: Record<TaskKind, Task>;
}

/** The episodes of one patient, with what changed since they were loaded. */
export interface EpisodeBook {
  readonly patientId: string;
  all(): Episode[];
  get(encounterId: string): Episode | undefined;
  put(episode: Episode): void;
  putAssessment(assessment: RiskAssessment): void;
  /** Writes the Tasks and assessments that changed (Tasks get `lastModified` = now); returns how many. */
  flush(store: FhirStore, now: string): Promise<number>;
}

/** The discharge dateTime of an episode (its Tasks' `restriction.period.start`). */
export function dischargeOf(episode: Episode): string {
  return episode.tasks['tcm-episode'].restriction?.period?.start ?? '';
}

/** The local due day of a Task (`restriction.period.end` is written in the practice's offset). */
export function dueDayOf(task: Task): string {
  return (task.restriction?.period?.end ?? '').slice(0, 10);
}

/**
 * True when something done at `instant` missed the Task's due date: compared as instants (the due date ends at
 * 23:59:59.999 in the practice's zone), or as written days when either value is not a full dateTime.
 */
export function isAfterDue(instant: string, task: Task): boolean {
  const due = task.restriction?.period?.end ?? '';
  const [done, limit] = [Date.parse(instant), Date.parse(due)];
  if (Number.isNaN(done) || Number.isNaN(limit) || instant.length <= 10) return instant.slice(0, 10) > due.slice(0, 10);
  return done > limit;
}

/** True when any Task of the episode is still to be done. */
export function isOpen(episode: Episode): boolean {
  return TASK_KINDS.some((kind) => OPEN_STATUSES.has(episode.tasks[kind].status));
}

/** True when the episode has not been cancelled as a whole. */
export function isLive(episode: Episode): boolean {
  const status = episode.tasks['tcm-episode'].status;
  return status !== 'cancelled' && status !== 'entered-in-error' && status !== 'rejected';
}

function withoutStamp(task: Resource): Resource {
  const { meta: _meta, ...rest } = task as Task;
  const { lastModified: _lastModified, ...content } = rest;
  return content as Resource;
}

/** Loads the patient's episodes (every episode Task `for` the patient, and its contact and visit Tasks). */
export async function loadEpisodeBook(store: FhirStore, patientId: string, baseUrl: string): Promise<EpisodeBook> {
  const episodeTasks = await findAll<Task>(store, 'Task', [referenceFilter('patient', [`Patient/${patientId}`]), tokenFilter('code', [`${TASK_SYSTEM}|tcm-episode`])]);
  const episodes = new Map<string, Episode>();
  const loaded = new Map<string, Resource>();
  for (const task of episodeTasks) {
    const encounterId = idOfReference(task.focus, 'Encounter', baseUrl);
    if (encounterId === undefined) continue;
    const contact = (await store.find('Task', taskIdOf(encounterId, 'tcm-contact'))) as Task | undefined;
    const visit = (await store.find('Task', taskIdOf(encounterId, 'tcm-visit'))) as Task | undefined;
    if (!contact || !visit) continue;
    const episode: Episode = { encounterId, tasks: { 'tcm-episode': task, 'tcm-contact': contact, 'tcm-visit': visit } };
    for (const kind of TASK_KINDS) loaded.set(`Task/${episode.tasks[kind].id}`, structuredClone(episode.tasks[kind]));
    episodes.set(encounterId, episode);
  }
  const assessments = new Map<string, RiskAssessment>();
  return {
    patientId,
    all: () => [...episodes.values()],
    get: (encounterId) => episodes.get(encounterId),
    put: (episode) => void episodes.set(episode.encounterId, episode),
    putAssessment: (assessment) => void assessments.set(assessment.id ?? '', assessment),
    async flush(writer, now) {
      let written = 0;
      for (const assessment of assessments.values()) if ((await writer.update(assessment)).changed) written++;
      for (const episode of episodes.values()) {
        for (const kind of TASK_KINDS) {
          const task = episode.tasks[kind];
          const before = loaded.get(`Task/${task.id}`);
          if (before && jsonEqual(withoutStamp(before), withoutStamp(task))) continue;
          const result = await writer.update({ ...task, lastModified: now });
          episode.tasks[kind] = result.resource;
          loaded.set(`Task/${task.id}`, structuredClone(result.resource));
          if (result.changed) written++;
        }
      }
      assessments.clear();
      return written;
    },
  };
}
