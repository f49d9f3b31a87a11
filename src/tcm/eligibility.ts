/**
 * Does a discharge start a TCM episode? (DOMAIN.md §5; CMS MLN908628 via SPECS.md §b6.) A finished inpatient,
 * observation or similar stay (the class table) with a discharge date, discharged to a community setting (the
 * disposition table). Death, transfer to another acute hospital and discharge to a skilled-nursing facility do not
 * qualify. Attribution to a practice and "one episode per patient per 30 days" are the caller's checks.
 */
import type { Coding, Encounter } from 'fhir/r4.js';
import { type CalendarDate, calendarDateOf } from './calendar-date.ts';
import { type DischargeOutcome, type DischargeTables, type DispositionEntry, lookUpDisposition, lookUpEncounterClass } from './discharge-tables.ts';

/** Why a discharge qualifies (`community-setting`) or does not. */
export type DischargeReason =
  | 'community-setting'
  | Exclude<DischargeOutcome, 'qualifies'>
  | 'disposition-missing'
  | 'disposition-unknown'
  | 'not-finished'
  | 'no-discharge-date'
  | 'setting-not-eligible';

/** The decision, with what it rests on. */
export interface DischargeClassification {
  qualifies: boolean;
  reason: DischargeReason;
  /** A person should confirm: the disposition is missing, unknown, too broad, or its codings disagree. */
  needsReview: boolean;
  /** Plain-language explanation for a worklist (no patient data). */
  detail: string;
  /** The discharge day (`Encounter.period.end` as written), when there is one. */
  dischargeDate?: CalendarDate;
  /** The table row that decided, when a disposition coding was recognised. */
  disposition?: DispositionEntry;
}

/** Most decisive first: any coding saying death wins over one saying home. */
const PRECEDENCE: readonly DischargeOutcome[] = ['death', 'acute-transfer', 'snf', 'other-not-qualifying', 'qualifies'];

function dayOf(value: string | undefined): CalendarDate | undefined {
  if (value === undefined) return undefined;
  try {
    return calendarDateOf(value);
  } catch {
    return undefined;
  }
}

function notQualifying(reason: DischargeReason, detail: string, needsReview: boolean, dischargeDate?: CalendarDate): DischargeClassification {
  const result: DischargeClassification = { qualifies: false, reason, needsReview, detail };
  if (dischargeDate !== undefined) result.dischargeDate = dischargeDate;
  return result;
}

/**
 * Classifies a discharge Encounter for TCM, checking in order:
 * 1. `status` is `finished` (otherwise `not-finished`);
 * 2. `period.end` gives a discharge day (otherwise `no-discharge-date`, for review when a partial date is present);
 * 3. `class` is an accepted setting from `mappings/tcm/encounter-classes.json`: v3 ActCode IMP, ACUTE, NONAC,
 *    OBSENC, SS, or HL7 v2 patient class I. Partial hospitalisation has no standard class code and qualifies only
 *    once its local code is added to that table. Otherwise `setting-not-eligible` (e.g. an ED visit, EMER);
 * 4. `hospitalization.dischargeDisposition` codings, looked up in `mappings/tcm/discharge-dispositions.json`
 *    (HL7 v2 0112, NUBC, FHIR discharge-disposition). When codings disagree, the most decisive outcome wins
 *    (death, acute transfer, SNF, other, community) and the result is flagged for review.
 *
 * A missing disposition (`disposition-missing`) or one with no recognised coding (`disposition-unknown`) does
 * **not** qualify and is flagged `needsReview`. CMS requires a discharge to a community setting, and nothing
 * shows one; assuming "home" would open episodes, and phone calls, for patients who died or were transferred,
 * and could bill TCM for an ineligible stay. The flag lets the caller put the discharge on a worklist for a
 * person to confirm instead of dropping it silently.
 */
export function classifyDischarge(encounter: Encounter, tables: DischargeTables): DischargeClassification {
  if (encounter.status !== 'finished') {
    return notQualifying('not-finished', `The encounter is ${encounter.status}, not finished`, false);
  }
  const end = encounter.period?.end;
  const dischargeDate = dayOf(end);
  if (dischargeDate === undefined) {
    return notQualifying('no-discharge-date', 'The encounter has no discharge day (period.end)', end !== undefined);
  }
  const cls: Coding | undefined = encounter.class;
  if (lookUpEncounterClass(cls, tables) === undefined) {
    const what = cls?.code === undefined ? 'no class' : `class ${cls.code}`;
    return notQualifying('setting-not-eligible', `The encounter has ${what}, not an inpatient or observation stay`, false, dischargeDate);
  }
  const disposition = encounter.hospitalization?.dischargeDisposition;
  const codings = disposition?.coding ?? [];
  if (codings.length === 0 && disposition?.text === undefined) {
    return notQualifying('disposition-missing', 'No discharge disposition: a person must confirm where the patient went', true, dischargeDate);
  }
  const entries = codings.map((coding) => lookUpDisposition(coding, tables)).filter((entry): entry is DispositionEntry => entry !== undefined);
  const decisive = PRECEDENCE.map((outcome) => entries.find((entry) => entry.outcome === outcome)).find((entry) => entry !== undefined);
  if (decisive === undefined) {
    return notQualifying('disposition-unknown', 'The discharge disposition is not a known code: a person must confirm it', true, dischargeDate);
  }
  const disagree = new Set(entries.map((entry) => entry.outcome)).size > 1;
  const needsReview = disagree || entries.some((entry) => entry.review);
  const reason: DischargeReason = decisive.outcome === 'qualifies' ? 'community-setting' : decisive.outcome;
  const detail = `${decisive.display}${disagree ? ' (the disposition codings disagree)' : ''}`;
  return { qualifies: decisive.outcome === 'qualifies', reason, needsReview, detail, dischargeDate, disposition: decisive };
}
