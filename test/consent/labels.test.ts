/**
 * Sensitive-data labelling from the code lists in `mappings/security-labels/` (DOMAIN.md §6): boundary codes
 * of every list, ICD-10 and ICD-10-CM in dotted and undotted forms, source-based SOC, no double labelling.
 */
import type { Coding, Condition, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { labelResource, mergeSecurityLabels } from '../../src/consent/labels.ts';
import { confidentiality, label, RULES } from './consent-fixtures.ts';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const SCT = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

const conditionWith = (...coding: Coding[]): Condition => ({ resourceType: 'Condition', subject: { reference: 'Patient/p' }, code: { coding } });
const codesOf = (labels: Coding[]): string => labels.map((l) => l.code).join('+') || '-';

const ETH = 'ETH+42CFRPart2';

/** [system, code, expected labels] — '-' for none. */
const BOUNDARIES: [string, string, string][] = [
  // substance use: F10–F19, counselling, rehabilitation, SNOMED
  [ICD10, 'F09', '-'], [ICD10, 'F10', ETH], [ICD10, 'F10.2', ETH], [CM, 'F10.20', ETH], [CM, 'F1020', ETH], [CM, 'f10.20', ETH],
  [CM, 'F19.9', ETH], [CM, 'F19.99', ETH], [CM, 'F19.982', ETH], [ICD10, 'Z71.4', ETH], [CM, 'Z71.51', ETH], [CM, 'Z71.6', '-'],
  [ICD10, 'Z50.2', ETH], [ICD10, 'Z50.3', ETH], [ICD10, 'Z50.4', '-'], [CM, 'Z50.2', '-'],
  [SCT, '7200002', ETH], [SCT, '66214007', ETH], [SCT, '5602001', ETH],
  // mental health: F20–F99 (not F01–F09), self-harm, suicidality, SNOMED
  [ICD10, 'F01', '-'], [ICD10, 'F05.0', '-'], [ICD10, 'F19.9', ETH], [ICD10, 'F20', 'PSY'], [CM, 'F20.0', 'PSY'], [CM, 'F200', 'PSY'],
  [ICD10, 'F32.1', 'PSY'], [CM, 'F99', 'PSY'], [ICD10, 'G30.0', '-'], [ICD10, 'X60', 'PSY'], [ICD10, 'X84', 'PSY'], [ICD10, 'X85', '-'],
  [CM, 'X71.0XXA', 'PSY'], [CM, 'X83.8XXA', 'PSY'], [CM, 'X84', '-'], [CM, 'R45.851', 'PSY'], [CM, 'R45.85', '-'], [CM, 'T14.91XA', 'PSY'], [CM, 'T14.90XA', '-'],
  [CM, 'T14.91', 'PSY'], [CM, 'Z91.51', 'PSY'], [SCT, '35489007', 'PSY'], [SCT, '58214004', 'PSY'],
  // HIV
  [ICD10, 'B19.9', '-'], [ICD10, 'B20', 'HIV'], [ICD10, 'B24', 'HIV'], [ICD10, 'B25.0', '-'], [CM, 'B20', 'HIV'], [CM, 'Z21', 'HIV'],
  [ICD10, 'R75', 'HIV'], [ICD10, 'R76', '-'], [ICD10, 'O98.7', 'HIV'], [CM, 'O98.711', 'HIV'], [CM, 'O98.6', '-'], [CM, 'O98.81', '-'],
  [CM, 'Z20.6', 'HIV'], [CM, 'Z20.5', '-'], [ICD10, 'Z71.7', 'HIV'], [SCT, '86406008', 'HIV'], [SCT, '62479008', 'HIV'], [LOINC, '20447-9', 'HIV'],
  // sexual and reproductive health
  [ICD10, 'A49.9', '-'], [ICD10, 'A50', 'SEX'], [CM, 'A54.02', 'SEX'], [ICD10, 'A64', 'SEX'], [ICD10, 'A65', '-'], [CM, 'O00.101', 'SEX'],
  [ICD10, 'O08.9', 'SEX'], [CM, 'O09.01', '-'], [CM, 'Z30.011', 'SEX'], [ICD10, 'Z31.8', 'SEX'], [CM, 'Z32.00', 'SEX'], [CM, 'Z32.2', '-'],
  [CM, 'Z33.2', 'SEX'], [CM, 'Z33.1', '-'], [CM, 'Z11.3', 'SEX'], [CM, 'Z11.4', '-'], [CM, 'Z72.51', 'SEX'], [CM, 'N96', 'SEX'],
  [SCT, '76272004', 'SEX'], [SCT, '57797005', 'SEX'],
  // safeguarding → V
  [ICD10, 'T73.0', '-'], [ICD10, 'T74.1', 'V'], [CM, 'T74.11XA', 'V'], [CM, 'T76.12XA', 'V'], [CM, 'T75.0', '-'], [CM, 'T77', '-'],
  [ICD10, 'Y07.0', 'V'], [CM, 'Z04.41', 'V'], [CM, 'Z04.71', 'V'], [CM, 'Z04.6', '-'], [CM, 'Z04.81', '-'], [ICD10, 'Z61.3', '-'],
  [ICD10, 'Z61.4', 'V'], [ICD10, 'Z61.6', 'V'], [ICD10, 'Z61.7', '-'], [CM, 'Z62.810', 'V'], [CM, 'Z91.410', 'V'], [CM, 'Z69.010', 'V'],
  // systems matter
  [SCT, 'F10', '-'], ['http://example.org/local', 'F10', '-'], ['urn:oid:2.16.840.1.113883.6.90', 'F10.20', ETH], [ICD10, '', '-'],
];

describe('labelResource: code-list boundaries', () => {
  it.each(BOUNDARIES)('%s %s → %s', (system, code, expected) => {
    expect(codesOf(labelResource(conditionWith({ system, code }), RULES))).toBe(expected);
  });

  it('never matches a code without a system', () => {
    expect(labelResource(conditionWith({ code: 'F10.2' }), RULES)).toEqual([]);
  });

  it('finds codes anywhere in the resource, but not in meta', () => {
    const encounter = {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      reasonCode: [{ coding: [{ system: ICD10, code: 'F32.1' }] }],
    } as Resource;
    const tagged = { ...conditionWith(), meta: { tag: [{ system: ICD10, code: 'F10.2' }] } };
    expect(labelResource(encounter, RULES)).toEqual([label('PSY')]);
    expect(labelResource(tagged, RULES)).toEqual([]);
  });

  it('labels every matching list once, in list order', () => {
    const mixed = conditionWith({ system: ICD10, code: 'F32.1' }, { system: ICD10, code: 'F33.0' }, { system: ICD10, code: 'B20' }, { system: ICD10, code: 'F10.2' });
    expect(codesOf(labelResource(mixed, RULES))).toBe('HIV+PSY+ETH+42CFRPart2');
  });
});

describe('labelResource: sources and existing labels', () => {
  it.each([
    ['social-care', 'SOC'],
    ['hospital', '-'],
    ['gp-practice', '-'],
    ['aco', '-'],
    ['care-team', '-'],
  ] as const)('source %s → %s, whatever the codes', (sourceKind, expected) => {
    expect(codesOf(labelResource(conditionWith(), RULES, { sourceKind }))).toBe(expected);
  });

  it('adds source and code labels together', () => {
    expect(codesOf(labelResource(conditionWith({ system: ICD10, code: 'F32.1' }), RULES, { sourceKind: 'social-care' }))).toBe('PSY+SOC');
  });

  it('does not propose labels already present (legacy system spelling included)', () => {
    const labelled = { ...conditionWith({ system: ICD10, code: 'F10.2' }), meta: { security: [{ system: 'http://hl7.org/fhir/v3/ActCode', code: 'ETH' }] } };
    expect(labelResource(labelled, RULES)).toEqual([label('42CFRPart2')]);
  });

  it('merges into meta.security, keeping what was there and adding nothing twice', () => {
    const existing = confidentiality('R');
    const resource = { ...conditionWith({ system: ICD10, code: 'T74.1' }), meta: { versionId: '3', security: [existing, label('PSY')] } };
    const merged = mergeSecurityLabels(resource, [...labelResource(resource, RULES), label('PSY')], RULES);
    expect(merged.meta?.security).toEqual([existing, label('PSY'), confidentiality('V')]);
    expect(merged.meta?.versionId).toBe('3');
    expect(resource.meta.security).toHaveLength(2);
    expect(mergeSecurityLabels(merged, [label('PSY')], RULES)).toBe(merged);
  });
});
