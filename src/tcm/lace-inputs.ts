/**
 * Reading the LACE inputs (van Walraven et al. CMAJ 2010; DOMAIN.md §5) from FHIR R4 resources: the ICD-10 codes
 * of the patient's Conditions (for C), whether the admission was an emergency (A), and the ED visits in the
 * 6 months before the admission (E).
 */
import type { CodeableConcept, Coding, Condition, Encounter } from 'fhir/r4.js';
import { addMonths, type CalendarDate, calendarDateOf } from './calendar-date.ts';
import { isIcd10Code } from './charlson.ts';

const ICD10_SYSTEMS = new Set([
  'http://hl7.org/fhir/sid/icd-10',
  'http://hl7.org/fhir/sid/icd-10-cm',
  'http://hl7.org/fhir/sid/icd-10-uk',
  'urn:oid:2.16.840.1.113883.6.3',
  'urn:oid:2.16.840.1.113883.6.90',
]);
const ACT_CODE_SYSTEMS = new Set(['http://terminology.hl7.org/CodeSystem/v3-ActCode', 'http://hl7.org/fhir/v3/ActCode']);
const VERIFICATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const EXCLUDED_VERIFICATION = new Set(['entered-in-error', 'refuted']);
const EXCLUDED_ENCOUNTER_STATUS = new Set(['planned', 'cancelled', 'entered-in-error']);

/** Emergency markers: each is a code system and the codes in it that mean an emergency admission. */
const EMERGENCY_CODES: ReadonlyArray<[system: string, codes: readonly string[]]> = [
  ['http://terminology.hl7.org/CodeSystem/v3-ActPriority', ['EM']], // Encounter.priority
  ['http://terminology.hl7.org/CodeSystem/admit-source', ['emd']], // hospitalization.admitSource: from A&E / ED
  ['http://terminology.hl7.org/CodeSystem/v2-0007', ['E']], // PV1-4 admission type, when carried in Encounter.type
  ['https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit', ['1']], // UB-04 FL14 type of admission
];

function codings(concepts: ReadonlyArray<CodeableConcept | undefined>): Coding[] {
  return concepts.flatMap((concept) => concept?.coding ?? []);
}

function hasCoding(list: readonly Coding[], system: string, codes: readonly string[]): boolean {
  return list.some((coding) => coding.system === system && coding.code !== undefined && codes.includes(coding.code));
}

/**
 * The ICD-10 / ICD-10-CM codes of the Conditions (code.coding with an ICD-10 system URL or OID). Conditions
 * whose verificationStatus is `entered-in-error` or `refuted` are skipped; every clinical status counts, as
 * Charlson scores a history ("resolved" myocardial infarction still counts). Codings whose code is not shaped
 * like ICD-10 are ignored. Which Conditions are "known at discharge" is the caller's choice.
 */
export function icd10CodesOf(conditions: readonly Condition[]): string[] {
  const codes: string[] = [];
  for (const condition of conditions) {
    if (hasCoding(codings([condition.verificationStatus]), VERIFICATION_SYSTEM, [...EXCLUDED_VERIFICATION])) continue;
    for (const coding of condition.code?.coding ?? []) {
      if (coding.system !== undefined && ICD10_SYSTEMS.has(coding.system) && coding.code !== undefined && isIcd10Code(coding.code)) {
        codes.push(coding.code);
      }
    }
  }
  return codes;
}

/** The plain facts an HL7 v2 feed gives about the admission, for callers without an Encounter. */
export interface AdmissionFacts {
  /** PV1-4 admission type (HL7 table 0007): `E` is an emergency. */
  admissionType?: string;
  /** FHIR admit-source code: `emd` (from accident/emergency department) is an emergency. */
  admitSource?: string;
  /** v3 ActPriority code: `EM` is an emergency. */
  priority?: string;
}

function isEncounter(source: Encounter | AdmissionFacts): source is Encounter {
  return 'resourceType' in source && source.resourceType === 'Encounter';
}

/**
 * True when the admission was an emergency, the A of LACE. An Encounter is an emergency admission when any of
 * `priority` (v3 ActPriority `EM`), `hospitalization.admitSource` (`emd`), `type` (HL7 v2 table 0007 `E`, i.e.
 * PV1-4) or `type` (NUBC priority/type of admission `1`) says so. Urgent (`UR`, 0007 `U`, NUBC `2`), accident
 * (0007 `A`) and trauma (NUBC `5`) are not counted unless one of the emergency markers is also present.
 */
export function isEmergencyAdmission(source: Encounter | AdmissionFacts): boolean {
  if (!isEncounter(source)) {
    return source.admissionType === 'E' || source.admitSource === 'emd' || source.priority === 'EM';
  }
  const all = codings([source.priority, source.hospitalization?.admitSource, ...(source.type ?? [])]);
  return EMERGENCY_CODES.some(([system, codes]) => hasCoding(all, system, codes));
}

/** The calendar day of a stored value, or undefined when it has none (absent, partial such as `2026-01`, bad). */
function dayOrUndefined(value: string | undefined): CalendarDate | undefined {
  if (value === undefined) return undefined;
  try {
    return calendarDateOf(value);
  } catch {
    return undefined;
  }
}

/**
 * The ED visits in the 6 months before the admission, the E of LACE: Encounters whose `class` is v3 ActCode
 * `EMER`, not planned, cancelled or entered-in-error, counted once per id, whose start day is on or after the
 * admission day minus 6 calendar months and before the admission day. An ED visit still running on the
 * admission day (its end day on or after the admission day) is the visit that led to this admission and is not
 * counted. A visit whose start has no day (absent or partial) is not counted; an end without a day is ignored.
 * Days are calendar days as written (see `calendarDateOf`); a bad `admissionStart` throws `TCM-INVALID-DATE`.
 */
export function countEdVisits(encounters: readonly Encounter[], admissionStart: string): number {
  const admissionDay = calendarDateOf(admissionStart);
  const windowStart: CalendarDate = addMonths(admissionDay, -6);
  const seen = new Set<string>();
  let count = 0;
  for (const encounter of encounters) {
    const cls: Coding | undefined = encounter.class;
    if (cls?.code !== 'EMER' || cls.system === undefined || !ACT_CODE_SYSTEMS.has(cls.system)) continue;
    if (EXCLUDED_ENCOUNTER_STATUS.has(encounter.status)) continue;
    const startDay = dayOrUndefined(encounter.period?.start);
    if (startDay === undefined || startDay < windowStart || startDay >= admissionDay) continue;
    const endDay = dayOrUndefined(encounter.period?.end);
    if (endDay !== undefined && endDay >= admissionDay) continue;
    if (encounter.id !== undefined) {
      if (seen.has(encounter.id)) continue;
      seen.add(encounter.id);
    }
    count += 1;
  }
  return count;
}
