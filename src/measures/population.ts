/**
 * The population of a measure (DOMAIN.md §7, SPECS.md §b8): the roster Group's members whose membership
 * (`member.period`, not `inactive`) overlaps the measurement period. An event counts for a patient only on a
 * day their membership covers, so a patient who joined in June brings no discharges from March.
 */
import type { Group, GroupMember } from 'fhir/r4.js';
import type { CalendarDate } from '../tcm/calendar-date.ts';
import { isMemberDuring } from '../tcm/attribution.ts';
import { idOfReference } from '../tcm/task-codes.ts';

/** The measurement period, calendar days, both inclusive. */
export interface MeasurePeriod {
  start: CalendarDate;
  end: CalendarDate;
}

/** The roster's members during the period, with their membership entries. */
export type Roster = ReadonlyMap<string, readonly GroupMember[]>;

/** Patients with a membership overlapping the period. */
export function rosterDuring(group: Group, period: MeasurePeriod, baseUrl: string): Roster {
  const members = new Map<string, GroupMember[]>();
  for (const member of group.member ?? []) {
    const patientId = idOfReference(member.entity, 'Patient', baseUrl);
    if (patientId === undefined || !isMemberDuring(member, period.start, period.end)) continue;
    members.set(patientId, [...(members.get(patientId) ?? []), member]);
  }
  return members;
}

/** True when the patient is a member on `day` and the day is in the period. */
export function countsOn(roster: Roster, patientId: string, day: CalendarDate, period: MeasurePeriod): boolean {
  return day >= period.start && day <= period.end && (roster.get(patientId) ?? []).some((member) => isMemberDuring(member, day));
}
