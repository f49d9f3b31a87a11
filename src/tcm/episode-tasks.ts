/**
 * The Tasks of a TCM episode (DOMAIN.md §5; CMS MLN908628; FHIR R4 task.html): the episode Task (the 30-day
 * service period, CPT 99495/99496), the interactive-contact Task (2 business days) and the face-to-face visit
 * Task (7 or 14 days), each `for` the patient, `focus` and `encounter` the discharge, `owner` the practice,
 * `restriction.period` from the discharge to the end of the due day, the contact and visit `partOf` the
 * episode Task, all three sharing the episode's `groupIdentifier`. LACE, the complexity, who set it and the
 * care coordinators (ACOs) are inputs.
 */
import type { Encounter, Reference, Task } from 'fhir/r4.js';
import type { ComplexityBasis, TaskKind } from './task-codes.ts';
import { EPISODE_IDENTIFIER_SYSTEM, businessStatus, complexityBasisOf, complexityOf, parameterType, removeInputs, setInput, taskCode } from './task-codes.ts';
import type { TcmComplexity, TcmDeadlines } from './deadlines.ts';
import { episodeKeyOf, taskIdOf } from './episode-ids.ts';

/** What the derived fields of an episode's Tasks are computed from. */
export interface EpisodeFacts {
  encounter: Encounter;
  patientId: string;
  owner: Reference;
  coordinators: Reference[];
  /** With `endOfDay` filled in (the practice's zone). */
  deadlines: TcmDeadlines;
  laceTotal: number;
  laceAssessment: Reference;
  complexityBasis: ComplexityBasis;
  /** Now, as a FHIR instant. */
  now: string;
}

const DUE: Record<TaskKind, (d: TcmDeadlines) => { day: string; instant: string }> = {
  'tcm-episode': (d) => ({ day: d.episodeEnd, instant: d.endOfDay?.episodeEnd ?? d.episodeEnd }),
  'tcm-contact': (d) => ({ day: d.contactDue, instant: d.endOfDay?.contactDue ?? d.contactDue }),
  'tcm-visit': (d) => ({ day: d.faceToFaceDue, instant: d.endOfDay?.faceToFaceDue ?? d.faceToFaceDue }),
};

function describe(kind: TaskKind, deadlines: TcmDeadlines): string {
  const due = DUE[kind](deadlines).day;
  if (kind === 'tcm-contact') return `Interactive contact with the patient or carer by ${due} (2 business days after the discharge on ${deadlines.dischargeDate})`;
  if (kind === 'tcm-visit') return `Face-to-face visit by ${due} (${deadlines.complexity} complexity, CPT ${deadlines.cptCode})`;
  return `Transitional care management from ${deadlines.dischargeDate} to ${due} (CPT ${deadlines.cptCode})`;
}

/**
 * Sets the fields the gateway derives from the discharge and the complexity: code (with CPT), description,
 * restriction period (due date), LACE and complexity inputs, care coordinators, lastModified. Status,
 * business status, notes, outputs and execution period are left as they are (the practice's to change).
 */
export function applyDerivedFields(task: Task, kind: TaskKind, facts: EpisodeFacts): void {
  const { deadlines } = facts;
  task.code = taskCode(kind, deadlines.complexity);
  task.description = describe(kind, deadlines);
  task.restriction = { ...task.restriction, period: { start: facts.encounter.period?.end ?? deadlines.dischargeDate, end: DUE[kind](deadlines).instant } };
  if (kind !== 'tcm-contact') {
    setInput(task, 'lace-score', { valueInteger: facts.laceTotal });
    setInput(task, 'lace-assessment', { valueReference: facts.laceAssessment });
    setInput(task, 'complexity', { valueCode: deadlines.complexity });
    setInput(task, 'complexity-basis', { valueCode: facts.complexityBasis });
  }
  if (kind === 'tcm-episode') {
    removeInputs(task, 'care-coordinator');
    const coordinators = facts.coordinators.map((coordinator) => ({ type: parameterType('care-coordinator'), valueReference: coordinator }));
    if (coordinators.length > 0) task.input = [...(task.input ?? []), ...coordinators];
  }
  task.lastModified = facts.now;
}

/** A new Task of the episode, status `requested`. */
export function buildEpisodeTask(kind: TaskKind, facts: EpisodeFacts): Task {
  const encounterId = facts.encounter.id ?? '';
  const discharge: Reference = { reference: `Encounter/${encounterId}` };
  const task: Task = {
    resourceType: 'Task',
    id: taskIdOf(encounterId, kind),
    identifier: [{ system: EPISODE_IDENTIFIER_SYSTEM, value: `${episodeKeyOf(encounterId)}${kind === 'tcm-episode' ? '' : `/${kind}`}` }],
    groupIdentifier: { system: EPISODE_IDENTIFIER_SYSTEM, value: episodeKeyOf(encounterId) },
    status: 'requested',
    businessStatus: kind === 'tcm-contact' ? businessStatus('awaiting-contact', 'Awaiting contact') : kind === 'tcm-visit' ? businessStatus('awaiting-visit', 'Awaiting visit') : businessStatus('open', 'Episode open'),
    intent: 'plan',
    priority: 'routine',
    focus: discharge,
    for: { reference: `Patient/${facts.patientId}` },
    encounter: discharge,
    authoredOn: facts.now,
    owner: facts.owner,
  };
  if (kind !== 'tcm-episode') task.partOf = [{ reference: `Task/${taskIdOf(encounterId, 'tcm-episode')}` }];
  applyDerivedFields(task, kind, facts);
  return task;
}

/** The complexity a (possibly overridden) episode has: the practice's when it overrode, else LACE's. */
export function effectiveComplexity(existing: Task | undefined, fromLace: TcmComplexity): { complexity: TcmComplexity; basis: ComplexityBasis } {
  const set = existing && complexityOf(existing);
  if (existing && set && complexityBasisOf(existing) === 'practice') return { complexity: set, basis: 'practice' };
  return { complexity: fromLace, basis: 'lace' };
}
