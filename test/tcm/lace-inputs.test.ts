import type { Condition, Encounter } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { countEdVisits, icd10CodesOf, isEmergencyAdmission } from '../../src/tcm/lace-inputs.ts';

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

function condition(system: string, code: string, verification?: string): Condition {
  const resource: Condition = { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, code: { coding: [{ system, code }] } };
  if (verification !== undefined) {
    resource.verificationStatus = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: verification }],
    };
  }
  return resource;
}

describe('icd10CodesOf', () => {
  it('reads ICD-10 codings by URL and OID and skips other systems, bad codes and refuted conditions', () => {
    const conditions: Condition[] = [
      condition('http://hl7.org/fhir/sid/icd-10-cm', 'I50.9'),
      condition('http://hl7.org/fhir/sid/icd-10', 'J44.1'),
      condition('http://hl7.org/fhir/sid/icd-10-uk', 'E11.9'),
      condition('urn:oid:2.16.840.1.113883.6.90', 'N18.4'),
      condition('http://snomed.info/sct', '84114007'),
      condition('http://hl7.org/fhir/sid/icd-10-cm', 'not a code'),
      condition('http://hl7.org/fhir/sid/icd-10-cm', 'C78.0', 'entered-in-error'),
      condition('http://hl7.org/fhir/sid/icd-10-cm', 'B20', 'refuted'),
      condition('http://hl7.org/fhir/sid/icd-10-cm', 'I21.4', 'confirmed'),
      { resourceType: 'Condition', subject: { reference: 'Patient/p1' } },
    ];
    expect(icd10CodesOf(conditions)).toEqual(['I50.9', 'J44.1', 'E11.9', 'N18.4', 'I21.4']);
  });
});

describe('isEmergencyAdmission', () => {
  const inpatient: Encounter = { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'IMP' } };
  it.each([
    ['no markers', inpatient, false],
    ['priority EM', { ...inpatient, priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'EM' }] } }, true],
    ['priority UR (urgent)', { ...inpatient, priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'UR' }] } }, false],
    ['priority EL (elective)', { ...inpatient, priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'EL' }] } }, false],
    ['admitSource emd', { ...inpatient, hospitalization: { admitSource: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/admit-source', code: 'emd' }] } } }, true],
    ['admitSource gp', { ...inpatient, hospitalization: { admitSource: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/admit-source', code: 'gp' }] } } }, false],
    ['PV1-4 E in type', { ...inpatient, type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0007', code: 'E' }] }] }, true],
    ['PV1-4 C (elective) in type', { ...inpatient, type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0007', code: 'C' }] }] }, false],
    ['NUBC type of admission 1', { ...inpatient, type: [{ coding: [{ system: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit', code: '1' }] }] }, true],
    ['EM without a system', { ...inpatient, priority: { coding: [{ code: 'EM' }] } }, false],
  ] as Array<[string, Encounter, boolean]>)('Encounter with %s → %s', (_label, encounter, expected) => {
    expect(isEmergencyAdmission(encounter)).toBe(expected);
  });

  it.each([
    [{ admissionType: 'E' }, true],
    [{ admissionType: 'U' }, false],
    [{ admissionType: 'R' }, false],
    [{ admitSource: 'emd' }, true],
    [{ priority: 'EM' }, true],
    [{}, false],
  ])('facts %j → %s', (facts, expected) => {
    expect(isEmergencyAdmission(facts)).toBe(expected);
  });
});

function ed(id: string, start: string | undefined, end?: string, status: Encounter['status'] = 'finished', code = 'EMER'): Encounter {
  const encounter: Encounter = { resourceType: 'Encounter', id, status, class: { system: ACT, code } };
  if (start !== undefined) encounter.period = end === undefined ? { start } : { start, end };
  return encounter;
}

describe('countEdVisits: ED encounters in the 6 months before the admission', () => {
  const admission = '2026-08-31T14:00:00+01:00'; // window: 2026-02-28 ≤ start day < 2026-08-31
  it.each([
    ['a visit in the window', [ed('a', '2026-05-10T10:00:00+01:00', '2026-05-10T15:00:00+01:00')], 1],
    ['on the first day of the window', [ed('a', '2026-02-28T09:00:00Z')], 1],
    ['the day before the window', [ed('a', '2026-02-27T23:00:00Z')], 0],
    ['the day before the admission', [ed('a', '2026-08-30T10:00:00+01:00', '2026-08-30T12:00:00+01:00')], 1],
    ['the ED visit that led to the admission (same day)', [ed('a', '2026-08-31T08:00:00+01:00', '2026-08-31T13:00:00+01:00')], 0],
    ['the ED visit that led to the admission (overnight)', [ed('a', '2026-08-30T22:00:00+01:00', '2026-08-31T03:00:00+01:00')], 0],
    ['after the admission', [ed('a', '2026-09-05T10:00:00+01:00')], 0],
    ['a cancelled visit', [ed('a', '2026-05-10T10:00:00+01:00', undefined, 'cancelled')], 0],
    ['an entered-in-error visit', [ed('a', '2026-05-10T10:00:00+01:00', undefined, 'entered-in-error')], 0],
    ['an outpatient (AMB) encounter', [ed('a', '2026-05-10T10:00:00+01:00', undefined, 'finished', 'AMB')], 0],
    ['a visit without a start', [ed('a', undefined)], 0],
    ['a visit with a month-only start', [ed('a', '2026-05')], 0],
    ['the same visit twice', [ed('a', '2026-05-10T10:00:00+01:00'), ed('a', '2026-05-10T10:00:00+01:00')], 1],
    [
      'five visits',
      ['03-01', '04-01', '05-01', '06-01', '07-01'].map((day, i) => ed(`v${i}`, `2026-${day}T10:00:00Z`, `2026-${day}T12:00:00Z`)),
      5,
    ],
  ])('%s → %i', (_label, encounters, expected) => {
    expect(countEdVisits(encounters, admission)).toBe(expected);
  });

  it('accepts the legacy ActCode URL', () => {
    const legacy: Encounter = { ...ed('a', '2026-05-10T10:00:00Z'), class: { system: 'http://hl7.org/fhir/v3/ActCode', code: 'EMER' } };
    expect(countEdVisits([legacy], admission)).toBe(1);
  });

  it('rejects an admission without a day', () => {
    expect(() => countEdVisits([], '2026-08')).toThrowError(/TCM|date/);
  });
});
