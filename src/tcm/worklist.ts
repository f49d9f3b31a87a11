/**
 * The TCM worklist rows (DOMAIN.md §2, §5): one row per episode with the patient (name, date of birth,
 * identifiers), the discharge (when, from which facility, disposition), LACE and complexity, contact and visit
 * due / done, the episode end, unsuccessful attempts and a status: `open`, `overdue` (open with a due date
 * passed), `suspended` (readmitted), `completed` or `cancelled`. Pure: the rows are built from resources the
 * caller was allowed to see.
 */
import type { Encounter, HumanName, Patient, RiskAssessment, Task } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { type Episode, dischargeOf } from './episode-book.ts';
import { OPEN_STATUSES, complexityBasisOf, complexityOf, cptFor, inputsOf, outputsOf } from './task-codes.ts';

export type RowStatus = 'open' | 'overdue' | 'suspended' | 'completed' | 'cancelled';
export const ROW_STATUSES: readonly RowStatus[] = ['open', 'overdue', 'suspended', 'completed', 'cancelled'];
export type SortKey = 'contactDue' | 'visitDue' | 'discharge' | 'episodeEnd';
export const SORT_KEYS: readonly SortKey[] = ['contactDue', 'visitDue', 'discharge', 'episodeEnd'];

export interface WorklistRow {
  episode: string;
  owner: string | null;
  patient: { reference: string; name: string | null; birthDate: string | null; identifiers: { system: string | null; value: string }[] };
  discharge: string;
  fromFacility: { reference: string | null; display: string | null } | null;
  disposition: { system: string | null; code: string | null; display: string | null } | null;
  lace: number | null;
  complexity: 'high' | 'moderate' | null;
  complexityBasis: 'lace' | 'practice';
  cpt: string | null;
  contactDue: string | null;
  contactDone: string | null;
  visitDue: string | null;
  visitDone: string | null;
  episodeEnd: string | null;
  attempts: number;
  status: RowStatus;
  tasks: { episode: string; contact: string; visit: string };
}

/** What a row is built from: the episode and the resources the caller may see. */
export interface RowSources {
  episode: Episode;
  patient: Patient;
  encounter: Encounter;
  /** Absent when withheld from the caller: LACE then shows as null. */
  assessment?: RiskAssessment;
}

function nameOf(names: HumanName[] | undefined): string | null {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return null;
  return name.text ?? ([...(name.given ?? []), name.family].filter(Boolean).join(' ') || null);
}

/** When a completed Task was done: its execution end, else when it was last changed. */
function doneAt(task: Task): string | null {
  if (task.status !== 'completed') return null;
  return task.executionPeriod?.end ?? task.lastModified ?? task.meta?.lastUpdated ?? null;
}

function statusOf(episode: Episode, now: number): RowStatus {
  const main = episode.tasks['tcm-episode'];
  if (main.status === 'completed') return 'completed';
  if (main.status === 'on-hold') return 'suspended';
  if (!OPEN_STATUSES.has(main.status)) return 'cancelled';
  const late = [episode.tasks['tcm-contact'], episode.tasks['tcm-visit'], main].some((task) => {
    const due = Date.parse(task.restriction?.period?.end ?? '');
    return OPEN_STATUSES.has(task.status) && !Number.isNaN(due) && due < now;
  });
  return late ? 'overdue' : 'open';
}

/** Builds one row; `now` decides `overdue`. */
export function buildRow(sources: RowSources, now: Date): WorklistRow {
  const { episode, patient, encounter } = sources;
  const { 'tcm-episode': main, 'tcm-contact': contact, 'tcm-visit': visit } = episode.tasks;
  const disposition = encounter.hospitalization?.dischargeDisposition;
  const coding = disposition?.coding?.[0];
  const lace = sources.assessment ? (inputsOf(main, 'lace-score')[0]?.valueInteger ?? null) : null;
  const complexity = complexityOf(main) ?? null;
  return {
    episode: `Task/${main.id}`,
    owner: main.owner?.reference ?? null,
    patient: {
      reference: `Patient/${patient.id}`,
      name: nameOf(patient.name),
      birthDate: patient.birthDate ?? null,
      identifiers: (patient.identifier ?? []).flatMap((i) => (i.value ? [{ system: i.system ?? null, value: i.value }] : [])),
    },
    discharge: dischargeOf(episode),
    fromFacility: encounter.serviceProvider ? { reference: encounter.serviceProvider.reference ?? null, display: encounter.serviceProvider.display ?? null } : null,
    disposition: disposition ? { system: coding?.system ?? null, code: coding?.code ?? null, display: coding?.display ?? disposition.text ?? null } : null,
    lace,
    complexity,
    complexityBasis: complexityBasisOf(main),
    cpt: complexity ? cptFor(complexity) : null,
    contactDue: contact.restriction?.period?.end ?? null,
    contactDone: doneAt(contact),
    visitDue: visit.restriction?.period?.end ?? null,
    visitDone: doneAt(visit),
    episodeEnd: main.restriction?.period?.end ?? null,
    attempts: outputsOf(contact, 'unsuccessful-attempt').length,
    status: statusOf(episode, now.getTime()),
    tasks: { episode: `Task/${main.id}`, contact: `Task/${contact.id}`, visit: `Task/${visit.id}` },
  };
}

/** `open` includes `overdue` (an overdue episode is still open). */
export function matchesStatus(row: WorklistRow, wanted: ReadonlySet<RowStatus>): boolean {
  return wanted.has(row.status) || (row.status === 'overdue' && wanted.has('open'));
}

/** Parses `sort` (`contactDue`, `-visitDue` …); default: contact due, earliest first. */
export function parseSort(value: string | undefined): { key: SortKey; descending: boolean } {
  const raw = value ?? 'contactDue';
  const descending = raw.startsWith('-');
  const key = SORT_KEYS.find((k) => k === raw.replace(/^-/, ''));
  if (key === undefined) throw new GatewayError('TCM-BAD-SORT', 'invalid', `sort must be one of ${SORT_KEYS.join(', ')}, optionally prefixed with -`);
  return { key, descending };
}

/** Sorts rows by an instant column (missing last), ties by episode for stable pages. */
export function sortRows(rows: WorklistRow[], sort: { key: SortKey; descending: boolean }): WorklistRow[] {
  const time = (row: WorklistRow) => Date.parse(row[sort.key] ?? '');
  return [...rows].sort((a, b) => {
    const [x, y] = [time(a), time(b)];
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    const order = Number.isNaN(x) ? 0 : sort.descending ? y - x : x - y;
    return order || a.episode.localeCompare(b.episode);
  });
}
