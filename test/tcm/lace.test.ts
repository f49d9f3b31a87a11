import type { Condition } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { loadCharlsonMap } from '../../src/tcm/charlson.ts';
import { computeLace, scoreComorbidity, scoreEdVisits, scoreLengthOfStay } from '../../src/tcm/lace.ts';

const charlson = loadCharlsonMap();

describe('LACE component tables (van Walraven 2010)', () => {
  it.each([
    [0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 4], [6, 4], [7, 5], [10, 5], [13, 5], [14, 7], [30, 7], [200, 7],
  ])('L: %i days → %i', (days, points) => {
    expect(scoreLengthOfStay(days)).toBe(points);
  });

  it.each([[0, 0], [1, 1], [2, 2], [3, 3], [4, 5], [6, 5], [15, 5]])('C: Charlson %i → %i', (score, points) => {
    expect(scoreComorbidity(score)).toBe(points);
  });

  it.each([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 4], [12, 4]])('E: %i ED visits → %i', (visits, points) => {
    expect(scoreEdVisits(visits)).toBe(points);
  });

  it.each([-1, 1.5, Number.NaN])('rejects the count %s', (value) => {
    expect(() => scoreLengthOfStay(value)).toThrowError(/whole number/);
    expect(() => scoreEdVisits(value)).toThrowError(/whole number/);
  });
});

// Hand-computed examples: the arithmetic is in the label; the Charlson weights are the 1987 ones.
const examples: ReadonlyArray<[string, string, string, boolean, string[], number, [number, number, number, number], number]> = [
  // label, admission, discharge, emergency, ICD-10 codes, ED visits, [L, A, C, E], total
  ['5 days → L4; emergency → A3; CHF 1 + diabetes 1 = 2 → C2; 3 visits → E3; 4+3+2+3 = 12',
    '2026-03-02T10:00:00+00:00', '2026-03-07T15:00:00+00:00', true, ['I50.9', 'E11.9'], 3, [4, 3, 2, 3], 12],
  ['same day → L0; elective → A0; none → C0; 0 visits → E0; total 0',
    '2026-05-11T08:00:00+01:00', '2026-05-11T18:00:00+01:00', false, [], 0, [0, 0, 0, 0], 0],
  ['overnight = 1 day → L1; A3; COPD 1 + MI 1 + renal 2 = 4 → C5; E0; 1+3+5+0 = 9 (moderate)',
    '2026-06-01T23:00:00-04:00', '2026-06-02T09:00:00-04:00', true, ['J44.1', 'I21.4', 'N18.4'], 0, [1, 3, 5, 0], 9],
  ['14 days → L7; A0; metastatic 6 (supersedes lung cancer 2) → C5; 5 visits → E4; 7+0+5+4 = 16',
    '2026-09-01', '2026-09-15', false, ['C34.1', 'C78.0'], 5, [7, 0, 5, 4], 16],
  ['3 days → L3; A3; complicated diabetes 2 (supersedes 1) → C2; 2 visits → E2; 3+3+2+2 = 10 (threshold: high)',
    '2026-10-05T12:00:00Z', '2026-10-08T12:00:00Z', true, ['E11.22', 'E11.9'], 2, [3, 3, 2, 2], 10],
  ['7 days → L5; A0; severe liver 3 (supersedes mild 1) → C3; 1 visit → E1; 5+0+3+1 = 9',
    '2026-11-02', '2026-11-09', false, ['K70.30', 'I85.0'], 1, [5, 0, 3, 1], 9],
  ['13 days → L5; A3; HIV 6 → C5; E0; 5+3+5+0 = 13',
    '2026-07-01', '2026-07-14', true, ['B20'], 0, [5, 3, 5, 0], 13],
  ['Jan 28 → Feb 3 = 6 days → L4; A0; dementia 1 + hemiplegia 2 = 3 → C3; 4 visits → E4; 4+0+3+4 = 11',
    '2026-01-28T16:00:00Z', '2026-02-03T11:00:00Z', false, ['F03', 'G81.9'], 4, [4, 0, 3, 4], 11],
  ['Feb 27 → Mar 1 2028 over the leap day = 3 days → L3; A3; C0; 4 visits → E4; 3+3+0+4 = 10',
    '2028-02-27T20:00:00-05:00', '2028-03-01T10:00:00-05:00', true, [], 4, [3, 3, 0, 4], 10],
  ['4 days → L4; A0; MI 1 (three MI codes count once) → C1; E0; 4+0+1+0 = 5',
    '2026-12-29', '2027-01-02', false, ['I21.0', 'I22.1', 'I25.2'], 0, [4, 0, 1, 0], 5],
  ['2 days → L2; A3; C0; 1 visit → E1; 2+3+0+1 = 6 (local days, not UTC: 23:30+01:00 is still day 1)',
    '2026-04-01T23:30:00+01:00', '2026-04-03T00:30:00+01:00', true, [], 1, [2, 3, 0, 1], 6],
];

describe('computeLace: hand-computed examples', () => {
  it.each(examples)('%s', (_label, admissionStart, dischargeEnd, emergencyAdmission, icd10Codes, edVisitsLast6Months, points, total) => {
    const lace = computeLace({ admissionStart, dischargeEnd, emergencyAdmission, icd10Codes, edVisitsLast6Months }, charlson);
    expect([lace.L, lace.A, lace.C, lace.E]).toEqual(points);
    expect(lace.total).toBe(total);
    expect(lace.highRisk).toBe(total >= 10);
    expect(lace.complexity).toBe(total >= 10 ? 'high' : 'moderate');
  });

  it('reads the Conditions and adds the direct codes', () => {
    const conditions: Condition[] = [
      { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I50.9' }] } },
      { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] } },
    ];
    const lace = computeLace(
      { admissionStart: '2026-03-02', dischargeEnd: '2026-03-06', emergencyAdmission: false, conditions, icd10Codes: ['N18.4'], edVisitsLast6Months: 0 },
      charlson,
    );
    // 4 days → L4; A0; CHF 1 + renal 2 = 3 → C3; E0; total 7.
    expect(lace).toMatchObject({ lengthOfStayDays: 4, charlsonScore: 3, L: 4, A: 0, C: 3, E: 0, total: 7, admissionDate: '2026-03-02', dischargeDate: '2026-03-06' });
    expect(lace.charlsonCategories.map((c) => c.id)).toEqual(['congestive-heart-failure', 'renal-disease']);
  });

  it.each([
    [{ admissionStart: '2026-03-07', dischargeEnd: '2026-03-02' }, /before the admission/],
    [{ admissionStart: '2026-03', dischargeEnd: '2026-03-02' }, /date/],
    [{ edVisitsLast6Months: -1 }, /whole number/],
    [{ icd10Codes: ['heart failure'] }, /ICD-10/],
  ])('rejects %j', (override, message) => {
    const input = { admissionStart: '2026-03-02', dischargeEnd: '2026-03-04', emergencyAdmission: false, edVisitsLast6Months: 0, ...override };
    expect(() => computeLace(input, charlson)).toThrowError(message);
  });
});
