import { describe, expect, it } from 'vitest';
import { loadCharlsonMap } from '../../src/tcm/charlson.ts';
import { computeLace } from '../../src/tcm/lace.ts';
import { buildLaceRiskAssessment, describeLace, LACE_COMPONENT_URL } from '../../src/tcm/lace-risk-assessment.ts';

const charlson = loadCharlsonMap();
// 5 days → L4; emergency → A3; CHF 1 + diabetes 1 → C2; 3 visits → E3; total 12.
const high = computeLace(
  { admissionStart: '2026-03-02T10:00:00+00:00', dischargeEnd: '2026-03-07T15:00:00+00:00', emergencyAdmission: true, icd10Codes: ['I50.9', 'E11.9'], edVisitsLast6Months: 3 },
  charlson,
);
// 1 day → L1; A0; C0; 1 visit → E1; total 2.
const moderate = computeLace(
  { admissionStart: '2026-03-02', dischargeEnd: '2026-03-03', emergencyAdmission: false, edVisitsLast6Months: 1 },
  charlson,
);

describe('buildLaceRiskAssessment', () => {
  it('builds a final RiskAssessment with the components, the risk and the arithmetic', () => {
    const assessment = buildLaceRiskAssessment({
      lace: high,
      subject: { reference: 'Patient/p1' },
      encounter: { reference: 'Encounter/e1' },
      basis: [{ reference: 'Condition/c1' }, { reference: 'Encounter/ed1' }],
    });
    expect(assessment).toMatchObject({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/p1' },
      encounter: { reference: 'Encounter/e1' },
      occurrenceDateTime: '2026-03-07T15:00:00+00:00',
      method: { text: 'LACE index' },
      basis: [{ reference: 'Condition/c1' }, { reference: 'Encounter/ed1' }],
    });
    expect(assessment.id).toBeUndefined();
    expect(assessment.prediction?.[0]?.qualitativeRisk?.coding).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/risk-probability', code: 'high', display: 'High likelihood' },
    ]);
    expect(assessment.prediction?.[0]?.rationale).toBe('LACE 12 ≥ 10');
    expect(assessment.note?.[0]?.text).toBe(
      'LACE 12 = L 4 (length of stay 5 days) + A 3 (emergency admission) + C 2 (Charlson score 2)' +
        ' + E 3 (3 ED visits in the 6 months before admission); high risk (≥ 10): high complexity, CPT 99496',
    );
    expect(assessment.extension).toEqual([
      {
        url: LACE_COMPONENT_URL,
        extension: [
          { url: 'component', valueCode: 'L' },
          { url: 'points', valueInteger: 4 },
          { url: 'value', valueQuantity: { value: 5, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } },
        ],
      },
      { url: LACE_COMPONENT_URL, extension: [{ url: 'component', valueCode: 'A' }, { url: 'points', valueInteger: 3 }, { url: 'value', valueBoolean: true }] },
      { url: LACE_COMPONENT_URL, extension: [{ url: 'component', valueCode: 'C' }, { url: 'points', valueInteger: 2 }, { url: 'value', valueInteger: 2 }] },
      { url: LACE_COMPONENT_URL, extension: [{ url: 'component', valueCode: 'E' }, { url: 'points', valueInteger: 3 }, { url: 'value', valueInteger: 3 }] },
    ]);
  });

  it('codes a score below 10 as moderate and omits empty optional elements', () => {
    const assessment = buildLaceRiskAssessment({
      lace: moderate,
      subject: { reference: 'Patient/p1' },
      encounter: { reference: 'Encounter/e2' },
      occurrenceDateTime: '2026-03-03T18:00:00Z',
      basis: [],
    });
    expect(assessment.prediction?.[0]?.qualitativeRisk?.coding?.[0]?.code).toBe('moderate');
    expect(assessment.occurrenceDateTime).toBe('2026-03-03T18:00:00Z');
    expect(assessment.basis).toBeUndefined();
    expect(assessment.performer).toBeUndefined();
    expect(describeLace(moderate)).toBe(
      'LACE 2 = L 1 (length of stay 1 day) + A 0 (non-emergency admission) + C 0 (Charlson score 0)' +
        ' + E 1 (1 ED visit in the 6 months before admission); below 10: moderate complexity, CPT 99495',
    );
  });
});
