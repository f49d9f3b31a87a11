/**
 * The LACE score as a FHIR R4 `RiskAssessment` (van Walraven et al. CMAJ 2010; DOMAIN.md §5), so the complexity
 * the TCM episode starts from is stored with its arithmetic. The component points are carried in repeated
 * `https://carebridge.dev/fhir/StructureDefinition/lace-component` extensions and spelled out in a note.
 * No id is assigned: the caller (the store) does that.
 */
import type { Extension, Reference, RiskAssessment } from 'fhir/r4.js';
import { LACE_HIGH_RISK_THRESHOLD, type LaceScore } from './lace.ts';

/**
 * A complex extension, one per LACE component, with sub-extensions `component` (valueCode L, A, C or E),
 * `points` (valueInteger) and `value`: the input that scored them (L: valueQuantity in days; A: valueBoolean
 * emergency admission; C: valueInteger Charlson score; E: valueInteger ED visits in the previous 6 months).
 */
export const LACE_COMPONENT_URL = 'https://carebridge.dev/fhir/StructureDefinition/lace-component';
const RISK_PROBABILITY = 'http://terminology.hl7.org/CodeSystem/risk-probability';
const OUTCOME_TEXT = 'Death or unplanned readmission within 30 days of discharge';

/** Input of {@link buildLaceRiskAssessment}. */
export interface LaceRiskAssessmentInput {
  lace: LaceScore;
  /** The Patient. */
  subject: Reference;
  /** The discharge Encounter. */
  encounter: Reference;
  /** When LACE was computed; defaults to the discharge (`lace.dischargeEnd`). */
  occurrenceDateTime?: string;
  /** What the score was computed from: the Conditions and ED Encounters that contributed. */
  basis?: Reference[];
  performer?: Reference;
}

function component(code: 'L' | 'A' | 'C' | 'E', points: number, value: Extension): Extension {
  return {
    url: LACE_COMPONENT_URL,
    extension: [{ url: 'component', valueCode: code }, { url: 'points', valueInteger: points }, value],
  };
}

/** The arithmetic in words, e.g. "LACE 12 = L 4 (length of stay 5 days) + A 3 (emergency admission) + …". */
export function describeLace(lace: LaceScore): string {
  const days = lace.lengthOfStayDays === 1 ? 'day' : 'days';
  const visits = lace.edVisits === 1 ? 'visit' : 'visits';
  return (
    `LACE ${lace.total} = L ${lace.L} (length of stay ${lace.lengthOfStayDays} ${days})` +
    ` + A ${lace.A} (${lace.emergencyAdmission ? 'emergency' : 'non-emergency'} admission)` +
    ` + C ${lace.C} (Charlson score ${lace.charlsonScore})` +
    ` + E ${lace.E} (${lace.edVisits} ED ${visits} in the 6 months before admission);` +
    ` ${lace.highRisk ? 'high risk (≥ 10): high complexity, CPT 99496' : 'below 10: moderate complexity, CPT 99495'}`
  );
}

/**
 * Builds the RiskAssessment: status final, `method.text` "LACE index", one prediction of death or unplanned
 * readmission within 30 days with `qualitativeRisk` high (LACE ≥ 10) or moderate (below 10: the TCM complexity
 * threshold, not the "low" band 0–4 some LACE users report), the basis references, the component extensions
 * and the arithmetic as a note.
 */
export function buildLaceRiskAssessment(input: LaceRiskAssessmentInput): RiskAssessment {
  const { lace } = input;
  const risk = lace.highRisk ? { code: 'high', display: 'High likelihood' } : { code: 'moderate', display: 'Moderate likelihood' };
  const assessment: RiskAssessment = {
    resourceType: 'RiskAssessment',
    extension: [
      component('L', lace.L, {
        url: 'value',
        valueQuantity: { value: lace.lengthOfStayDays, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
      }),
      component('A', lace.A, { url: 'value', valueBoolean: lace.emergencyAdmission }),
      component('C', lace.C, { url: 'value', valueInteger: lace.charlsonScore }),
      component('E', lace.E, { url: 'value', valueInteger: lace.edVisits }),
    ],
    status: 'final',
    method: { text: 'LACE index' },
    code: { text: 'LACE index for 30-day readmission or death' },
    subject: input.subject,
    encounter: input.encounter,
    occurrenceDateTime: input.occurrenceDateTime ?? lace.dischargeEnd,
    prediction: [
      {
        outcome: { text: OUTCOME_TEXT },
        qualitativeRisk: { coding: [{ system: RISK_PROBABILITY, ...risk }], text: `LACE ${lace.total}` },
        rationale: `LACE ${lace.total} ${lace.highRisk ? '≥' : '<'} ${LACE_HIGH_RISK_THRESHOLD}`,
      },
    ],
    note: [{ text: describeLace(lace) }],
  };
  if (input.performer !== undefined) assessment.performer = input.performer;
  if (input.basis !== undefined && input.basis.length > 0) assessment.basis = input.basis;
  return assessment;
}
