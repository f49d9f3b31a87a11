import { describe, expect, it } from 'vitest';
import type { Identifier } from 'fhir/r4.js';
import { resolveIdentifierSystem } from '../../src/mapping/helpers/identifier-system.ts';
import { hdIdentifier, identifierOrNameKey, resolveIdentifier, selectPatientKey, VERIFICATION_URL } from '../../src/mapping/helpers/identifiers.ts';
import { fakeContext, nodeOf, realRegistry, sourceOf } from './fake-context.ts';

const file = realRegistry().sources;
const none = { namespace: '', universalId: '', universalIdType: '' };

describe('resolveIdentifierSystem (the rules of README "Identifier systems")', () => {
  const cases: Array<[string, Parameters<typeof resolveIdentifierSystem>[0], string, Partial<ReturnType<typeof resolveIdentifierSystem>>]> = [
    ['NHS by authority, valid', { value: '943 476 5919', type: '', authority: { ...none, namespace: 'NHS' } }, 'mrn', { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919', verification: 'verified' }],
    ['NHS by type, invalid', { value: '9434765918', type: 'NH', authority: none }, 'mrn', { system: 'https://fhir.nhs.uk/Id/nhs-number', verification: 'unverified' }],
    ['NHS by OID', { value: '9434765919', type: '', authority: { ...none, universalId: '2.16.840.1.113883.2.1.4.1', universalIdType: 'ISO' } }, 'mrn', { verification: 'verified' }],
    ['NHS authority is case-insensitive', { value: '9434765919', type: '', authority: { ...none, namespace: 'nhsnbr' } }, 'mrn', { verification: 'verified' }],
    ['MBI by authority', { value: '1EG4-TE5-MK73', type: '', authority: { ...none, namespace: 'CMS' } }, 'mrn', { system: 'http://hl7.org/fhir/sid/us-mbi', value: '1EG4TE5MK73', verification: 'verified' }],
    ['MBI invalid', { value: '123', type: 'MBI', authority: none }, 'mrn', { system: 'http://hl7.org/fhir/sid/us-mbi', verification: 'unverified' }],
    ['SSN dropped', { value: '123456789', type: 'SS', authority: none }, 'mrn', { system: 'http://hl7.org/fhir/sid/us-ssn', drop: true }],
    ['well-known authority', { value: '1234567893', type: '', authority: { ...none, namespace: 'NPI' } }, 'practitioner', { system: 'http://hl7.org/fhir/sid/us-npi' }],
    ['ISO OID authority', { value: 'X1', type: 'MR', authority: { namespace: 'MPI', universalId: '2.16.840.1.113883.19.3.2.1', universalIdType: 'ISO' } }, 'mrn', { system: 'urn:oid:2.16.840.1.113883.19.3.2.1' }],
    ['unknown authority', { value: 'X1', type: 'MR', authority: { ...none, namespace: 'St Elsewhere' } }, 'mrn', { system: 'https://carebridge.dev/fhir/id/mrn/St%20Elsewhere' }],
    ['no authority: the facility', { value: 'X1', type: 'MR', authority: none }, 'mrn', { system: 'https://carebridge.dev/fhir/id/mrn/ACME' }],
    ['no authority, visit', { value: 'V1', type: 'VN', authority: none }, 'visit', { system: 'https://carebridge.dev/fhir/id/visit/ACME' }],
  ];
  it.each(cases)('%s', (_name, input, kind, expected) => {
    expect(resolveIdentifierSystem(input, kind as 'mrn', sourceOf(), file)).toMatchObject(expected);
  });

  it('uses the source configuration first: its authorities, MRN and visit systems, and keepSsn', () => {
    const source = sourceOf({ authorities: { WARD: 'https://example.org/mrn' }, mrnSystem: 'https://example.org/own', visitSystem: 'https://example.org/visits', keepSsn: true });
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: { ...none, namespace: 'WARD' } }, 'mrn', source, file).system).toBe('https://example.org/mrn');
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: { ...none, namespace: 'WARD' } }, 'visit', source, file).system).toBe('https://carebridge.dev/fhir/id/visit/WARD');
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: none }, 'mrn', source, file).system).toBe('https://example.org/own');
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: { ...none, namespace: 'ACME' } }, 'mrn', source, file).system).toBe('https://example.org/own');
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: none }, 'visit', source, file).system).toBe('https://example.org/visits');
    expect(resolveIdentifierSystem({ value: '1', type: '', authority: { ...none, namespace: 'ACME' } }, 'visit', source, file).system).toBe('https://example.org/visits');
    expect(resolveIdentifierSystem({ value: '1', type: 'SS', authority: none }, 'mrn', source, file).drop).toBeUndefined();
  });
});

