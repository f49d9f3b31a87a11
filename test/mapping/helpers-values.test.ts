import { describe, expect, it } from 'vitest';
import { codingSystemUri, firstCoding, isLocalCodingSystem, tidyConcept, withDefaultSystem } from '../../src/mapping/helpers/coding.ts';
import { finishContactPoint } from '../../src/mapping/helpers/contact-point.ts';
import { observationValue, referenceRange, structuredNumeric } from '../../src/mapping/helpers/observation.ts';
import { toBoolean, toDecimal, toPositiveInt } from '../../src/mapping/helpers/primitives.ts';
import { deceased, encounterKey, joinText, locationPhysicalType, orderKey, statusFromVisitDates, streetLine } from '../../src/mapping/helpers/resources.ts';
import { fakeContext, nodeOf } from './fake-context.ts';

const noUnits = { code: '', text: '', system: '' };
const mgdl = { code: 'mg/dL', text: 'milligram per deciliter', system: 'UCUM' };

describe('primitives', () => {
  it.each([['12', 12], ['-1.50', -1.5], ['.5', 0.5], ['1e3', undefined], ['', undefined], ['12 mg', undefined]])('decimal %j → %j', (text, value) => {
    expect(toDecimal(text)).toBe(value);
  });
  it.each([['1', 1], ['0', undefined], ['007', 7], ['-1', undefined], ['99999999999', undefined]])('positiveInt %j → %j', (text, value) => {
    expect(toPositiveInt(text)).toBe(value);
  });
  it.each([['Y', true], ['n', false], ['X', undefined]])('boolean %j → %j', (text, value) => {
    expect(toBoolean(text)).toBe(value);
  });
});

describe('coding systems and concepts', () => {
  it.each([
    ['I10', 'http://hl7.org/fhir/sid/icd-10'],
    ['i10', 'http://hl7.org/fhir/sid/icd-10'],
    ['I10C', 'http://hl7.org/fhir/sid/icd-10-cm'],
    ['ICD10CM', 'http://hl7.org/fhir/sid/icd-10-cm'],
    ['SCT', 'http://snomed.info/sct'],
    ['LN', 'http://loinc.org'],
    ['I9CDX', 'http://hl7.org/fhir/sid/icd-9-cm'],
    ['HL70078', 'http://terminology.hl7.org/CodeSystem/v2-0078'],
    ['http://example.org/cs', 'http://example.org/cs'],
    ['L', undefined],
    ['99zzz or L', undefined],
    ['ACR', undefined],
  ])('%s → %s', (name, uri) => {
    expect(codingSystemUri(name, fakeContext())).toBe(uri);
  });

  it('warns about unknown names only (local ones are expected)', () => {
    const ctx = fakeContext();
    codingSystemUri('99USI', ctx);
    expect(ctx.warnings).toEqual([]);
    codingSystemUri('ACR', ctx);
    expect(ctx.warnings).toHaveLength(1);
    expect(isLocalCodingSystem('99zzz')).toBe(true);
  });

  it.each([
    [{ coding: [{ code: 'A', display: 'a' }] }, { coding: [{ code: 'A', display: 'a' }] }],
    [{ coding: [{ display: 'PENICILLIN' }] }, { text: 'PENICILLIN' }],
    [{ coding: [{ display: 'x' }], text: 'kept' }, { text: 'kept' }],
    [{ coding: [] }, undefined],
    ['not an object', undefined],
  ])('tidyConcept %j', (input, output) => {
    expect(tidyConcept(input)).toEqual(output);
  });

  it.each([
    [{ coding: [{ code: 'IMP' }, { code: 'I' }] }, { code: 'IMP' }],
    [{ text: 'only text' }, undefined],
    ['x', undefined],
  ])('firstCoding %j', (input, output) => {
    expect(firstCoding(input)).toEqual(output);
  });

  it('withDefaultSystem fills only codings without a system', () => {
    expect(withDefaultSystem({ coding: [{ code: 'a' }, { code: 'b', system: 's' }] }, 'd')).toEqual({ coding: [{ code: 'a', system: 'd' }, { code: 'b', system: 's' }] });
    expect(withDefaultSystem({ coding: [{ code: 'a' }] }, undefined)).toEqual({ coding: [{ code: 'a' }] });
  });
});

