/** The measure definitions in mappings/measures/ load and are checked; malformed ones fail with MSR-DEFINITION-INVALID. */
import { describe, expect, it } from 'vitest';
import { loadMeasureDefinitions, validateMeasureDefinition } from '../../src/measures/definitions.ts';

const base = {
  id: 'x-measure',
  title: 'X',
  description: 'X',
  family: 'utilization',
  basis: 'Encounter',
  scoring: 'ratio',
  multiplier: 1000,
  improvementNotation: 'decrease',
  unit: { text: 'per 1,000', ucum: '/10*3' },
  initialPopulation: { select: 'qualifying-discharge' },
  numerator: { kind: 'followed-by', event: 'inpatient-admission', withinDays: 30 },
};

describe('measure definitions', () => {
  it('loads the shipped measures', () => {
    const definitions = loadMeasureDefinitions();
    expect([...definitions.keys()].sort()).toEqual(['discharges', 'post-discharge-visits-30d', 'readmissions-30d', 'tcm-contact-2-business-days', 'tcm-visit-on-time']);
    expect(definitions.get('post-discharge-visits-30d')?.numerator).toEqual({ kind: 'followed-by', event: 'provider-visit', withinDays: 30, classes: ['AMB', 'HH'] });
    expect(definitions.get('discharges')?.multiplier).toBe(1);
  });

  it('accepts a well-formed definition', () => {
    expect(validateMeasureDefinition(base, 'x-measure.json').numerator).toEqual({ kind: 'followed-by', event: 'inpatient-admission', withinDays: 30, classes: [] });
  });

  it.each([
    ['an id that does not match the file', { id: 'other' }],
    ['an unknown scoring', { scoring: 'continuous-variable' }],
    ['a multiplier other than 100 or 1000', { multiplier: 10 }],
    ['a tcm family selecting discharges', { family: 'tcm' }],
    ['a window of 0 days', { numerator: { kind: 'followed-by', event: 'inpatient-admission', withinDays: 0 } }],
    ['a provider visit without classes', { numerator: { kind: 'followed-by', event: 'provider-visit', withinDays: 30 } }],
    ['a task numerator on a utilization measure', { numerator: { kind: 'task-on-time', task: 'tcm-contact' } }],
    ['a ratio without a numerator', { numerator: undefined }],
  ])('refuses %s', (_what, change) => {
    expect(() => validateMeasureDefinition({ ...base, ...change }, 'x-measure.json')).toThrow(expect.objectContaining({ code: 'MSR-DEFINITION-INVALID' }));
  });
});
