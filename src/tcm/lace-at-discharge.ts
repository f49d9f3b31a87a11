/**
 * LACE at discharge, read from the store (DOMAIN.md §5; van Walraven et al., CMAJ 2010): L from the discharge
 * Encounter's period, A from its priority / admit source / admission type (PV1-4), C from the patient's
 * Conditions with ICD-10 codes via the Charlson map, E from the patient's ED Encounters in the 6 months before
 * the admission. Stored as a `RiskAssessment` named after the discharge (`lace-<encounter>`).
 */
import type { Condition, Encounter, Reference, RiskAssessment } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { calendarDateOf } from './calendar-date.ts';
import type { CharlsonMap } from './charlson.ts';
import { dayBound } from './attribution.ts';
import { laceIdOf } from './episode-ids.ts';
import { findAll, referenceFilter, tokenFilter } from './find-all.ts';
import { computeLace, type LaceScore } from './lace.ts';
import { countEdVisits, icd10CodesOf, isEmergencyAdmission } from './lace-inputs.ts';
import { buildLaceRiskAssessment } from './lace-risk-assessment.ts';

/** LACE and the RiskAssessment that records it. */
export interface LaceAtDischarge {
  lace: LaceScore;
  assessment: RiskAssessment;
}

/** Conditions recorded (or, lacking that, with onset) after the discharge day were not known at discharge. */
function knownAt(condition: Condition, dischargeDay: string): boolean {
  const when = condition.recordedDate ?? condition.onsetDateTime;
  return when === undefined || dayBound(when, 'start') <= dischargeDay;
}

/** Computes LACE, falling back to a same-day stay when the admission start is missing or unusable. */
function laceFor(encounter: Encounter, dischargeEnd: string, conditions: Condition[], edVisits: number, charlson: CharlsonMap): LaceScore {
  const input = { dischargeEnd, emergencyAdmission: isEmergencyAdmission(encounter), conditions, edVisitsLast6Months: edVisits };
  const start = encounter.period?.start;
  if (start !== undefined) {
    try {
      return computeLace({ ...input, admissionStart: start }, charlson);
    } catch (error) {
      if (!(error instanceof GatewayError) || (error.code !== 'TCM-INVALID-DATE' && error.code !== 'TCM-INVALID-LACE-INPUT')) throw error;
    }
  }
  return computeLace({ ...input, admissionStart: dischargeEnd }, charlson);
}

/**
 * Assesses LACE for a qualifying discharge Encounter (which has `period.end`). Reads the patient's
 * Conditions and ED Encounters through `store` (inside the discharge's transaction).
 */
export async function assessLaceAtDischarge(store: FhirStore, encounter: Encounter, patientId: string, charlson: CharlsonMap): Promise<LaceAtDischarge> {
  const dischargeEnd = encounter.period?.end ?? '';
  const dischargeDay = calendarDateOf(dischargeEnd);
  const patient = referenceFilter('patient', [`Patient/${patientId}`]);
  const conditions = (await findAll<Condition>(store, 'Condition', [patient])).filter((condition) => knownAt(condition, dischargeDay));
  const emergencies = await findAll<Encounter>(store, 'Encounter', [patient, tokenFilter('class', ['EMER'])]);
  const admissionStart = encounter.period?.start ?? dischargeEnd;
  const counted = safeEdVisits(emergencies, admissionStart);
  const lace = laceFor(encounter, dischargeEnd, conditions, counted.length, charlson);
  const charlsonCodes = new Set(lace.charlsonCategories.flatMap((finding) => finding.codes));
  const basis: Reference[] = [
    ...conditions.filter((condition) => icd10CodesOf([condition]).some((code) => charlsonCodes.has(code))).map((c) => ({ reference: `Condition/${c.id}` })),
    ...counted.map((visit) => ({ reference: `Encounter/${visit.id}` })),
  ];
  const assessment = buildLaceRiskAssessment({
    lace,
    subject: { reference: `Patient/${patientId}` },
    encounter: { reference: `Encounter/${encounter.id}` },
    basis,
  });
  return { lace, assessment: { ...assessment, id: laceIdOf(encounter.id ?? '') } };
}

/** The ED visits that count for E (see `countEdVisits`); none when the admission day is unusable. */
function safeEdVisits(emergencies: Encounter[], admissionStart: string): Encounter[] {
  try {
    return emergencies.filter((visit) => countEdVisits([visit], admissionStart) === 1);
  } catch {
    return [];
  }
}
