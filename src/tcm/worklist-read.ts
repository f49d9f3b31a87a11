/**
 * Reading a TCM worklist for a caller (DOMAIN.md §5): the episodes owned by the practice asked for, limited to
 * the patients the caller's rosters cover when the caller is not that practice (an ACO or its care team), read
 * through the caller's consent- and scope-gated store. An episode whose patient, discharge Encounter or Tasks
 * are withheld is left out entirely; a withheld RiskAssessment only blanks LACE.
 */
import type { Encounter, Group, Organization, Patient, Resource, RiskAssessment, Task } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { isCoordinatorRoster, isMemberDuring } from './attribution.ts';
import type { Episode } from './episode-book.ts';
import { laceIdOf, taskIdOf } from './episode-ids.ts';
import { findAll, findAllIn, idFilter, referenceFilter, tokenFilter } from './find-all.ts';
import { createPracticeDirectory } from './practice-directory.ts';
import { type TaskKind, TASK_SYSTEM, idOfReference } from './task-codes.ts';
import { type RowStatus, type WorklistRow, buildRow } from './worklist.ts';

const TASK_STATUSES: Record<RowStatus, readonly string[]> = {
  open: ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress'],
  overdue: ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress'],
  suspended: ['on-hold'],
  completed: ['completed'],
  cancelled: ['cancelled', 'entered-in-error', 'rejected', 'failed'],
};

export interface WorklistRequest {
  callerOrg: string;
  /** The practice asked for; undefined: the caller's own episodes and those of the patients its rosters cover. */
  practice?: string;
  statuses: ReadonlySet<RowStatus>;
  now: Date;
  baseUrl: string;
}

/** A row and the resources it shows (for the audit record). */
export interface WorklistEntry {
  row: WorklistRow;
  shown: Resource[];
}

/**
 * The patients on ACO or care-team rosters managed by `orgIds`, members today. Rosters are the caller's own
 * lists: read ungated.
 */
async function coveredPatients(store: FhirStore, orgIds: readonly string[], today: string, baseUrl: string): Promise<string[]> {
  const groups = await findAllIn<Group>(store, 'Group', referenceFilter('managing-entity', []), orgIds.map((org) => `Organization/${org}`));
  const coordinating: Group[] = [];
  for (const group of groups) {
    const manager = (await store.find('Organization', idOfReference(group.managingEntity, 'Organization', baseUrl) ?? '')) as Organization | undefined;
    if (group.active !== false && isCoordinatorRoster(group, manager)) coordinating.push(group);
  }
  const ids = coordinating
    .flatMap((group) => (group.member ?? []).filter((member) => isMemberDuring(member, today)).flatMap((member) => idOfReference(member.entity, 'Patient', baseUrl) ?? []));
  return [...new Set(ids)];
}

async function byId<T extends Resource>(gated: FhirStore, type: T['resourceType'], ids: readonly string[]): Promise<Map<string, T>> {
  const found = await findAllIn<T>(gated, type, idFilter([]), [...new Set(ids)]);
  return new Map(found.map((resource) => [resource.id ?? '', resource]));
}

/**
 * The worklist entries (unsorted, unfiltered by row status beyond the Task statuses asked for). Throws 403
 * `TCM-WORKLIST-FORBIDDEN` when the caller asks for another practice and no roster of its covers anyone.
 */
export async function readWorklist(ungated: FhirStore, gated: FhirStore, request: WorklistRequest): Promise<WorklistEntry[]> {
  const { callerOrg, baseUrl } = request;
  const practice = request.practice ?? callerOrg;
  const lineage = await createPracticeDirectory(ungated, baseUrl).lineageOf(callerOrg);
  const covered = await coveredPatients(ungated, lineage, request.now.toISOString().slice(0, 10), baseUrl);
  if (practice !== callerOrg && covered.length === 0) {
    throw new GatewayError('TCM-WORKLIST-FORBIDDEN', 'forbidden', "A worklist is open to its practice and to ACOs and care teams whose roster covers the practice's patients");
  }
  const common = [tokenFilter('code', [`${TASK_SYSTEM}|tcm-episode`]), tokenFilter('status', [...new Set([...request.statuses].flatMap((s) => TASK_STATUSES[s]))])];
  const owned = referenceFilter('owner', [`Organization/${practice}`]);
  const patient = referenceFilter('patient', []);
  const found: Task[] = practice === callerOrg ? await findAll<Task>(gated, 'Task', [owned, ...common]) : await findAllIn<Task>(gated, 'Task', patient, covered, [owned, ...common]);
  if (request.practice === undefined) found.push(...(await findAllIn<Task>(gated, 'Task', patient, covered, common)));
  const episodes = [...new Map(found.map((task) => [task.id ?? '', task])).values()];
  const encounterIds = episodes.flatMap((task) => idOfReference(task.focus, 'Encounter', baseUrl) ?? []);
  const parts = await byId<Task>(gated, 'Task', encounterIds.flatMap((id) => [taskIdOf(id, 'tcm-contact'), taskIdOf(id, 'tcm-visit')]));
  const patients = await byId<Patient>(gated, 'Patient', episodes.flatMap((task) => idOfReference(task.for, 'Patient', baseUrl) ?? []));
  const encounters = await byId<Encounter>(gated, 'Encounter', encounterIds);
  const assessments = await byId<RiskAssessment>(gated, 'RiskAssessment', encounterIds.map(laceIdOf));
  const entries: WorklistEntry[] = [];
  for (const main of episodes) {
    const encounterId = idOfReference(main.focus, 'Encounter', baseUrl) ?? '';
    const tasks: Partial<Record<TaskKind, Task>> = { 'tcm-episode': main, 'tcm-contact': parts.get(taskIdOf(encounterId, 'tcm-contact')), 'tcm-visit': parts.get(taskIdOf(encounterId, 'tcm-visit')) };
    const patientRow = patients.get(idOfReference(main.for, 'Patient', baseUrl) ?? '');
    const encounter = encounters.get(encounterId);
    if (!patientRow || !encounter || !tasks['tcm-contact'] || !tasks['tcm-visit']) continue;
    const episode: Episode = { encounterId, tasks: tasks as Record<TaskKind, Task> };
    const assessment = assessments.get(laceIdOf(encounterId));
    const row = buildRow({ episode, patient: patientRow, encounter, ...(assessment ? { assessment } : {}) }, request.now);
    entries.push({ row, shown: [main, tasks['tcm-contact'], tasks['tcm-visit'], patientRow, encounter, ...(assessment ? [assessment] : [])] });
  }
  return entries;
}
