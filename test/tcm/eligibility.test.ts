import type { Coding, Encounter } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { loadDischargeTables, validateDischargeTables } from '../../src/tcm/discharge-tables.ts';
import { classifyDischarge } from '../../src/tcm/eligibility.ts';

const tables = loadDischargeTables();
const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0112';
const NUBC = 'https://www.nubc.org/CodeSystem/PatDischargeStatus';
const FHIR = 'http://terminology.hl7.org/CodeSystem/discharge-disposition';

function discharge(codings: Coding[] | undefined, overrides: Partial<Encounter> = {}): Encounter {
  const encounter: Encounter = {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: ACT, code: 'IMP' },
    period: { start: '2026-04-01T09:00:00+01:00', end: '2026-04-06T16:30:00+01:00' },
    ...overrides,
  };
  if (codings !== undefined) encounter.hospitalization = { dischargeDisposition: { coding: codings } };
  return encounter;
}

describe('classifyDischarge: dispositions in the three code systems', () => {
  it.each([
    // FHIR R4 discharge-disposition: every code.
    [FHIR, 'home', true, 'community-setting', false],
    [FHIR, 'alt-home', true, 'community-setting', false],
    [FHIR, 'aadvice', true, 'community-setting', false],
    [FHIR, 'exp', false, 'death', false],
    [FHIR, 'snf', false, 'snf', false],
    [FHIR, 'other-hcf', false, 'other-not-qualifying', false],
    [FHIR, 'hosp', false, 'other-not-qualifying', true],
    [FHIR, 'long', false, 'other-not-qualifying', false],
    [FHIR, 'psy', false, 'other-not-qualifying', false],
    [FHIR, 'rehab', false, 'other-not-qualifying', false],
    [FHIR, 'oth', false, 'other-not-qualifying', true],
    // HL7 v2 table 0112 (PV1-36).
    [V2, '01', true, 'community-setting', false],
    [V2, '02', false, 'acute-transfer', false],
    [V2, '03', false, 'snf', false],
    [V2, '04', false, 'other-not-qualifying', false],
    [V2, '05', false, 'other-not-qualifying', true],
    [V2, '06', true, 'community-setting', false],
    [V2, '07', true, 'community-setting', false],
    [V2, '08', true, 'community-setting', false],
    [V2, '09', false, 'other-not-qualifying', false],
    [V2, '15', false, 'other-not-qualifying', true],
    [V2, '20', false, 'death', false],
    [V2, '25', false, 'death', false],
    [V2, '30', false, 'other-not-qualifying', false],
    [V2, '41', false, 'death', false],
    // NUBC UB-04 patient discharge status.
    [NUBC, '01', true, 'community-setting', false],
    [NUBC, '02', false, 'acute-transfer', false],
    [NUBC, '03', false, 'snf', false],
    [NUBC, '04', false, 'other-not-qualifying', true],
    [NUBC, '05', false, 'acute-transfer', false],
    [NUBC, '06', true, 'community-setting', false],
    [NUBC, '20', false, 'death', false],
    [NUBC, '21', false, 'other-not-qualifying', false], // court/law enforcement, not "expired" as in v2 0112
    [NUBC, '42', false, 'death', false],
    [NUBC, '50', true, 'community-setting', true],
    [NUBC, '51', false, 'other-not-qualifying', false],
    [NUBC, '61', false, 'snf', false],
    [NUBC, '62', false, 'other-not-qualifying', false],
    [NUBC, '63', false, 'other-not-qualifying', false],
    [NUBC, '65', false, 'other-not-qualifying', false],
    [NUBC, '66', false, 'acute-transfer', false],
    [NUBC, '81', true, 'community-setting', false],
    [NUBC, '83', false, 'snf', false],
    [NUBC, '86', true, 'community-setting', false],
    [NUBC, '94', false, 'acute-transfer', false],
    // Aliases and unpadded codes, as in the Da Vinci discharge example (system http://www.nubc.org/patient-discharge, code "1").
    ['http://www.nubc.org/patient-discharge', '1', true, 'community-setting', false],
    ['urn:oid:2.16.840.1.113883.6.301.5', '3', false, 'snf', false],
    ['urn:oid:2.16.840.1.113883.12.112', '20', false, 'death', false],
    ['http://hl7.org/fhir/discharge-disposition', 'home', true, 'community-setting', false],
  ])('%s#%s → qualifies %s (%s), review %s', (system, code, qualifies, reason, needsReview) => {
    const result = classifyDischarge(discharge([{ system, code }]), tables);
    expect(result).toMatchObject({ qualifies, reason, needsReview, dischargeDate: '2026-04-06' });
    expect(result.disposition?.display).toBeTruthy();
  });
});