describe('observation values (OBX-2 / OBX-5 / OBX-6 / OBX-7)', () => {
  it.each([
    ['^182', { valueQuantity: { value: 182, unit: 'milligram per deciliter', system: 'http://unitsofmeasure.org', code: 'mg/dL' } }],
    ['>^10', { valueQuantity: { value: 10, comparator: '>', unit: 'milligram per deciliter', system: 'http://unitsofmeasure.org', code: 'mg/dL' } }],
    ['^1^:^128', { valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } } }],
    ['^2^-^4', { valueRange: { low: expect.objectContaining({ value: 2 }), high: expect.objectContaining({ value: 4 }) } }],
    ['<>^1', undefined],
    ['^x', undefined],
  ])('SN %s', (value, expected) => {
    expect(structuredNumeric(nodeOf(`OBX|1|SN|c||${value}`, 5), mgdl)).toEqual(expected);
  });

  it.each([
    ['NM', '7.3', { valueQuantity: { value: 7.3 } }],
    ['NM', 'high', { valueString: 'high' }],
    ['ST', 'Isolated', { valueString: 'Isolated' }],
    ['TX', 'line one~line two', { valueString: 'line one\nline two' }],
    ['DT', '20240305', { valueDateTime: '2024-03-05' }],
    ['TM', '1230', { valueTime: '12:30:00' }],
  ])('%s %s', (type, value, expected) => {
    const ctx = fakeContext();
    const field = nodeOf(`OBX|1|${type}|c||${value}`, 5);
    const all = value.includes('~') ? [field, nodeOf(`OBX|1|${type}|c||${value.split('~')[1] ?? ''}`, 5)] : [field];
    expect(observationValue(all, type, ctx, '')).toEqual(expected);
  });

  it('reports value types it cannot map', () => {
    const ctx = fakeContext();
    expect(observationValue([nodeOf('OBX|1|RP|c||https://x^^SD^PICT', 5)], 'RP', ctx, '')).toBeUndefined();
    expect(ctx.unmappedList).toEqual(['OBX-5']);
    expect(ctx.warnings[0]).toContain('value type RP');
  });

  it.each([
    ['70-80', { low: { value: 70 }, high: { value: 80 }, text: '70-80' }],
    ['4300 to 10800', { low: { value: 4300 }, high: { value: 10800 }, text: '4300 to 10800' }],
    ['<9', { high: { value: 9 }, text: '<9' }],
    ['>=1.5', { low: { value: 1.5 }, text: '>=1.5' }],
    ['<9 mcg/dL: acceptable', { text: '<9 mcg/dL: acceptable' }],
    ['', undefined],
  ])('reference range %j', (text, expected) => {
    expect(referenceRange(text, noUnits)).toEqual(expected);
  });
});

describe('resource helpers', () => {
  it.each([
    ['', '', 'unknown'],
    ['20250101', '', 'in-progress'],
    ['20250101', '20250105', 'finished'],
    ['', '20250105', 'finished'],
  ])('statusFromVisitDates(%j, %j) → %s', (admit, discharge, status) => {
    expect(statusFromVisitDates(admit, discharge)).toBe(status);
  });

  it.each([
    ['2024-01-01', 'Y', { deceasedDateTime: '2024-01-01' }],
    [undefined, 'Y', { deceasedBoolean: true }],
    [undefined, 'n', { deceasedBoolean: false }],
    [undefined, '', undefined],
  ])('deceased(%j, %j)', (date, flag, expected) => {
    expect(deceased(date, flag)).toEqual(expected);
  });

  it.each([
    [['1000 Hospital Lane', 'Hospital Lane', '1000'], '1000 Hospital Lane'],
    [['1000', 'Hospital Lane', ''], '1000 Hospital Lane'],
    [['', 'High Street', '12'], 'High Street 12'],
    [['', '', ''], undefined],
  ])('streetLine %j', (parts, line) => {
    expect(streetLine(parts)).toBe(line);
  });

  it.each([
    ['WARD7^BAY3^BED12', 'WARD7 BAY3 BED12', 'bd'],
    ['WARD7^BAY3', 'WARD7 BAY3', 'ro'],
    ['WARD7', 'WARD7', 'wa'],
    ['^^^ST_MARYS', undefined, undefined],
  ])('PL %s → name %j, physical type %j', (pl, name, type) => {
    const ctx = fakeContext({ node: nodeOf(`PV1|||${pl}`, 3) });
    expect(joinText(ctx, ['1', '2', '3'], ' ')).toBe(name);
    expect((locationPhysicalType(ctx)?.['coding'] as Array<{ code: string }> | undefined)?.[0]?.code).toBe(type);
  });

  it('encounterKey: visit number, else patient and start', () => {
    expect(encounterKey({ identifier: [{ system: 's', value: 'V1' }] }, 'pat-1')).toEqual(['s', 'V1']);
    expect(encounterKey({ period: { start: '2025-01-01' } }, 'pat-1')).toEqual(['pat-1', '2025-01-01']);
    expect(encounterKey({}, 'pat-1')).toBeUndefined();
  });

  it('orderKey: filler, else placer, else patient + code + time', () => {
    const typed = (code: string, value: string): object => ({ system: `s-${code}`, value, type: { coding: [{ code }] } });
    expect(orderKey({ identifier: [typed('PLAC', 'P1'), typed('FILL', 'F1')] }, 'pat-1')).toEqual(['s-FILL', 'F1']);
    expect(orderKey({ identifier: [typed('PLAC', 'P1')] }, 'pat-1')).toEqual(['s-PLAC', 'P1']);
    expect(orderKey({ code: { coding: [{ system: 'L', code: 'G' }] }, effectiveDateTime: 't' }, 'pat-1')).toEqual(['pat-1', 'L', 'G', 't']);
  });
});

describe('finishContactPoint (XTN)', () => {
  it.each([
    ['(555)555-5555^PRN^PH', { value: '(555)555-5555' }],
    ['^PRN^PH^^1^303^5548889', { value: '+1 303 5548889', system: 'phone' }],
    ['^PRN^PH^^^303^5548889^12', { value: '303 5548889 ext. 12', system: 'phone' }],
    ['^NET^Internet^someone@example.org', { value: 'someone@example.org', system: 'email' }],
    ['07700 900412^ORN^CP', { value: '07700 900412', use: 'mobile', system: 'phone' }],
    ['^PRN^PH', undefined],
  ])('%s', (xtn, expected) => {
    const node = nodeOf(`PID|||||||||||||${xtn}`, 13);
    const result = finishContactPoint({}, node);
    if (expected === undefined) expect(result).toBeUndefined();
    else expect(result).toMatchObject(expected);
  });
});
