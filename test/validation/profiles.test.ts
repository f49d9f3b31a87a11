/**
 * Our profiles (profiles/*.schema.json): each is a well-formed schema with a canonical URL and a
 * description, the two starting profiles accept and reject the right resources, and profiles apply to
 * the resources (and Bundle entries) whose meta.profile names them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/shared/paths.ts';
import { applyProfiles } from '../../src/validation/apply-profiles.ts';
import { PROFILE_CANONICAL_BASE, PROFILE_FILE_SUFFIX, loadProfiles, readProfileHeader } from '../../src/validation/profiles.ts';

const DIR = projectPath('profiles');
const PATIENT = `${PROFILE_CANONICAL_BASE}carebridge-patient`;
const ENCOUNTER = `${PROFILE_CANONICAL_BASE}carebridge-encounter`;
const profiles = loadProfiles(DIR);
const check = (resource: Record<string, unknown>, requested: string[] = []) => applyProfiles(resource, String(resource.resourceType), profiles, requested);

describe('profile files', () => {
  const files = fs.readdirSync(DIR).filter((file) => file.endsWith(PROFILE_FILE_SUFFIX));

  it('are well-formed schemas with a canonical URL, a title and a description', () => {
    expect(files.sort()).toEqual(['carebridge-encounter.schema.json', 'carebridge-patient.schema.json']);
    for (const file of files) {
      const schema = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Record<string, unknown>;
      const name = file.slice(0, -PROFILE_FILE_SUFFIX.length);
      const header = readProfileHeader(schema, name);
      expect(header.$id).toBe(`${PROFILE_CANONICAL_BASE}${name}`);
      expect(header.description.length).toBeGreaterThan(20);
      expect(new Ajv({ strictSchema: true, strictTuples: true, strictTypes: false }).validateSchema(schema)).toBe(true);
      expect(() => new Ajv({ strictSchema: true, strictTuples: true, strictTypes: false }).compile(schema)).not.toThrow();
    }
  });

  it('are listed in profiles/README.md', () => {
    const readme = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8');
    for (const profile of profiles.list()) expect(readme).toContain(profile.url);
  });

  it('refuse a profile whose $id does not match its file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
    const schema = { $id: `${PROFILE_CANONICAL_BASE}other`, title: 'mine', description: 'x', properties: { resourceType: { const: 'Patient' } } };
    fs.writeFileSync(path.join(dir, `mine${PROFILE_FILE_SUFFIX}`), JSON.stringify(schema));
    expect(() => loadProfiles(dir)).toThrow(/Profile mine: \$id must be/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('carebridge-patient', () => {
  const good = { resourceType: 'Patient', identifier: [{ value: 'no system' }, { system: 'urn:x', value: '1' }], name: [{ family: 'A' }] };

  it('accepts a patient with a full identifier and a name', () => {
    expect(check(good, [PATIENT])).toEqual([]);
  });

  it('rejects a patient without a full identifier or without a name, naming the rule', () => {
    const issues = check({ resourceType: 'Patient', identifier: [{ value: 'Secret-123' }], name: [] }, [PATIENT]);
    expect(issues).toEqual([
      { severity: 'error', code: 'required', diagnostics: 'carebridge-patient: At least one identifier must have both system and value', expression: ['Patient.identifier'] },
      { severity: 'error', code: 'required', diagnostics: 'carebridge-patient: At least one name is required', expression: ['Patient.name'] },
    ]);
    expect(JSON.stringify(issues)).not.toContain('Secret-123');
    expect(check({ resourceType: 'Patient' }, [PATIENT]).map((issue) => issue.expression?.[0])).toEqual(['Patient.identifier', 'Patient.name']);
  });
});

describe('carebridge-encounter', () => {
  const good = { resourceType: 'Encounter', status: 'finished', class: { code: 'IMP' }, subject: { reference: 'Patient/1' }, period: { start: '2026-01-01' } };

  it('accepts an encounter with status, class, subject and period.start', () => {
    expect(check(good, [ENCOUNTER])).toEqual([]);
  });

  it('rejects an encounter without subject or period.start', () => {
    const { subject: _subject, ...withoutSubject } = good;
    expect(check({ ...withoutSubject, period: { end: '2026-01-02' } }, [ENCOUNTER])).toEqual([
      { severity: 'error', code: 'required', diagnostics: 'carebridge-encounter: Missing required element', expression: ['Encounter.subject'] },
      { severity: 'error', code: 'required', diagnostics: 'carebridge-encounter: Missing required element', expression: ['Encounter.period.start'] },
    ]);
  });
});

describe('which profiles apply', () => {
  const patient = { resourceType: 'Patient', name: [{ family: 'A' }] };

  it('applies none unless asked for or claimed in meta.profile (a |version suffix is ignored)', () => {
    expect(check(patient)).toEqual([]);
    expect(check({ ...patient, meta: { profile: [`${PATIENT}|1.0.0`] } })).toHaveLength(1);
    expect(check({ ...patient, meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'] } })).toEqual([]);
  });

  it('reports an unknown requested profile and a profile of another resource type', () => {
    expect(check(patient, ['https://example.org/unknown'])).toEqual([
      { severity: 'error', code: 'not-supported', diagnostics: 'The requested profile is not known to this server (https://example.org/unknown)' },
    ]);
    expect(check(patient, [ENCOUNTER])).toEqual([
      { severity: 'error', code: 'invalid', diagnostics: 'carebridge-encounter: this profile constrains Encounter, not this resource type', expression: ['Patient'] },
    ]);
  });

  it('applies meta.profile of Bundle entries (nested Bundles too) at their paths', () => {
    const claimed = { ...patient, meta: { profile: [PATIENT] } };
    const inner = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: claimed }] };
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }, { resource: claimed }, { resource: inner }] };
    expect(check(bundle).map((issue) => issue.expression?.[0])).toEqual([
      'Bundle.entry[1].resource.identifier',
      'Bundle.entry[2].resource.entry[0].resource.identifier',
    ]);
  });
});