describe('resolveIdentifier (CX finish)', () => {
  it('marks a failed NHS check unverified and warns without the number', () => {
    const ctx = fakeContext({ node: nodeOf('PID|||9434765918^^^NHS^NH', 3) });
    const identifier = resolveIdentifier({ value: '9434765918' }, { kind: 'mrn', authority: '4', type: '5' }, ctx);
    expect(identifier?.extension).toEqual([{ url: VERIFICATION_URL, valueCode: 'unverified' }]);
    expect(ctx.warnings.join()).not.toContain('9434765918');
  });

  it('drops an SSN with a warning, and accepts plain text input', () => {
    const ctx = fakeContext({ node: nodeOf('PID|||123456789^^^SSA^SS', 3) });
    expect(resolveIdentifier('123456789', { kind: 'mrn', authority: '4', type: '5' }, ctx)).toBeUndefined();
    expect(ctx.warnings).toHaveLength(1);
  });
});

describe('selectPatientKey (Patient id rule)', () => {
  const mr = (system: string, value: string, extra: Partial<Identifier> = {}): Identifier => ({ system, value, type: { coding: [{ code: 'MR' }] }, ...extra });
  const nhs = (value: string, check: 'verified' | 'unverified'): Identifier => ({ system: 'https://fhir.nhs.uk/Id/nhs-number', value, extension: [{ url: VERIFICATION_URL, valueCode: check }] });
  it.each([
    ['the facility MRN wins', [mr('https://other/mrn', 'O1'), mr('https://carebridge.dev/fhir/id/mrn/ACME', 'A1')], ['https://carebridge.dev/fhir/id/mrn/ACME', 'A1']],
    ['else the first MR', [{ system: 'https://x/pi', value: 'P1' }, mr('https://other/mrn', 'O1')], ['https://other/mrn', 'O1']],
    ['else the first local identifier', [nhs('9434765919', 'verified'), { system: 'https://x/pi', value: 'P1' }], ['https://x/pi', 'P1']],
    ['else a verified national number, scoped to the facility', [nhs('9434765919', 'verified')], ['ACME', 'https://fhir.nhs.uk/Id/nhs-number', '9434765919']],
    ['never an unverified one', [nhs('9434765918', 'unverified')], undefined],
    ['nothing at all', [], undefined],
  ])('%s', (_name, identifiers, key) => {
    expect(selectPatientKey(identifiers as Identifier[], sourceOf(), file)).toEqual(key);
  });
});

describe('identifierOrNameKey and hdIdentifier', () => {
  it.each([
    ['identifier', { identifier: [{ system: 's', value: 'v' }] }, ['s', 'v']],
    ['HumanName', { name: [{ family: 'Smith', given: ['Ann', 'B'] }] }, ['ACME', 'name', 'Smith', 'Ann B']],
    ['string name', { name: 'Blue Cross' }, ['ACME', 'name', 'Blue Cross']],
    ['nothing', {}, undefined],
  ])('%s', (_name, input, key) => {
    expect(identifierOrNameKey(input, sourceOf())).toEqual(key);
  });

  it.each([
    ['GHH', '2.16.840.1.122848.1.30', 'ISO', { system: 'urn:ietf:rfc:3986', value: 'urn:oid:2.16.840.1.122848.1.30' }],
    ['', '2a6d3a8e-5f1c-4b8e-9d0e-1f2a3b4c5d6e', 'UUID', { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:2a6d3a8e-5f1c-4b8e-9d0e-1f2a3b4c5d6e' }],
    ['ELAB-3', '', '', { system: 'https://carebridge.dev/fhir/id/org/hd', value: 'ELAB-3' }],
    ['', '', '', undefined],
  ])('HD %s %s %s', (namespace, universalId, type, identifier) => {
    expect(hdIdentifier(namespace, universalId, type, file)).toEqual(identifier);
  });
});
