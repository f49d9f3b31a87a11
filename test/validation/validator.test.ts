/**
 * The validator's contract: one OperationOutcome issue per problem, FHIRPath expressions rooted at the
 * resource type, texts that name the rule and never echo a value, and cheap refusal of pathological input
 * (RELIABILITY.md cases 40 and 43).
 */
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import { createGatewayValidator } from '../../src/validation/gateway-validator.ts';
import { createValidator } from '../../src/validation/validator.ts';

const SECRET = 'Zebedee-7391';
const PATIENT_PROFILE = 'https://carebridge.dev/fhir/StructureDefinition/carebridge-patient';

const validator = createValidator();
const expressions = (issues: OperationOutcomeIssue[]) => issues.map((issue) => issue.expression?.[0]);

/** No issue may carry the submitted values. */
function expectNoEcho(issues: OperationOutcomeIssue[], ...values: string[]) {
  const text = JSON.stringify(issues);
  for (const value of values) expect(text).not.toContain(value);
}

describe('validate', () => {
  it('accepts a valid resource', () => {
    const patient = { resourceType: 'Patient', name: [{ family: 'Ok', given: ['A'] }], birthDate: '1970-01-01' };
    expect(validator.validate(patient)).toEqual([]);
  });

  it('reports each problem with its FHIRPath expression and an issue type per rule', () => {
    const patient = {
      resourceType: 'Patient',
      name: [{ family: SECRET, given: ['A', 42] }],
      gender: SECRET,
      birthDate: 'not-a-date',
      favouriteColour: SECRET,
      telecom: [{ system: 'phone', value: SECRET, rank: SECRET }],
    };
    const issues = validator.validate(patient);
    expect(issues).toEqual(
      expect.arrayContaining([
        { severity: 'error', code: 'structure', diagnostics: 'Unknown element', expression: ['Patient.favouriteColour'] },
        { severity: 'error', code: 'structure', diagnostics: 'Wrong type: expected a FHIR string', expression: ['Patient.name[0].given[1]'] },
        { severity: 'error', code: 'code-invalid', diagnostics: 'Invalid code: not in the allowed value set', expression: ['Patient.gender'] },
        { severity: 'error', code: 'value', diagnostics: 'Invalid date: does not match its format', expression: ['Patient.birthDate'] },
        { severity: 'error', code: 'structure', diagnostics: 'Wrong type: expected a FHIR positiveInt', expression: ['Patient.telecom[0].rank'] },
      ]),
    );
    expect(issues).toHaveLength(5);
    expectNoEcho(issues, SECRET);
  });

  it('reports a missing required element at the element', () => {
    expect(validator.validate({ resourceType: 'Encounter', status: 'finished' })).toEqual([
      { severity: 'error', code: 'required', diagnostics: 'Missing required element', expression: ['Encounter.class'] },
    ]);
  });

  it('roots Bundle entry issues at the Bundle and rejects entries that are not resources', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', active: true } },
        { resource: 'not a resource' },
        { resource: { resourceType: 'Observation', status: SECRET, code: { text: 'x' } } },
        { resource: { resourceType: SECRET } },
        { resource: { active: true } },
      ],
    };
    const issues = validator.validate(bundle);
    expect(issues).toEqual([
      { severity: 'error', code: 'structure', diagnostics: 'Wrong type: expected JSON object', expression: ['Bundle.entry[1].resource'] },
      { severity: 'error', code: 'code-invalid', diagnostics: 'Invalid code: not in the allowed value set', expression: ['Bundle.entry[2].resource.status'] },
      { severity: 'error', code: 'code-invalid', diagnostics: 'Unknown resource type', expression: ['Bundle.entry[3].resource.resourceType'] },
      { severity: 'error', code: 'required', diagnostics: 'Missing resourceType (or not a string)', expression: ['Bundle.entry[4].resource.resourceType'] },
    ]);
    expectNoEcho(issues, SECRET);
  });

  it('checks contained and Parameters resources through the discriminator too', () => {
    const contained = { resourceType: 'Patient', contained: [{ resourceType: 'Organization', active: 'yes' }] };
    expect(expressions(validator.validate(contained))).toEqual(['Patient.contained[0].active']);
    const parameters = { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Patient', gender: 'x' } }] };
    expect(expressions(validator.validate(parameters))).toEqual(['Parameters.parameter[0].resource.gender']);
  });

  it('accepts strings with non-breaking and ideographic spaces, and refuses empty strings', () => {
    const patient = { resourceType: 'Patient', name: [{ family: 'Smith\u00a0Jones', given: ['\u5c71\u7530\u3000\u592a\u90ce'] }] };
    expect(validator.validate(patient)).toEqual([]);
    expect(validator.validate({ resourceType: 'Patient', name: [{ family: '' }] })).toEqual([
      { severity: 'error', code: 'value', diagnostics: 'Invalid string: does not match its format', expression: ['Patient.name[0].family'] },
    ]);
  });

  it('never shows an element name that is not shaped like one', () => {
    const issues = validator.validate({ resourceType: 'Patient', [`${SECRET} <script>`]: 1 });
    expect(issues).toEqual([{ severity: 'error', code: 'structure', diagnostics: 'Unknown element (name not shown)', expression: ['Patient'] }]);
  });

  it('refuses input that is not a JSON object', () => {
    for (const input of ['Patient', 42, null, [], undefined]) {
      expect(validator.validate(input)).toEqual([{ severity: 'error', code: 'structure', diagnostics: 'A resource must be a JSON object', expression: ['Resource'] }]);
    }
  });

  it('caps the number of issues and says how many were left out', () => {
    const capped = createValidator({ maxIssues: 3 });
    const patient = { resourceType: 'Patient', a: 1, b: 2, c: 3, d: 4, e: 5 };
    const issues = capped.validate(patient);
    expect(issues).toHaveLength(3);
    expect(issues[2]).toEqual({ severity: 'error', code: 'too-costly', diagnostics: '3 further issues were not listed' });
  });

  it('applies requested profiles and those named in meta.profile', () => {
    const patient = { resourceType: 'Patient', name: [{ family: 'A' }] };
    expect(validator.validate(patient)).toEqual([]);
    const requested = validator.validate(patient, { profiles: [PATIENT_PROFILE] });
    expect(requested).toEqual([{ severity: 'error', code: 'required', diagnostics: 'carebridge-patient: Missing required element', expression: ['Patient.identifier'] }]);
    expect(validator.validate({ ...patient, meta: { profile: [PATIENT_PROFILE] } })).toEqual(requested);
    expect(validator.profiles().map((profile) => profile.type).sort()).toEqual(['Encounter', 'Patient']);
  });
});

