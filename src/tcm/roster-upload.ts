/**
 * Applying a roster upload to its `Group` (SPECS.md §b8; Da Vinci ATR): each accepted row's identifier is
 * matched to a Patient (following an A40 `replaced-by` link), and the patient becomes a member with
 * `member.period` (start: the row's, else today) and, for an ACO roster, the ATR `ext-attributedProvider`.
 * `merge` (default) adds and updates; `replace` also ends (period.end = yesterday) the members the file no
 * longer lists, or voids (`inactive`) those that had not begun. Memberships are never deleted, so past
 * attribution and measures keep their history.
 * Uploading the same file again changes nothing (the Group keeps its version).
 */
import type { Group, GroupMember, Patient } from 'fhir/r4.js';
import { jsonEqual } from '../shared/json.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { ATTRIBUTED_PROVIDER_URL, isMemberDuring } from './attribution.ts';
import { addDays, type CalendarDate } from './calendar-date.ts';
import { findAll, tokenFilter } from './find-all.ts';
import type { RosterRow } from './roster-csv.ts';
import { idOfReference } from './task-codes.ts';

export type RosterMode = 'merge' | 'replace';

export interface RosterOutcome {
  added: number;
  updated: number;
  unchanged: number;
  ended: number;
  unknown: { line: number; system: string; value: string }[];
  ambiguous: { line: number }[];
  duplicate: { line: number }[];
  unknownProvider: { line: number }[];
  /** The Patients the accepted rows named (for the audit record). */
  matched: Patient[];
}

/** The Patient an identifier names: exactly one (its survivor when merged), or why not. */
async function matchPatient(store: FhirStore, row: RosterRow, baseUrl: string): Promise<Patient | 'unknown' | 'ambiguous'> {
  const found = await findAll<Patient>(store, 'Patient', [tokenFilter('identifier', [`${row.system}|${row.value}`])], 10);
  const survivors = new Map<string, Patient>();
  for (const patient of found) {
    const replacedBy = idOfReference(patient.link?.find((link) => link.type === 'replaced-by')?.other, 'Patient', baseUrl);
    const survivor = replacedBy === undefined ? patient : ((await store.find('Patient', replacedBy)) as Patient | undefined);
    if (survivor?.id) survivors.set(survivor.id, survivor);
  }
  if (survivors.size === 0) return 'unknown';
  if (survivors.size > 1) return 'ambiguous';
  return [...survivors.values()][0] as Patient;
}

function memberFor(patientId: string, row: RosterRow, today: CalendarDate): GroupMember {
  const member: GroupMember = { entity: { reference: `Patient/${patientId}` }, period: { start: row.start ?? today, ...(row.end ? { end: row.end } : {}) }, inactive: false };
  if (row.provider) member.extension = [{ url: ATTRIBUTED_PROVIDER_URL, valueReference: { reference: `Organization/${row.provider}` } }];
  return member;
}

/** A membership current today or starting later: the one an upload updates rather than adds beside. */
function currentOrFuture(member: GroupMember, today: CalendarDate): boolean {
  return member.inactive !== true && (isMemberDuring(member, today) || (member.period?.start ?? '') > today);
}

/**
 * Applies the accepted rows to `group` (changed in place) and reports what happened. Reads Patients and
 * provider Organizations through `store`.
 */
export async function applyRosterRows(store: FhirStore, group: Group, rows: RosterRow[], mode: RosterMode, today: CalendarDate, baseUrl: string): Promise<RosterOutcome> {
  const outcome: RosterOutcome = { added: 0, updated: 0, unchanged: 0, ended: 0, unknown: [], ambiguous: [], duplicate: [], unknownProvider: [], matched: [] };
  const members = group.member ?? [];
  const listed = new Set<string>();
  for (const row of rows) {
    if (row.provider && !(await store.find('Organization', row.provider))) {
      outcome.unknownProvider.push({ line: row.line });
      continue;
    }
    const patient = await matchPatient(store, row, baseUrl);
    if (patient === 'unknown') outcome.unknown.push({ line: row.line, system: row.system, value: row.value });
    if (patient === 'ambiguous') outcome.ambiguous.push({ line: row.line });
    if (typeof patient === 'string') continue;
    const patientId = patient.id ?? '';
    if (listed.has(patientId)) {
      outcome.duplicate.push({ line: row.line });
      continue;
    }
    listed.add(patientId);
    outcome.matched.push(patient);
    const wanted = memberFor(patientId, row, today);
    const index = members.findIndex((m) => idOfReference(m.entity, 'Patient', baseUrl) === patientId && currentOrFuture(m, today));
    const existing = members[index];
    if (!existing) {
      members.push(wanted);
      outcome.added++;
      continue;
    }
    const merged: GroupMember = { ...existing, period: { ...existing.period, ...(row.start ? { start: row.start } : {}), ...(row.end ? { end: row.end } : {}) } };
    if (row.provider) merged.extension = [...(existing.extension ?? []).filter((e) => e.url !== ATTRIBUTED_PROVIDER_URL), ...(wanted.extension ?? [])];
    if (jsonEqual(merged, existing)) outcome.unchanged++;
    else {
      members[index] = merged;
      outcome.updated++;
    }
  }
  if (mode === 'replace') {
    const yesterday = addDays(today, -1);
    members.forEach((member, i) => {
      const patientId = idOfReference(member.entity, 'Patient', baseUrl) ?? '';
      if (listed.has(patientId) || !currentOrFuture(member, today)) return;
      const begun = (member.period?.start ?? '') <= yesterday;
      members[i] = begun ? { ...member, period: { ...member.period, end: yesterday } } : { ...member, inactive: true };
      outcome.ended++;
    });
  }
  if (members.length > 0) group.member = members;
  else delete group.member;
  group.quantity = members.filter((member) => isMemberDuring(member, today)).length;
  return outcome;
}
