/** `labelsRevealedBy`: which labels a resource inherits from the sensitive resources it references. */
import type { Coding, Encounter, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { labelsRevealedBy } from '../../src/consent/labels.ts';
import { confidentiality, label, RULES } from './consent-fixtures.ts';

const encounter = (security: Coding[] = []): Encounter => ({
  resourceType: 'Encounter',
  meta: { security },
  status: 'finished',
  class: { code: 'IMP' },
  subject: { reference: 'Patient/p1' },
  diagnosis: [{ condition: { reference: 'Condition/c1' } }],
  serviceProvider: { reference: 'https://gateway.example/fhir/Organization/org-9' },
});

describe('labelsRevealedBy', () => {
  it.each([
    ['PSY diagnosis → PSY', [{ reference: 'Condition/c1', labels: [label('PSY')] }], [label('PSY')]],
    ['ETH + 42CFRPart2 diagnosis → both', [{ reference: 'Condition/c1', labels: [label('ETH'), label('42CFRPart2')] }], [label('ETH'), label('42CFRPart2')]],
    ['HIV, SEX, SDV, V → all propagate', [{ reference: 'Condition/c1', labels: [label('HIV'), label('SEX'), label('SDV'), confidentiality('V')] }], [label('HIV'), label('SEX'), label('SDV'), confidentiality('V')]],
    ['SOC does not propagate (it names a source, not content)', [{ reference: 'Condition/c1', labels: [label('SOC')] }], []],
    ['confidentiality R does not propagate', [{ reference: 'Condition/c1', labels: [confidentiality('R')] }], []],
    ['a resource not referenced → nothing', [{ reference: 'Condition/other', labels: [label('PSY')] }], []],
    ['the Patient’s labels do not spread to the record', [{ reference: 'Patient/p1', labels: [confidentiality('V')] }], []],
    ['absolute references compare by type and id', [{ reference: 'Organization/org-9', labels: [label('PSY')] }], [label('PSY')]],
    ['duplicates from several references collapse', [
      { reference: 'Condition/c1', labels: [label('PSY')] },
      { reference: 'Organization/org-9', labels: [label('PSY')] },
    ], [label('PSY')]],
  ])('%s', (_name, referenced, expected) => {
    expect(labelsRevealedBy(encounter(), referenced, RULES)).toEqual(expected);
  });

  it('leaves out labels the resource already carries', () => {
    const referenced = [{ reference: 'Condition/c1', labels: [label('PSY'), label('HIV')] }];
    expect(labelsRevealedBy(encounter([label('PSY')]), referenced, RULES)).toEqual([label('HIV')]);
  });

  it('follows references inside contained resources too', () => {
    const withContained = { ...encounter(), diagnosis: [], contained: [{ resourceType: 'Basic', id: 'b', code: {}, subject: { reference: 'Condition/c1' } }] } as Resource;
    expect(labelsRevealedBy(withContained, [{ reference: 'Condition/c1', labels: [label('PSY')] }], RULES)).toEqual([label('PSY')]);
  });
});
