/**
 * Attribution: which practice a patient belongs to on a given day (SPECS.md §b8; Da Vinci ATR).
 *
 * Rosters are FHIR `Group`s of patients (`member.entity`) with `member.period` and `member.inactive`, managed by
 * a practice or an ACO (`managingEntity`). A member counts on a day when `inactive` is not true and the period
 * covers the day. An ACO roster's member may name the practice with the ATR `ext-attributedProvider` extension.
 * The patient's registered practice (`Patient.generalPractitioner`, from ADT PD1-3/PD1-4 or REST) also counts.
 *
 * The owner of TCM Tasks is a practice, in this order: a practice roster covering the day (latest enrolment
 * first), the attributed provider of an ACO roster, the registered practice; only when none exists does the
 * ACO own them. ACOs (and care teams) of rosters covering the patient are the episode's care coordinators.
 */
import type { Group, GroupMember, Organization, Patient, PractitionerRole, Reference } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';
import type { CalendarDate } from './calendar-date.ts';
import { findAll, referenceFilter } from './find-all.ts';
import { idOfReference } from './task-codes.ts';

export const ATTRIBUTED_PROVIDER_URL = 'http://hl7.org/fhir/us/davinci-atr/StructureDefinition/ext-attributedProvider';
export const ROSTER_KIND_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/roster-kind';
export const ORGANIZATION_KIND_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/organization-kind';

/** Who a discharge's episode belongs to. */
export interface Attribution {
  /** The Organization owning the Tasks; absent when the patient is attributed to no one. */
  owner?: Reference;
  /** ACOs and care teams whose roster covers the patient (never the owner). */
  coordinators: Reference[];
}

/** The first or last day a FHIR date/dateTime (possibly partial: `2026`, `2026-05`) stands for. */
export function dayBound(value: string, bound: 'start' | 'end'): CalendarDate {
  const day = value.slice(0, 10);
  if (day.length === 10) return day;
  if (day.length === 7) return `${day}-${bound === 'start' ? '01' : '31'}`;
  return `${day.slice(0, 4)}-${bound === 'start' ? '01-01' : '12-31'}`;
}

/** True when the membership is not voided and its period covers `from`..`to` at some point (a day: from = to). */
export function isMemberDuring(member: GroupMember, from: CalendarDate, to: CalendarDate = from): boolean {
  if (member.inactive === true) return false;
  const start = member.period?.start;
  const end = member.period?.end;
  return (start === undefined || dayBound(start, 'start') <= to) && (end === undefined || dayBound(end, 'end') >= from);
}

/** Whether a roster is an ACO's (or care team's) rather than a practice's: `Group.code`, else the manager's kind. */
export function isCoordinatorRoster(group: Group, manager: Organization | undefined): boolean {
  const kind = group.code?.coding?.find((coding) => coding.system === ROSTER_KIND_SYSTEM)?.code;
  if (kind !== undefined) return kind !== 'practice';
  return (manager?.type ?? []).some((type) => (type.coding ?? []).some((coding) => coding.system === ORGANIZATION_KIND_SYSTEM && (coding.code === 'aco' || coding.code === 'care-team')));
}

/** The rosters listing the patient (any period), read through `store`. */
export async function rostersOf(store: FhirStore, patientId: string): Promise<Group[]> {
  const groups = await findAll<Group>(store, 'Group', [referenceFilter('member', [`Patient/${patientId}`])], 1000);
  return groups.filter((group) => group.active !== false);
}

/** The patient's membership entries in a roster. */
export function membershipsOf(group: Group, patientId: string, baseUrl: string): GroupMember[] {
  return (group.member ?? []).filter((member) => idOfReference(member.entity, 'Patient', baseUrl) === patientId);
}

/** The Organizations a provider reference stands for: itself, or the organisations of a practitioner's roles. */
async function organizationsOf(store: FhirStore, provider: Reference | undefined, baseUrl: string): Promise<string[]> {
  const org = idOfReference(provider, 'Organization', baseUrl);
  if (org !== undefined) return [org];
  const roleId = idOfReference(provider, 'PractitionerRole', baseUrl);
  if (roleId !== undefined) {
    const role = (await store.find('PractitionerRole', roleId)) as PractitionerRole | undefined;
    const roleOrg = idOfReference(role?.organization, 'Organization', baseUrl);
    return roleOrg === undefined ? [] : [roleOrg];
  }
  const practitionerId = idOfReference(provider, 'Practitioner', baseUrl);
  if (practitionerId === undefined) return [];
  const roles = await findAll<PractitionerRole>(store, 'PractitionerRole', [referenceFilter('practitioner', [`Practitioner/${practitionerId}`])], 1000);
  return roles
    .filter((role) => role.active !== false)
    .flatMap((role) => idOfReference(role.organization, 'Organization', baseUrl) ?? []);
}

/**
 * Attributes the patient on `day` (see the module comment for the order). Reads through `store`, so inside a
 * write it sees the transaction's own writes (a roster loaded together with the discharge counts).
 */
export async function attributePatient(store: FhirStore, patient: Patient, day: CalendarDate, baseUrl: string): Promise<Attribution> {
  const patientId = patient.id ?? '';
  const practices: { org: string; since: string }[] = [];
  const providers: string[] = [];
  const coordinators: string[] = [];
  for (const group of await rostersOf(store, patientId)) {
    const covering = membershipsOf(group, patientId, baseUrl).filter((member) => isMemberDuring(member, day));
    const managerId = idOfReference(group.managingEntity, 'Organization', baseUrl);
    if (covering.length === 0 || managerId === undefined) continue;
    const manager = (await store.find('Organization', managerId)) as Organization | undefined;
    if (!isCoordinatorRoster(group, manager)) {
      const since = covering.map((member) => member.period?.start ?? '').sort().at(-1) ?? '';
      practices.push({ org: managerId, since });
      continue;
    }
    coordinators.push(managerId);
    for (const member of covering) {
      const provider = member.extension?.find((extension) => extension.url === ATTRIBUTED_PROVIDER_URL)?.valueReference;
      providers.push(...(await organizationsOf(store, provider, baseUrl)));
    }
  }
  const registered: string[] = [];
  for (const gp of patient.generalPractitioner ?? []) registered.push(...(await organizationsOf(store, gp, baseUrl)));
  const ordered = [...practices.sort((a, b) => b.since.localeCompare(a.since)).map((p) => p.org), ...providers, ...registered, ...coordinators];
  const owner = ordered[0];
  const others = [...new Set(coordinators)].filter((org) => org !== owner);
  const result: Attribution = { coordinators: others.map((org) => ({ reference: `Organization/${org}` })) };
  if (owner !== undefined) result.owner = { reference: `Organization/${owner}` };
  return result;
}

/**
 * True when an ACO or care-team roster (see `isCoordinatorRoster`) managed by one of `orgIds` lists the patient
 * as an active member on `day`. Another practice's roster does not make it a coordinator.
 */
export async function isCoveredBy(store: FhirStore, patientId: string, orgIds: readonly string[], day: CalendarDate, baseUrl: string): Promise<boolean> {
  for (const group of await rostersOf(store, patientId)) {
    const managerId = idOfReference(group.managingEntity, 'Organization', baseUrl);
    if (managerId === undefined || !orgIds.includes(managerId)) continue;
    if (!membershipsOf(group, patientId, baseUrl).some((member) => isMemberDuring(member, day))) continue;
    if (isCoordinatorRoster(group, (await store.find('Organization', managerId)) as Organization | undefined)) return true;
  }
  return false;
}
