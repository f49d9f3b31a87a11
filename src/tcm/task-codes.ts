/**
 * The vocabulary of the TCM episode Tasks (DOMAIN.md §5; FHIR R4 task.html): which Task is which, the
 * input/output parameter types, business statuses and status reasons, and small readers over a Task.
 * The code systems are CareBridge's own (`https://carebridge.dev/fhir/CodeSystem/…`); CPT codes ride along
 * on the visit and episode Tasks.
 */
import type { CodeableConcept, Coding, Reference, Task, TaskInput, TaskOutput } from 'fhir/r4.js';
import { parseReference } from '../store/references.ts';
import type { TcmComplexity, TcmCptCode } from './deadlines.ts';

export const TASK_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/tcm-task';
export const PARAMETER_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/tcm-parameter';
export const BUSINESS_STATUS_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/tcm-business-status';
export const STATUS_REASON_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/tcm-status-reason';
export const EPISODE_IDENTIFIER_SYSTEM = 'https://carebridge.dev/fhir/id/tcm-episode';
export const CPT_SYSTEM = 'http://www.ama-assn.org/go/cpt';

/** The three Tasks of an episode. */
export type TaskKind = 'tcm-episode' | 'tcm-contact' | 'tcm-visit';
export const TASK_KINDS: readonly TaskKind[] = ['tcm-episode', 'tcm-contact', 'tcm-visit'];

const KIND_DISPLAY: Record<TaskKind, string> = {
  'tcm-episode': 'Transitional care management episode (30 days)',
  'tcm-contact': 'TCM interactive contact within 2 business days',
  'tcm-visit': 'TCM face-to-face visit',
};

/** Input and output parameter types. */
export type ParameterCode =
  | 'lace-score'
  | 'lace-assessment'
  | 'complexity'
  | 'complexity-basis'
  | 'care-coordinator'
  | 'contact-evidence'
  | 'visit-evidence'
  | 'unsuccessful-attempt';

/** Who set the complexity: the LACE rule at discharge, or the practice (an override). */
export type ComplexityBasis = 'lace' | 'practice';

/** Statuses in which a Task is still to be done (R4 task-status). */
export const OPEN_STATUSES: ReadonlySet<Task['status']> = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress']);

/** The CPT code for a complexity (CMS MLN908628: 99496 high, 99495 moderate). */
export function cptFor(complexity: TcmComplexity): TcmCptCode {
  return complexity === 'high' ? '99496' : '99495';
}

/** `Task.code` of a kind; the visit and episode carry the CPT code of the complexity. */
export function taskCode(kind: TaskKind, complexity: TcmComplexity): CodeableConcept {
  const coding: Coding[] = [{ system: TASK_SYSTEM, code: kind, display: KIND_DISPLAY[kind] }];
  if (kind !== 'tcm-contact') coding.push({ system: CPT_SYSTEM, code: cptFor(complexity) });
  return { coding, text: KIND_DISPLAY[kind] };
}

/** The kind of a TCM Task, or undefined for any other Task. */
export function kindOf(task: Task): TaskKind | undefined {
  const code = task.code?.coding?.find((coding) => coding.system === TASK_SYSTEM)?.code;
  return TASK_KINDS.find((kind) => kind === code);
}

/** A parameter type CodeableConcept. */
export function parameterType(code: ParameterCode): CodeableConcept {
  return { coding: [{ system: PARAMETER_SYSTEM, code }] };
}

function hasType(entry: TaskInput | TaskOutput, code: ParameterCode): boolean {
  return (entry.type.coding ?? []).some((coding) => coding.system === PARAMETER_SYSTEM && coding.code === code);
}

/** The inputs of a type. */
export function inputsOf(task: Task, code: ParameterCode): TaskInput[] {
  return (task.input ?? []).filter((input) => hasType(input, code));
}

/** The outputs of a type. */
export function outputsOf(task: Task, code: ParameterCode): TaskOutput[] {
  return (task.output ?? []).filter((output) => hasType(output, code));
}

/** Removes the inputs of a type. */
export function removeInputs(task: Task, code: ParameterCode): void {
  const others = (task.input ?? []).filter((input) => !hasType(input, code));
  if (others.length > 0) task.input = others;
  else delete task.input;
}

/** Replaces the inputs of a type with `value` (one input), keeping the others in place. */
export function setInput(task: Task, code: ParameterCode, value: Omit<TaskInput, 'type'>): void {
  removeInputs(task, code);
  task.input = [...(task.input ?? []), { type: parameterType(code), ...value }];
}

/** Adds an output referencing `reference` unless one of that type already does. */
export function addOutput(task: Task, code: ParameterCode, reference: Reference): boolean {
  if (outputsOf(task, code).some((output) => output.valueReference?.reference === reference.reference)) return false;
  task.output = [...(task.output ?? []), { type: parameterType(code), valueReference: reference }];
  return true;
}

/** The complexity input (high or moderate), if valid. */
export function complexityOf(task: Task): TcmComplexity | undefined {
  const value = inputsOf(task, 'complexity')[0]?.valueCode;
  return value === 'high' || value === 'moderate' ? value : undefined;
}

/** The complexity input as written, valid or not (to refuse a bad override). */
export function rawComplexityOf(task: Task): string | undefined {
  return inputsOf(task, 'complexity')[0]?.valueCode;
}

/** Who set the complexity. */
export function complexityBasisOf(task: Task): ComplexityBasis {
  return inputsOf(task, 'complexity-basis')[0]?.valueCode === 'practice' ? 'practice' : 'lace';
}

/** A coded business status of ours. */
export function businessStatus(code: string, display: string): CodeableConcept {
  return { coding: [{ system: BUSINESS_STATUS_SYSTEM, code, display }], text: display };
}

/** A coded status reason of ours. */
export function statusReason(code: 'readmitted' | 'discharge-cancelled' | 'no-longer-qualifies', text: string): CodeableConcept {
  return { coding: [{ system: STATUS_REASON_SYSTEM, code }], text };
}

/** The status-reason code we set, if any (to revive only the Tasks the gateway itself cancelled). */
export function statusReasonCodeOf(task: Task): string | undefined {
  return task.statusReason?.coding?.find((coding) => coding.system === STATUS_REASON_SYSTEM)?.code;
}

/** The id of a literal reference to a resource of `type` (relative, versioned or absolute on our base). */
export function idOfReference(reference: Reference | undefined, type: string, baseUrl: string): string | undefined {
  const local = parseReference(reference?.reference ?? '', baseUrl).local;
  return local?.type === type ? local.id : undefined;
}
