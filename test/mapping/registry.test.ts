/**
 * Every mapping file validates against mappings/mapping.schema.json (and every ConceptMap against FHIR R4), and
 * a broken file stops loading with its name and the place of the problem.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildRegistry } from '../../src/mapping/registry.ts';
import { compileMappingSchema, readMappingFiles, type MappingFile } from '../../src/mapping/load-files.ts';
import { createValidator } from '../../src/validation/validator.ts';
import { MAPPINGS_DIR, realRegistry } from './fake-context.ts';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

const files = [...listFiles(join(MAPPINGS_DIR, 'hl7v2')), ...listFiles(join(MAPPINGS_DIR, 'codes'))].filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe('mapping files', () => {
  const validate = compileMappingSchema(MAPPINGS_DIR);

  it.each(files.map((f) => [relative(MAPPINGS_DIR, f), f]))('%s validates against mapping.schema.json', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const content: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(files.filter((f) => f.endsWith('.yaml')).map((f) => [relative(MAPPINGS_DIR, f), f]))('%s starts with a header comment', (_name, file) => {
    expect(readFileSync(file, 'utf8').startsWith('# ')).toBe(true);
  });

  it('every ConceptMap is a valid FHIR R4 ConceptMap', () => {
    const validator = createValidator();
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      expect(validator.validate(JSON.parse(readFileSync(file, 'utf8'))), file).toEqual([]);
    }
  });

  it('defines every required message type and shares one ADT composition', () => {
    const registry = realRegistry();
    const triggers = ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A11', 'A12', 'A13', 'A28', 'A31', 'A40'];
    expect([...registry.definitions.keys()].sort()).toEqual([...triggers.map((t) => `ADT^${t}`), 'ORU^R01'].sort());
    for (const trigger of triggers) {
      const file = readFileSync(join(MAPPINGS_DIR, 'hl7v2/messages', `ADT_${trigger}.bundle.yaml`), 'utf8');
      expect(file).toMatch(/^extends: ADT(-person)?$/m);
      expect(file.split('\n').length, `ADT_${trigger} stays a few lines over the shared composition`).toBeLessThan(25);
    }
    for (const segment of ['MSH', 'EVN', 'PID', 'PD1', 'NK1', 'PV1', 'PV2', 'DG1', 'AL1', 'PR1', 'IN1', 'OBR', 'OBX', 'MRG', 'NTE']) {
      expect([...registry.segments.values()].some((m) => m.segment === segment), segment).toBe(true);
    }
    for (const datatype of ['CX', 'XPN', 'XAD', 'XTN', 'CWE', 'TS', 'XCN', 'PL', 'HD', 'EI']) {
      expect([...registry.datatypes.values()].some((m) => m.datatype === datatype), datatype).toBe(true);
    }
  });
});

describe('loading fails fast with the file and the place', () => {
  const good = readMappingFiles(MAPPINGS_DIR);
  const replace = (stem: string, content: Record<string, unknown>): MappingFile[] =>
    good.map((f) => (f.stem === stem ? { ...f, content } : f));
  const pid = good.find((f) => f.stem === 'PID.patient');
  if (pid === undefined) throw new Error('PID.patient missing');
  const rules = pid.content['rules'] as Record<string, unknown>[];

  it.each([
    ['an unknown helper', { ...pid.content, rules: [...rules, { from: '7', fn: 'noSuchHelper', to: 'birthDate' }] }, /PID\.patient\.yaml is invalid at \/rules\/\d+: no helper function "noSuchHelper"/],
    ['an unknown datatype', { ...pid.content, rules: [...rules, { from: '5', as: 'XPN.no-such', to: 'name[]' }] }, /no datatype mapping "XPN.no-such"/],
    ['an unknown ConceptMap', { ...pid.content, rules: [...rules, { from: '8', map: 'no-such-map', to: 'gender' }] }, /no ConceptMap "no-such-map"/],
    ['an unknown variable', { ...pid.content, rules: [...rules, { var: 'encountr', to: 'x' }] }, /unknown variable "encountr"/],
  ])('%s', (_name, content, message) => {
    expect(() => buildRegistry(replace('PID.patient', content))).toThrow(message);
  });

  it('reports schema problems with the JSON-schema path', () => {
    const validate = compileMappingSchema(MAPPINGS_DIR);
    expect(validate({ kind: 'segment', segment: 'PID', into: 'patient', rules: [{ from: 'PID 3', to: 'x' }] })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/rules/0/from');
  });

  it('rejects an extends cycle and a step using another segment’s mapping', () => {
    const adt = good.find((f) => f.stem === 'ADT-person.bundle');
    if (adt === undefined) throw new Error('ADT-person missing');
    expect(() => buildRegistry(replace('ADT-person.bundle', { ...adt.content, extends: 'ADT' }))).toThrow(/extends forms a cycle/);
    const steps = adt.content['steps'] as unknown[];
    expect(() => buildRegistry(replace('ADT-person.bundle', { ...adt.content, steps: [...steps, { segment: 'PV2', use: ['PID.patient'] }] }))).toThrow(/"PID.patient" maps PID, not PV2/);
  });
});
