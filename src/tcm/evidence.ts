/**
 * Evidence that a TCM Task was done (DOMAIN.md §5; CMS MLN908628): a `Communication` with the patient (done, or
 * an unsuccessful attempt), or an Encounter with the practice of a contact class (phone, video, direct) or a
 * visit class (face-to-face at the practice or at home). The table in `mappings/tcm/completion-evidence.json`
 * says which statuses and classes count.
 */
import type { Communication, Encounter, Reference } from 'fhir/r4.js';
import { type CalendarDate, calendarDateOf } from './calendar-date.ts';
import { type EvidenceTable, evidenceKindsOf } from './evidence-table.ts';

/** One piece of evidence, reduced to what the completion rules need. */
export interface Evidence {
  /** `Communication/x` or `Encounter/x`. */
  reference: string;
  /** When it happened, as written (Communication.sent/received, Encounter.period.start). */
  instant: string;
  day: CalendarDate;
  /** A done contact or visit, or (Communications only) an unsuccessful attempt. */
  outcome: 'done' | 'attempt';
  contact: boolean;
  visit: boolean;
  /** Who made it: the sender, or the Encounter's service provider and participants. */
  by: Reference[];
  /** A Communication addressed to the patient (its `recipient` names them). */
  toPatient: boolean;
}

function dayOf(value: string): CalendarDate | undefined {
  try {
    return calendarDateOf(value);
  } catch {
    return undefined;
  }
}

/**
 * A Communication about the patient (`subject`) as evidence: status done → a contact, status attempt → an
 * unsuccessful attempt. Dated by `sent`, else `received`, else when it was recorded (`meta.lastUpdated`).
 */
export function evidenceOfCommunication(communication: Communication, patientRef: string, table: EvidenceTable): Evidence | undefined {
  if (communication.subject?.reference !== patientRef) return undefined;
  const outcome = table.communicationDone.has(communication.status) ? 'done' : table.communicationAttempt.has(communication.status) ? 'attempt' : undefined;
  const instant = communication.sent ?? communication.received ?? communication.meta?.lastUpdated;
  const day = instant === undefined ? undefined : dayOf(instant);
  if (outcome === undefined || instant === undefined || day === undefined) return undefined;
  return {
    reference: `Communication/${communication.id}`,
    instant,
    day,
    outcome,
    contact: true,
    visit: false,
    by: communication.sender ? [communication.sender] : [],
    toPatient: (communication.recipient ?? []).some((recipient) => recipient.reference === patientRef),
  };
}

/** An Encounter of a contact or visit class, in a counting status, as evidence (dated by its start). */
export function evidenceOfEncounter(encounter: Encounter, table: EvidenceTable): Evidence | undefined {
  if (!table.encounterStatuses.has(encounter.status)) return undefined;
  const kinds = evidenceKindsOf(encounter.class, table);
  const instant = encounter.period?.start ?? encounter.period?.end;
  const day = instant === undefined ? undefined : dayOf(instant);
  if ((!kinds.contact && !kinds.visit) || instant === undefined || day === undefined) return undefined;
  const by = [...(encounter.serviceProvider ? [encounter.serviceProvider] : []), ...(encounter.participant ?? []).flatMap((p) => (p.individual ? [p.individual] : []))];
  return { reference: `Encounter/${encounter.id}`, instant, day, outcome: 'done', contact: kinds.contact, visit: kinds.visit, by, toPatient: false };
}

/** Orders evidence by when it happened (instants compared as instants where both parse). */
export function byTime(a: Evidence, b: Evidence): number {
  const left = Date.parse(a.instant);
  const right = Date.parse(b.instant);
  if (!Number.isNaN(left) && !Number.isNaN(right) && left !== right) return left - right;
  return a.instant.localeCompare(b.instant) || a.reference.localeCompare(b.reference);
}