describe('assertValid', () => {
  it('throws VAL-INVALID (422) with one issue per problem', () => {
    const gateway = createGatewayValidator();
    expect(() => gateway.assertValid({ resourceType: 'Patient', gender: 'female' })).not.toThrow();
    let thrown: unknown;
    try {
      gateway.assertValid({ resourceType: 'Patient', gender: SECRET, birthDate: SECRET });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    const error = thrown as GatewayError;
    expect([error.code, error.category, error.status]).toEqual(['VAL-INVALID', 'unprocessable', 422]);
    expect(expressions(error.issues)).toEqual(['Patient.gender', 'Patient.birthDate']);
    expect(error.message).not.toContain(SECRET);
    expectNoEcho(error.issues, SECRET);
  });
});

describe('pathological input (RELIABILITY.md cases 40 and 43)', () => {
  it('rejects 100,000-character id and birthDate on their length, without echoing them', () => {
    const long = '1'.repeat(100_000);
    const issues = validator.validate({ resourceType: 'Patient', id: long, birthDate: long });
    expect(issues).toEqual([
      { severity: 'error', code: 'too-long', diagnostics: 'Value is longer than the 64 characters allowed for id', expression: ['Patient.id'] },
      { severity: 'error', code: 'too-long', diagnostics: 'Value is longer than the 10 characters allowed for date', expression: ['Patient.birthDate'] },
    ]);
  });

  it('rejects strings over the configured limit before the schema runs', () => {
    const small = createValidator({ limits: { maxStringLength: 1000 } });
    const issues = small.validate({ resourceType: 'Patient', name: [{ text: 'x'.repeat(1001) }] });
    expect(issues).toEqual([{ severity: 'error', code: 'too-long', diagnostics: 'String is longer than the 1000 characters allowed', expression: ['Patient.name[0].text'] }]);
    expect(validator.validate({ resourceType: 'Patient', name: [{ text: 'x'.repeat(2 * 1024 * 1024) }] })[0]?.code).toBe('too-long');
    expect(small.validate({ resourceType: 'Patient', ['k'.repeat(1001)]: 1 })[0]?.diagnostics).toMatch(/^Element name is longer/);
  });

  it('rejects nesting deeper than the limit (10,000 levels) without overflowing the stack', () => {
    let deep: unknown = { url: 'http://x' };
    for (let i = 0; i < 10_000; i++) deep = { url: 'http://x', extension: [deep] };
    const issues = validator.validate({ resourceType: 'Patient', extension: [deep] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'too-long', diagnostics: 'Nesting is deeper than the 64 levels allowed' });
  });

  it('rejects non-finite numbers and non-JSON values', () => {
    const parsed: unknown = JSON.parse('{"resourceType":"Patient","multipleBirthInteger":1e400}');
    expect(validator.validate(parsed)).toEqual([
      { severity: 'error', code: 'value', diagnostics: 'Number is not finite (out of range or not a number)', expression: ['Patient.multipleBirthInteger'] },
    ]);
    expect(validator.validate({ resourceType: 'Patient', birthDate: new Date() })[0]?.diagnostics).toBe('Value is not a JSON object');
    expect(validator.validate({ resourceType: 'Patient', active: () => true })[0]?.diagnostics).toBe('Value is not a JSON value');
  });

  it('rejects strings crafted against every FHIR pattern (each would backtrack badly in a naive regex)', () => {
    const n = 1024 * 1024 - 64;
    const crafted: [string, Record<string, unknown>][] = [
      ['base64Binary', { resourceType: 'Patient', extension: [{ url: 'http://x', valueBase64Binary: `${'AAAA  '.repeat(n / 6)}!` }] }],
      ['unsignedInt as string', { resourceType: 'Bundle', type: 'searchset', total: `${'1'.repeat(n)}x` }],
      ['code', { resourceType: 'Patient', gender: `${'a '.repeat(n / 2)}` }],
      ['code list', { resourceType: 'Patient', communication: [{ language: { coding: [{ code: `${'a '.repeat(n / 2)} ` }] } }] }],
      ['dateTime', { resourceType: 'Patient', deceasedDateTime: `2020-01-01T10:00:00.${'1'.repeat(n)}x` }],
      ['instant', { resourceType: 'Patient', meta: { lastUpdated: `2020-01-01T10:00:00.${'1'.repeat(n)}` } }],
      ['oid', { resourceType: 'Patient', extension: [{ url: 'http://x', valueOid: `urn:oid:1${'.1'.repeat(n / 2)}x` }] }],
      ['uri', { resourceType: 'Patient', identifier: [{ system: `${'a'.repeat(n)} ` }] }],
      ['id', { resourceType: 'Patient', id: `${'a'.repeat(n)}!` }],
    ];
    for (const [name, resource] of crafted) {
      const issues = validator.validate(resource);
      expect(issues.length, name).toBeGreaterThan(0);
      expect(JSON.stringify(issues).length, name).toBeLessThan(2000);
    }
  });
});
