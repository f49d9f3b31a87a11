/**
 * `GET /fhir/MeasureReport/$compute?measure={id}&subject=Group/{roster}&periodStart=YYYY-MM-DD&periodEnd=YYYY-MM-DD`:
 * computes one measure of `mappings/measures/` over a roster and period and returns the `MeasureReport`
 * (DOMAIN.md §7). Needs `system/MeasureReport.rs` (declared on the route) and read/search on the data it counts
 * (Patient, and Encounter or Task). The roster must be managed by the caller's organisation (or one it is part
 * of); any other Group answers 404, like a missing one. Counts are made over what the caller may see: the
 * request's store is gated by consent, so a patient withheld from the caller is left out of every population
 * (their number is reported, not who they are) and a withheld record is not counted.
 */
import type { Encounter, Group, Patient, Task } from 'fhir/r4.js';
import type { Route } from '../api/router.ts';
import { queryValue } from '../api/request.ts';
import type { Handler } from '../api/types.ts';
import { ADMIN_SCOPE, allows } from '../auth/scopes.ts';
import type { Clock } from '../shared/clock.ts';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { isCalendarDate } from '../tcm/calendar-date.ts';
import type { DischargeTables } from '../tcm/discharge-tables.ts';
import type { Episode } from '../tcm/episode-book.ts';
import { taskIdOf } from '../tcm/episode-ids.ts';
import { findAllIn, idFilter, referenceFilter, tokenFilter } from '../tcm/find-all.ts';
import { createPracticeDirectory } from '../tcm/practice-directory.ts';
import { TASK_SYSTEM, idOfReference } from '../tcm/task-codes.ts';
import type { MeasureDefinition } from './definitions.ts';
import { buildMeasureReport } from './measure-report.ts';
import { type MeasurePeriod, rosterDuring } from './population.ts';
import { evaluateTcm } from './tcm-measures.ts';
import { evaluateUtilization } from './utilization.ts';

export interface ComputeDeps {
  /** The ungated store: only for the roster Group, which is the caller's own list (checked here). */
  store: FhirStore;
  definitions: ReadonlyMap<string, MeasureDefinition>;
  tables: DischargeTables;
  baseUrl: string;
  fhirBase: string;
  clock: Clock;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new GatewayError('MSR-BAD-PARAM', 'invalid', `${name} is required`);
  return value;
}

function readPeriod(start: string, end: string): MeasurePeriod {
  const [from, to] = [start.slice(0, 10), end.slice(0, 10)];
  if (!isCalendarDate(from) || !isCalendarDate(to) || to < from) throw new GatewayError('MSR-BAD-PARAM', 'invalid', 'periodStart and periodEnd must be dates (YYYY-MM-DD), the start not after the end');
  return { start: from, end: to };
}

function measureOf(deps: ComputeDeps, value: string): MeasureDefinition {
  const id = value.replace(`${deps.fhirBase}/`, '').replace(/^Measure\//, '');
  const definition = deps.definitions.get(id);
  if (!definition) throw new GatewayError('MSR-UNKNOWN-MEASURE', 'not-found', `Unknown measure; known: ${[...deps.definitions.keys()].join(', ')}`);
  return definition;
}

async function episodesOf(gated: FhirStore, patientRefs: string[], baseUrl: string): Promise<Episode[]> {
  const mains = await findAllIn<Task>(gated, 'Task', referenceFilter('patient', []), patientRefs, [tokenFilter('code', [`${TASK_SYSTEM}|tcm-episode`])]);
  const encounterIds = mains.flatMap((task) => idOfReference(task.focus, 'Encounter', baseUrl) ?? []);
  const parts = new Map((await findAllIn<Task>(gated, 'Task', idFilter([]), encounterIds.flatMap((id) => [taskIdOf(id, 'tcm-contact'), taskIdOf(id, 'tcm-visit')]))).map((t) => [t.id, t]));
  return mains.flatMap((main) => {
    const encounterId = idOfReference(main.focus, 'Encounter', baseUrl) ?? '';
    const [contact, visit] = [parts.get(taskIdOf(encounterId, 'tcm-contact')), parts.get(taskIdOf(encounterId, 'tcm-visit'))];
    return contact && visit ? [{ encounterId, tasks: { 'tcm-episode': main, 'tcm-contact': contact, 'tcm-visit': visit } }] : [];
  });
}

export function createComputeRoute(deps: ComputeDeps): Route {
  const handler: Handler = async (request, api) => {
    const access = request.context.access;
    if (!access || !allows(access.scopes, 'MeasureReport', 's')) throw new GatewayError('AUT-SCOPE', 'forbidden', 'The access token does not allow this interaction on MeasureReport');
    const definition = measureOf(deps, required(queryValue(request, 'measure'), 'measure'));
    const subject = required(queryValue(request, 'subject'), 'subject');
    const period = readPeriod(required(queryValue(request, 'periodStart'), 'periodStart'), required(queryValue(request, 'periodEnd'), 'periodEnd'));
    const data = definition.family === 'tcm' ? 'Task' : 'Encounter';
    const missing = [['Patient', 'r'], [data, 's']].filter(([type, p]) => !allows(access.scopes, type as string, p as 'r' | 's'));
    if (missing.length > 0) throw new GatewayError('MSR-SCOPE', 'forbidden', `A measure counts records the caller may read: the token also needs ${missing.map(([t, p]) => `system/${t}.${p}`).join(', ')}`);
    const groupId = /^Group\/([A-Za-z0-9\-.]{1,64})$/.exec(subject)?.[1];
    const group = groupId === undefined ? undefined : ((await deps.store.find('Group', groupId)) as Group | undefined);
    const lineage = await createPracticeDirectory(deps.store, deps.baseUrl).lineageOf(access.organizationId);
    const manager = idOfReference(group?.managingEntity, 'Organization', deps.baseUrl);
    if (!group || !(access.scopes.special.includes(ADMIN_SCOPE) || (manager !== undefined && lineage.includes(manager)))) {
      throw new GatewayError('MSR-SUBJECT-NOT-FOUND', 'not-found', 'subject must be a roster Group managed by your organisation');
    }
    const roster = rosterDuring(group, period, deps.baseUrl);
    const visible = await findAllIn<Patient>(api.store, 'Patient', idFilter([]), [...roster.keys()]);
    const patientRefs = visible.map((patient) => `Patient/${patient.id}`);
    const items =
      definition.family === 'tcm'
        ? evaluateTcm(definition, await episodesOf(api.store, patientRefs, deps.baseUrl), roster, period, deps.baseUrl)
        : evaluateUtilization(definition, await findAllIn<Encounter>(api.store, 'Encounter', referenceFilter('patient', []), patientRefs), roster, period, deps.tables, deps.baseUrl);
    const report = buildMeasureReport(definition, items, {
      fhirBase: deps.fhirBase,
      subject: { reference: `Group/${groupId}` },
      period,
      date: deps.clock.now().toISOString(),
      reporter: { reference: `Organization/${access.organizationId}` },
      members: roster.size,
      withheld: roster.size - visible.length,
    });
    return { status: 200, body: report };
  };
  return { method: 'GET', path: [':type', '$compute'], resourceType: 'MeasureReport', interaction: 'operation', operation: 'compute', requires: 'r', handler };
}
