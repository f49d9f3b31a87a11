/** `factsOf`: generic extraction of codes, labels, references and the clinical date from FHIR resources. */
import type { Bundle, Condition, Encounter, MedicationRequest, Observation, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { clinicalDateOf, factsOf } from '../../src/consent/facts.ts';
import { confidentiality, label, RULES } from './consent-fixtures.ts';

const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';

const observation: Observation = {
  resourceType: 'Observation',
  id: 'obs-9',
  meta: {
    security: [confidentiality('N')],
    tag: [{ system: SCT, code: 'tag-code' }],
    profile: ['http://example.org/StructureDefinition/vitals'],
    lastUpdated: '2025-03-01T00:00:00Z',
  },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
  status: 'final',
  code: { coding: [{ system: LOINC, code: '8867-4' }, { system: LOINC, code: '8867-4' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2025-02-02T10:00:00Z',
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  component: [{ code: { coding: [{ system: SCT, code: '364075005' }] }, valueCodeableConcept: { coding: [{ system: SCT, code: '260385009' }] } }],
  extension: [{ url: 'http://example.org/x', valueCoding: { system: SCT, code: '111111' } }],
};

describe('factsOf', () => {
  const facts = factsOf(observation, RULES);

  it('keeps identity, labels and profiles', () => {
    expect(facts).toMatchObject({
      resourceType: 'Observation',
      id: 'obs-9',
      reference: 'Observation/obs-9',
      securityLabels: [confidentiality('N')],
      profiles: ['http://example.org/StructureDefinition/vitals'],
    });
  });

  it('collects every Coding in the tree once, skipping meta, narrative and Quantity units', () => {
    expect(facts.codes).toEqual([
      { system: LOINC, code: '8867-4' },
      { system: SCT, code: '364075005' },
      { system: SCT, code: '260385009' },
      { system: SCT, code: '111111' },
    ]);
  });

  it('collects references', () => {
    expect(facts.references).toEqual(['Patient/p1']);
  });

  it('includes contained resources: their codes as codes, their labels as element labels', () => {
    const request: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'mr-1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      authoredOn: '2025-04-01',
      contained: [
        {
          resourceType: 'Condition',
          id: 'c1',
          meta: { security: [label('PSY')] },
          subject: { reference: 'Patient/p1' },
          code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'F32.1' }] },
        } satisfies Condition,
      ],
      reasonReference: [{ reference: '#c1' }],
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '312938' }] },
    };
    const result = factsOf(request, RULES);
    expect(result.codes).toContainEqual({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'F32.1' });
    expect(result.elementLabels).toEqual([label('PSY')]);
    expect(result.securityLabels).toEqual([]);
    expect(result.date).toBe('2025-04-01');
  });

  it('takes Bundle entry labels as element labels', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Observation', meta: { security: [label('HIV')] }, status: 'final', code: {} } as Observation }],
    };
    expect(factsOf(bundle, RULES).elementLabels).toEqual([label('HIV')]);
  });

  it('leaves id and reference out when the resource has no id', () => {
    const result = factsOf({ resourceType: 'Basic', code: {} } as Resource, RULES);
    expect(result).not.toHaveProperty('id');
    expect(result).not.toHaveProperty('reference');
  });
});

describe('clinicalDateOf (mappings/consent/clinical-dates.json)', () => {
  const encounter: Encounter = { resourceType: 'Encounter', status: 'finished', class: { code: 'IMP' }, period: { start: '2024-12-01T08:00:00Z' } };
  it.each([
    ['Observation.effectiveDateTime', observation, '2025-02-02T10:00:00Z'],
    ['Observation.effectivePeriod.start', { ...observation, effectiveDateTime: undefined, effectivePeriod: { start: '2025-01-05' } }, '2025-01-05'],
    ['Observation.issued when no effective', { ...observation, effectiveDateTime: undefined, issued: '2025-01-06T00:00:00Z' }, '2025-01-06T00:00:00Z'],
    ['Condition.onsetDateTime', { resourceType: 'Condition', subject: {}, onsetDateTime: '2020-01-01', recordedDate: '2021-01-01' }, '2020-01-01'],
    ['Condition.recordedDate when no onset', { resourceType: 'Condition', subject: {}, recordedDate: '2021-01-01' }, '2021-01-01'],
    ['Encounter.period.start', encounter, '2024-12-01T08:00:00Z'],
    ['Procedure.performedPeriod.start', { resourceType: 'Procedure', status: 'completed', subject: {}, performedPeriod: { start: '2023-03-03' } }, '2023-03-03'],
    ['Immunization.occurrenceDateTime', { resourceType: 'Immunization', occurrenceDateTime: '2022-10-10' }, '2022-10-10'],
    ['AllergyIntolerance.recordedDate', { resourceType: 'AllergyIntolerance', recordedDate: '2019-09-09' }, '2019-09-09'],
    ['DocumentReference.date', { resourceType: 'DocumentReference', date: '2018-08-08T00:00:00Z' }, '2018-08-08T00:00:00Z'],
    ['fallback meta.lastUpdated', { resourceType: 'Basic', meta: { lastUpdated: '2017-07-07T00:00:00Z' } }, '2017-07-07T00:00:00Z'],
    ['none at all', { resourceType: 'Basic' }, undefined],
  ])('%s', (_name, resource, expected) => {
    expect(clinicalDateOf(resource as Resource, RULES)).toBe(expected);
  });
});
