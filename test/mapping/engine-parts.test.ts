import { describe, expect, it } from 'vitest';
import { deterministicId, isIdPrefix } from '../../src/mapping/ids.ts';
import { mergeInto, parseTargetPath, prune, removePath, writeTarget } from '../../src/mapping/target-path.ts';
import { fillTemplate, templateVariables } from '../../src/mapping/template.ts';
import { parseMappingPath } from '../../src/mapping/hl7-node.ts';

describe('deterministic ids', () => {
  it('is stable, prefixed, within the FHIR id alphabet and 64 characters', () => {
    const id = deterministicId('pat', ['https://carebridge.dev/fhir/id/mrn/ZNR', 'NR287494']);
    expect(id).toBe(deterministicId('pat', ['https://carebridge.dev/fhir/id/mrn/ZNR', 'NR287494']));
    expect(id).toMatch(/^pat-[0-9a-f]{32}$/);
    expect(id.length).toBeLessThanOrEqual(64);
  });

  it('separates parts so they cannot run together', () => {
    expect(deterministicId('x', ['ab', 'c'])).not.toBe(deterministicId('x', ['a', 'bc']));
  });

  it.each([['pat', true], ['prole', true], ['Pat', false], ['1x', false], ['a-b', false], ['', false]])('prefix %j valid: %s', (prefix, ok) => {
    expect(isIdPrefix(prefix)).toBe(ok);
  });
});

describe('target paths', () => {
  it.each([
    ['gender', [{ name: 'gender', index: undefined }]],
    ['name[]', [{ name: 'name', index: 'append' }]],
    ['coding[1].code', [{ name: 'coding', index: 1 }, { name: 'code', index: undefined }]],
    ['.', []],
  ])('parses %s', (text, steps) => {
    expect(parseTargetPath(text)).toEqual(steps);
  });

  it.each(['', 'a..b', 'a[x]', '1a'])('rejects %j', (text) => {
    expect(() => parseTargetPath(text)).toThrow(/Invalid target path/);
  });

  it('writes, appends once per equal object, keeps repeated strings, and indexes', () => {
    const root: Record<string, unknown> = {};
    writeTarget(root, parseTargetPath('period.start'), '2025');
    writeTarget(root, parseTargetPath('identifier[]'), { value: '1' });
    writeTarget(root, parseTargetPath('identifier[]'), { value: '1' });
    writeTarget(root, parseTargetPath('given[]'), 'Mary');
    writeTarget(root, parseTargetPath('given[]'), 'Mary');
    writeTarget(root, parseTargetPath('coding[1].code'), 'B');
    expect(root).toEqual({ period: { start: '2025' }, identifier: [{ value: '1' }], given: ['Mary', 'Mary'], coding: [{}, { code: 'B' }] });
    expect(prune(root)).toEqual({ period: { start: '2025' }, identifier: [{ value: '1' }], given: ['Mary', 'Mary'], coding: [{ code: 'B' }] });
  });

  it('prunes undefined, empty strings and empty containers, and returns clean values as they are', () => {
    const clean = { a: [{ b: 1 }], c: 'x' };
    expect(prune(clean)).toBe(clean);
    expect(prune({ a: undefined, b: '', c: [], d: {}, e: [undefined, '', { f: null }], g: 0, h: false })).toEqual({ g: 0, h: false });
    expect(prune([undefined, 'a', ''])).toEqual(['a']);
    expect(prune({ rank: undefined })).toBeUndefined();
  });

  it('removes dotted paths and merges', () => {
    const root = { period: { start: 'a', end: 'b' } };
    expect(removePath(root, 'period.end')).toBe(true);
    expect(removePath(root, 'period.end')).toBe(false);
    expect(root).toEqual({ period: { start: 'a' } });
    const base = { a: 1, list: [1], nested: { x: 1 } };
    mergeInto(base, { a: 2, list: [1, 2], nested: { y: 2 } }, false);
    expect(base).toEqual({ a: 1, list: [1, 2], nested: { x: 1, y: 2 } });
    mergeInto(base, { a: 3 }, true);
    expect(base.a).toBe(3);
  });
});

describe('templates', () => {
  const vars: Record<string, unknown> = { patient: { reference: 'Patient/p' }, none: undefined };
  it.each([
    ['$', 'v', 'v'],
    [{ individual: '$', subject: '$patient' }, 'v', { individual: 'v', subject: { reference: 'Patient/p' } }],
    [{ a: '$none', b: 'x' }, 'v', { b: 'x' }],
    [{ use: 'home', '...': '$' }, { use: 'mobile', value: '1' }, { use: 'mobile', value: '1' }],
    [{ '...': '$', use: 'home' }, { use: 'mobile' }, { use: 'home' }],
    ['$$literal', 'v', '$literal'],
    [[{ code: '$' }], 'E', [{ code: 'E' }]],
  ])('fills %j', (template, value, out) => {
    expect(fillTemplate(template, value, (name) => vars[name])).toEqual(out);
  });

  it('lists the variables it uses', () => {
    expect(templateVariables({ a: '$patient', b: ['$', '$$x', '$encounter'] })).toEqual(['patient', 'encounter']);
  });
});

describe('mapping paths', () => {
  it.each([
    ['3', undefined, [3]],
    ['3.4.1', undefined, [3, 4, 1]],
    ['PV1-44', 'PV1', [44]],
    ['MSH-9.2', 'MSH', [9, 2]],
  ])('%s', (text, segment, indexes) => {
    expect(parseMappingPath(text)).toMatchObject({ segment, indexes });
  });

  it.each(['0', 'PV1', 'pv1-3', '3.', '1.2.3.4', 'PV1-1000'])('rejects %j', (text) => {
    expect(() => parseMappingPath(text)).toThrow(/Invalid mapping path/);
  });
});
