/**
 * The LACE index at discharge (van Walraven C, et al. CMAJ 2010;182(6):551-557), as DOMAIN.md §5 uses it to
 * start the TCM complexity: LACE ≥ 10 is high risk → high complexity (CPT 99496), otherwise moderate (99495).
 *
 * - L, length of stay in whole days between the admission and discharge calendar days: <1 → 0, 1 → 1, 2 → 2,
 *   3 → 3, 4–6 → 4, 7–13 → 5, ≥14 → 7.
 * - A, acuity: an emergency admission → 3, otherwise 0.
 * - C, Charlson comorbidity score: 0 → 0, 1 → 1, 2 → 2, 3 → 3, ≥4 → 5.
 * - E, ED visits in the 6 months before the admission: 0 … ≥4 → 0 … 4.
 */
import type { Condition } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { type CalendarDate, calendarDateOf, daysBetween } from './calendar-date.ts';
import { type CharlsonFinding, type CharlsonMap, scoreCharlson } from './charlson.ts';
import type { TcmComplexity } from './deadlines.ts';
import { icd10CodesOf } from './lace-inputs.ts';

/** Input of {@link computeLace}. */
export interface LaceInput {
  /** `Encounter.period.start` (or a calendar date): its calendar day as written, see `calendarDateOf`. */
  admissionStart: string;
  /** `Encounter.period.end` (or a calendar date). */
  dischargeEnd: string;
  /** From `isEmergencyAdmission` or the caller's own rule. */
  emergencyAdmission: boolean;
  /** The patient's Conditions known at discharge; their ICD-10 codings are read (see `icd10CodesOf`). */
  conditions?: readonly Condition[];
  /** ICD-10 codes given directly, added to those of `conditions`. */
  icd10Codes?: readonly string[];
  /** From `countEdVisits` or the caller's own count. */
  edVisitsLast6Months: number;
}

/** The LACE components, the inputs they came from, the total and what it means for TCM. */
export interface LaceScore {
  admissionDate: CalendarDate;
  dischargeDate: CalendarDate;
  /** The discharge value as given, the natural `occurrenceDateTime` of the RiskAssessment. */
  dischargeEnd: string;
  lengthOfStayDays: number;
  emergencyAdmission: boolean;
  charlsonScore: number;
  charlsonCategories: CharlsonFinding[];
  edVisits: number;
  L: number;
  A: number;
  C: number;
  E: number;
  total: number;
  /** LACE ≥ 10. */
  highRisk: boolean;
  complexity: TcmComplexity;
}

/** LACE ≥ 10 is high risk (DOMAIN.md §5). */
export const LACE_HIGH_RISK_THRESHOLD = 10;

function requireCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new GatewayError('TCM-INVALID-LACE-INPUT', 'invalid', `${what} must be a whole number ≥ 0, not ${value}`);
  }
}

/** L points for a length of stay in whole days (van Walraven 2010, Table 3). */
export function scoreLengthOfStay(days: number): number {
  requireCount(days, 'Length of stay');
  if (days < 4) return days;
  if (days <= 6) return 4;
  if (days <= 13) return 5;
  return 7;
}

/** A points: 3 for an emergency (acute) admission. */
export function scoreAcuity(emergencyAdmission: boolean): number {
  return emergencyAdmission ? 3 : 0;
}

/** C points for a Charlson comorbidity score. */
export function scoreComorbidity(charlsonScore: number): number {
  requireCount(charlsonScore, 'Charlson score');
  return charlsonScore >= 4 ? 5 : charlsonScore;
}

/** E points for the ED visits in the previous 6 months. */
export function scoreEdVisits(visits: number): number {
  requireCount(visits, 'ED visits');
  return Math.min(visits, 4);
}

/**
 * Computes LACE for one discharge. Throws `TCM-INVALID-DATE` for bad dates, `TCM-INVALID-LACE-INPUT` (400) when
 * the discharge precedes the admission or a count is not a whole number, `TCM-INVALID-CODE` for a bad ICD-10 code.
 */
export function computeLace(input: LaceInput, charlson: CharlsonMap): LaceScore {
  const admissionDate = calendarDateOf(input.admissionStart);
  const dischargeDate = calendarDateOf(input.dischargeEnd);
  const lengthOfStayDays = daysBetween(admissionDate, dischargeDate);
  if (lengthOfStayDays < 0) {
    throw new GatewayError('TCM-INVALID-LACE-INPUT', 'invalid', 'The discharge is before the admission');
  }
  const codes = [...icd10CodesOf(input.conditions ?? []), ...(input.icd10Codes ?? [])];
  const comorbidity = scoreCharlson(codes, charlson);
  const L = scoreLengthOfStay(lengthOfStayDays);
  const A = scoreAcuity(input.emergencyAdmission);
  const C = scoreComorbidity(comorbidity.score);
  const E = scoreEdVisits(input.edVisitsLast6Months);
  const total = L + A + C + E;
  const highRisk = total >= LACE_HIGH_RISK_THRESHOLD;
  return {
    admissionDate,
    dischargeDate,
    dischargeEnd: input.dischargeEnd,
    lengthOfStayDays,
    emergencyAdmission: input.emergencyAdmission,
    charlsonScore: comorbidity.score,
    charlsonCategories: comorbidity.categories,
    edVisits: input.edVisitsLast6Months,
    L,
    A,
    C,
    E,
    total,
    highRisk,
    complexity: highRisk ? 'high' : 'moderate',
  };
}
