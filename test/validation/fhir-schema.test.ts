/**
 * The derived FHIR R4 schema: deterministic, patched as documented, and right on resources written by
 * others (the official R4 examples, including the two invalid Patients, and the Synthea bundles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFhirSchema } from '../../src/validation/compile-fhir-schema.ts';
import { type SchemaNode, deriveFhirSchema, listResourceTypes, readPlainFhirSchema } from '../../src/validation/fhir-schema.ts';
import { createValidator } from '../../src/validation/validator.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/fhir-r4');
const SYNTHEA = path.join(CORPUS, 'synthea-bundles');
const EXAMPLES = path.join(CORPUS, 'official-examples-via-microsoft-fhir-server');
const INVALID = ['PatientMissingResourceType.json', 'PatientWithUnknownElements.json'];

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));

/** Every schema object in the tree. */
function collectNodes(node: unknown, into: SchemaNode[] = []): SchemaNode[] {
  if (Array.isArray(node)) node.forEach((item) => collectNodes(item, into));
  else if (typeof node === 'object' && node !== null) {
    into.push(node as SchemaNode);
    Object.values(node).forEach((value) => collectNodes(value, into));
  }
  return into;
}

describe('deriveFhirSchema', () => {
  const plain = readPlainFhirSchema();
  const derived = deriveFhirSchema(plain);

  it('is deterministic and leaves its input alone', () => {
    const before = JSON.stringify(plain);
    expect(JSON.stringify(deriveFhirSchema(readPlainFhirSchema()))).toBe(JSON.stringify(derived));
    expect(JSON.stringify(deriveFhirSchema(plain))).toBe(JSON.stringify(derived));
    expect(JSON.stringify(plain)).toBe(before);
  });

  it('applies the documented patches', () => {
    expect(derived.$id).toBe('http://hl7.org/fhir/json-schema/4.0');
    expect(derived).not.toHaveProperty('id');
    expect(Object.keys(derived).slice(0, 2)).toEqual(['$schema', '$id']);
    expect(derived.discriminator).toEqual({ propertyName: 'resourceType' });
    expect(derived.type).toBe('object');
    expect(derived.definitions.ResourceList).toMatchObject({ type: 'object', discriminator: { propertyName: 'resourceType' } });
    const types = listResourceTypes(derived);
    expect(types).toHaveLength(146);
    for (const type of types) expect(derived.definitions[type]?.required).toContain('resourceType');
    expect(derived.definitions.date?.maxLength).toBe(10);
    expect(derived.definitions.id?.maxLength).toBe(64);
  });

  it('keeps patterns only on strings, and only ones reviewed for linear matching', () => {
    const nodes = collectNodes(derived).filter((node) => typeof node.pattern === 'string');
    for (const node of nodes) expect(node.type === undefined || node.type === 'string').toBe(true);
    const patterns = new Set(nodes.map((node) => node.pattern));
    // A new pattern in a future package version must be reviewed for backtracking before it is added here.
    expect([...patterns].sort()).toEqual(
      [
        '^\\S*$',
        '^[^\\s]+(\\s[^\\s]+)*$',
        '^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$',
        '^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$',
        '^[A-Za-z0-9\\-\\.]{1,64}$',
        '^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$',
        '^[\\s\\S]+$',
        '^urn:oid:[0-2](\\.(0|[1-9][0-9]*))+$',
        '^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?$',
        '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
        '^\\s*([0-9a-zA-Z\\+/=]{4}\\s*)+$',
      ].sort(),
    );
  });

  it('rewrites the base64 pattern to one that accepts exactly the same strings', () => {
    const original = /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/u;
    const linear = /^\s*([0-9a-zA-Z+/=]{4}\s*)+$/u;
    const samples = ['AAAA', ' AAAA ', 'AAAA BBBB', 'AAAABBBB', 'AAA', 'AAAAA', 'AA AA', '', ' ', 'AAAA\n\tBB==', 'AAAA  !', 'A+/='];
    for (const sample of samples) expect(linear.test(sample)).toBe(original.test(sample));
  });
});

describe('the compiled schema on the corpus', () => {
  const validator = createValidator();

  it('accepts every official example and rejects the two invalid Patients', () => {
    const files = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const resource = readJson(path.join(EXAMPLES, file)) as { meta?: Record<string, unknown> };
      if (file === 'Patient.json') {
        // This copy's meta.lastUpdated has no time zone, which an R4 `instant` requires; the store replaces
        // meta.lastUpdated before it validates, so only the server-set value is ever checked there.
        expect(validator.validate(resource)).toEqual([
          { severity: 'error', code: 'value', diagnostics: 'Invalid instant: does not match its format', expression: ['Patient.meta.lastUpdated'] },
        ]);
        resource.meta = { ...resource.meta, lastUpdated: '2000-01-01T00:00:00Z' };
      }
      const issues = validator.validate(resource);
      if (INVALID.includes(file)) expect(issues.length, file).toBeGreaterThan(0);
      else expect(issues, file).toEqual([]);
    }
  });

  it('says why the invalid examples are invalid', () => {
    const unknown = validator.validate(readJson(path.join(EXAMPLES, 'PatientWithUnknownElements.json')));
    expect(unknown).toEqual([{ severity: 'error', code: 'structure', diagnostics: 'Unknown element', expression: ['Patient.name1'] }]);
    const untyped = validator.validate(readJson(path.join(EXAMPLES, 'PatientMissingResourceType.json')));
    expect(untyped).toEqual([{ severity: 'error', code: 'code-invalid', diagnostics: 'Unknown resource type', expression: ['Resource.resourceType'] }]);
  });

  it('validates every Synthea bundle, and every resource in it on its own', () => {
    const files = fs.readdirSync(SYNTHEA).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bundle = readJson(path.join(SYNTHEA, file)) as { resourceType: string; entry: { resource: unknown }[] };
      expect(bundle.resourceType).toBe('Bundle');
      expect(validator.validate(bundle), file).toEqual([]);
      for (const entry of bundle.entry) expect(validator.validate(entry.resource), file).toEqual([]);
    }
  });

  it('dispatches Bundle entries on resourceType (a wrong entry is reported at its own path)', () => {
    const files = fs.readdirSync(SYNTHEA).filter((file) => !file.startsWith('0-'));
    const bundle = readJson(path.join(SYNTHEA, files[0] ?? '')) as { entry: { resource: Record<string, unknown> }[] };
    const index = bundle.entry.findIndex((entry) => entry.resource.resourceType === 'Encounter');
    const encounter = bundle.entry[index]?.resource;
    if (!encounter) throw new Error('the Synthea bundle has no Encounter');
    encounter.status = 'nonsense';
    expect(validator.validate(bundle)).toEqual([
      { severity: 'error', code: 'code-invalid', diagnostics: 'Invalid code: not in the allowed value set', expression: [`Bundle.entry[${index}].resource.status`] },
    ]);
  });

  it('compiles both variants from the same derived schema', () => {
    const fast = compileFhirSchema('fast');
    const detailed = compileFhirSchema('detailed');
    expect(fast.resourceTypes.size).toBe(146);
    expect(fast.validate({ resourceType: 'Patient', gender: 'x' })).toBe(false);
    expect(detailed.validate({ resourceType: 'Patient', gender: 'x', active: 'yes' })).toBe(false);
    expect(detailed.validate.errors).toHaveLength(2);
    expect(compileFhirSchema('fast')).toBe(fast);
  });
});