describe('classifyDischarge: the encounter', () => {
  const home: Coding[] = [{ system: FHIR, code: 'home' }];
  it.each([
    ['IMP', ACT, true],
    ['ACUTE', ACT, true],
    ['NONAC', ACT, true],
    ['OBSENC', ACT, true],
    ['SS', ACT, true],
    ['IMP', 'http://hl7.org/fhir/v3/ActCode', true],
    ['I', 'http://terminology.hl7.org/CodeSystem/v2-0004', true],
    ['EMER', ACT, false],
    ['AMB', ACT, false],
    ['HH', ACT, false],
    ['PRENC', ACT, false],
    ['IMP', 'http://example.org/local-classes', false],
  ])('class %s (%s) → qualifies %s', (code, system, qualifies) => {
    const result = classifyDischarge(discharge(home, { class: { system, code } }), tables);
    expect(result.qualifies).toBe(qualifies);
    if (!qualifies) expect(result.reason).toBe('setting-not-eligible');
  });

  it.each([
    ['in progress', { status: 'in-progress' as const }, 'not-finished', false],
    ['cancelled', { status: 'cancelled' as const }, 'not-finished', false],
    ['no period', { period: { start: '2026-04-01T09:00:00+01:00' } }, 'no-discharge-date', false],
    ['a month-only end', { period: { end: '2026-04' } }, 'no-discharge-date', true],
  ])('%s → %s', (_label, overrides, reason, needsReview) => {
    const result = classifyDischarge(discharge(home, overrides), tables);
    expect(result).toMatchObject({ qualifies: false, reason, needsReview });
  });

  it('takes the discharge day as written in the facility offset', () => {
    const late = discharge(home, { period: { end: '2026-04-06T23:50:00-05:00' } });
    expect(classifyDischarge(late, tables).dischargeDate).toBe('2026-04-06');
  });
});

describe('classifyDischarge: missing, unknown and conflicting dispositions', () => {
  it.each([
    ['no hospitalization', discharge(undefined), 'disposition-missing'],
    ['an empty disposition', discharge([]), 'disposition-missing'],
    ['an unknown code', discharge([{ system: NUBC, code: '99' }]), 'disposition-unknown'],
    ['an unknown system', discharge([{ system: 'http://example.org/dispo', code: 'home' }]), 'disposition-unknown'],
    ['a coding without a system', discharge([{ code: 'home' }]), 'disposition-unknown'],
    [
      'text only',
      { ...discharge(undefined), hospitalization: { dischargeDisposition: { text: 'Home with family' } } },
      'disposition-unknown',
    ],
  ])('%s → not qualifying, %s, for review', (_label, encounter, reason) => {
    expect(classifyDischarge(encounter, tables)).toMatchObject({ qualifies: false, reason, needsReview: true });
  });

  it('lets the most decisive coding win and flags the disagreement', () => {
    const result = classifyDischarge(discharge([{ system: FHIR, code: 'home' }, { system: V2, code: '20' }]), tables);
    expect(result).toMatchObject({ qualifies: false, reason: 'death', needsReview: true });
    expect(result.detail).toMatch(/disagree/);
  });

  it('ignores an unknown coding next to a known one', () => {
    const result = classifyDischarge(discharge([{ system: 'http://example.org/dispo', code: 'X' }, { system: NUBC, code: '06' }]), tables);
    expect(result).toMatchObject({ qualifies: true, reason: 'community-setting', needsReview: false });
  });

  it('agrees across systems without review', () => {
    const result = classifyDischarge(discharge([{ system: FHIR, code: 'home' }, { system: NUBC, code: '01' }, { system: V2, code: '1' }]), tables);
    expect(result).toMatchObject({ qualifies: true, needsReview: false });
  });
});

describe('the shipped tables', () => {
  it('cover every FHIR code and the numbered v2 0112 and NUBC codes', () => {
    const codes = (system: string): string[] => [...tables.dispositions.values()].filter((e) => e.system === system).map((e) => e.code);
    expect(codes(FHIR).sort()).toEqual(['aadvice', 'alt-home', 'exp', 'home', 'hosp', 'long', 'oth', 'other-hcf', 'psy', 'rehab', 'snf']);
    expect(codes(V2)).toHaveLength(42);
    expect(codes(NUBC)).toEqual(expect.arrayContaining(['01', '02', '03', '04', '05', '06', '07', '09', '20', '21', '30', '43', '50', '51', '61', '62', '63', '64', '65', '66', '69', '70']));
  });
});

describe('validateDischargeTables rejects malformed tables', () => {
  const classes = { classes: [{ system: ACT, code: 'IMP', display: 'inpatient' }] };
  const system = { url: FHIR, codes: [{ code: 'home', display: 'Home', outcome: 'qualifies' }] };
  it.each([
    ['no systems', {}, classes, /systems/],
    ['a bad outcome', { systems: [{ ...system, codes: [{ code: 'home', display: 'Home', outcome: 'maybe' }] }] }, classes, /outcome/],
    ['a missing display', { systems: [{ ...system, codes: [{ code: 'home', outcome: 'qualifies' }] }] }, classes, /display/],
    ['a duplicate code', { systems: [{ ...system, codes: [...system.codes, ...system.codes] }] }, classes, /twice/],
    ['a duplicate system', { systems: [system, { ...system, codes: [] }] }, classes, /twice/],
    ['a non-boolean review', { systems: [{ ...system, codes: [{ ...system.codes[0], review: 'yes' }] }] }, classes, /review/],
    ['a bad pad width', { systems: [{ ...system, padCodeTo: 9 }] }, classes, /padCodeTo/],
    ['no classes', { systems: [system] }, {}, /classes/],
    ['a duplicate class', { systems: [system] }, { classes: [...classes.classes, ...classes.classes] }, /twice/],
  ])('%s', (_label, dispositions, encounterClasses, message) => {
    expect(() => validateDischargeTables(dispositions, encounterClasses)).toThrowError(message);
  });
});
