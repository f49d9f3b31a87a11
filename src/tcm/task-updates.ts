/**
 * The practice's side of the TCM Tasks (FHIR R4 task.html; DOMAIN.md §5): through REST it updates status,
 * businessStatus, notes, outputs and the complexity input of its Tasks. The gateway refuses what would break
 * an episode: creating or deleting TCM Tasks (they come from discharges), changing another practice's Tasks,
 * and changing what ties a Task to its discharge (subject, focus, owner, parts, due dates). A complexity
 * change on the episode or visit Task is an override: the visit due date follows (7 days high, 14 moderate).
 */
import type { Task } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { jsonEqual } from '../shared/json.ts';
import type { ResourceChange, WriteActor } from '../store/fhir-store.ts';
import { isCoveredBy } from './attribution.ts';
import type { TcmComplexity } from './deadlines.ts';
import { type TaskKind, idOfReference, kindOf, rawComplexityOf, setInput } from './task-codes.ts';
import type { TcmRun } from './tcm-run.ts';

/** What ties a Task to its episode: not the practice's to change. */
const FIXED = ['for', 'focus', 'encounter', 'owner', 'intent', 'partOf', 'groupIdentifier', 'identifier', 'restriction', 'authoredOn'] as const;

function refused(code: string, category: 'forbidden' | 'unprocessable', message: string): GatewayError {
  return new GatewayError(code, category, message);
}

/** True when the change touches a TCM Task (before or after). */
export function isTcmTaskChange(change: ResourceChange): boolean {
  if (change.resourceType !== 'Task') return false;
  return [change.previous, change.current].some((task) => task !== undefined && kindOf(task as Task) !== undefined);
}

/**
 * Refuses a REST client's change to a TCM Task that it may not make (403 `TCM-TASK-RESERVED`,
 * `TCM-TASK-FORBIDDEN`; 422 `TCM-TASK-FIXED`, `TCM-INVALID-COMPLEXITY`). Writes by the gateway itself and by
 * ingest pass. Allowed: the owner practice, and organisations whose roster covers the patient today (an ACO
 * or its care team).
 */
export async function guardTaskChange(run: TcmRun, change: ResourceChange, actor: WriteActor | undefined): Promise<void> {
  if (actor?.channel !== 'rest') return;
  const previous = change.previous as Task | undefined;
  const current = change.current as Task | undefined;
  if (!previous || !current || kindOf(previous) === undefined || kindOf(current) !== kindOf(previous)) {
    throw refused('TCM-TASK-RESERVED', 'forbidden', 'TCM Tasks are created and removed by the gateway from discharges; update their status instead');
  }
  const ownerId = idOfReference(previous.owner, 'Organization', run.deps.baseUrl);
  const orgId = actor.organizationId;
  if (orgId === undefined || (orgId !== ownerId && !(await isCoveredBy(run.store, run.patientId, await run.directory.lineageOf(orgId), run.now.slice(0, 10), run.deps.baseUrl)))) {
    throw refused('TCM-TASK-FORBIDDEN', 'forbidden', "Only the owning practice, or a care team whose roster covers the patient, may update this TCM Task");
  }
  const changed = FIXED.filter((field) => !jsonEqual(previous[field], current[field]));
  if (changed.length > 0) throw refused('TCM-TASK-FIXED', 'unprocessable', `These elements of a TCM Task are set by the gateway: ${changed.join(', ')}`);
  const complexity = rawComplexityOf(current);
  if (complexity !== rawComplexityOf(previous) && complexity !== 'high' && complexity !== 'moderate') {
    throw refused('TCM-INVALID-COMPLEXITY', 'unprocessable', 'The complexity input must be high or moderate');
  }
}

/** The complexity the practice set by this change, when it changed it on the episode or visit Task. */
export function complexityOverrideOf(change: ResourceChange): { encounterId: string; kind: TaskKind; complexity: TcmComplexity } | undefined {
  const previous = change.previous as Task | undefined;
  const current = change.current as Task | undefined;
  const kind = current && kindOf(current);
  if (!current || !previous || (kind !== 'tcm-episode' && kind !== 'tcm-visit')) return undefined;
  const complexity = rawComplexityOf(current);
  if (complexity === rawComplexityOf(previous) || (complexity !== 'high' && complexity !== 'moderate')) return undefined;
  const encounterId = /^Encounter\/([A-Za-z0-9\-.]{1,64})$/.exec(current.focus?.reference ?? '')?.[1];
  return encounterId === undefined ? undefined : { encounterId, kind, complexity };
}

/** Records an override on the episode's Tasks (the due dates are recomputed by the caller). */
export function recordOverride(task: Task, complexity: TcmComplexity): void {
  setInput(task, 'complexity', { valueCode: complexity });
  setInput(task, 'complexity-basis', { valueCode: 'practice' });
}
