/**
 * The FHIR R4 `MeasureReport` of one measure over one roster and period (https://hl7.org/fhir/R4/measurereport.html):
 * `type` summary, `measure` the canonical `{fhirBase}/Measure/{id}`, `subject` the Group, `period`, one group with
 * the population counts (initial-population, and for ratio/proportion measures denominator,
 * denominator-exclusion, numerator) and `measureScore`: the count (cohort), or numerator / (denominator −
 * exclusions) × 1,000 or × 100, rounded to one decimal; no score when that denominator is 0.
 */
import type { MeasureReport, MeasureReportGroupPopulation, Reference } from 'fhir/r4.js';
import type { MeasureDefinition } from './definitions.ts';
import type { MeasurePeriod } from './population.ts';

/** One counted item (a discharge or an episode). */
export interface MeasureItem {
  reference: string;
  patientId: string;
  excluded: boolean;
  met: boolean;
}

export const POPULATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-population';
export const ROSTER_MEMBERS_URL = 'https://carebridge.dev/fhir/StructureDefinition/measure-roster-members';
export const CONSENT_EXCLUDED_URL = 'https://carebridge.dev/fhir/StructureDefinition/measure-patients-withheld';

export interface ReportContext {
  fhirBase: string;
  subject: Reference;
  period: MeasurePeriod;
  /** When the report was computed. */
  date: string;
  /** The caller's organisation, the report's reporter. */
  reporter?: Reference;
  /** Roster members during the period, and how many of them the caller may not see (left out). */
  members: number;
  withheld: number;
}

function population(code: string, count: number): MeasureReportGroupPopulation {
  return { code: { coding: [{ system: POPULATION_SYSTEM, code }] }, count };
}

/** Builds the report from the counted items. */
export function buildMeasureReport(definition: MeasureDefinition, items: readonly MeasureItem[], context: ReportContext): MeasureReport {
  const initial = items.length;
  const excluded = items.filter((item) => item.excluded).length;
  const numerator = items.filter((item) => item.met && !item.excluded).length;
  const populations = [population('initial-population', initial)];
  const group: NonNullable<MeasureReport['group']>[number] = { code: { text: definition.title }, population: populations };
  if (definition.scoring === 'cohort') {
    group.measureScore = { value: initial, unit: definition.unit.text, system: 'http://unitsofmeasure.org', code: definition.unit.ucum };
  } else {
    populations.push(population('denominator', initial), population('denominator-exclusion', excluded), population('numerator', numerator));
    const denominator = initial - excluded;
    if (denominator > 0) {
      const value = Math.round((numerator / denominator) * definition.multiplier * 10) / 10;
      group.measureScore = { value, unit: definition.unit.text, system: 'http://unitsofmeasure.org', code: definition.unit.ucum };
    }
  }
  const report: MeasureReport = {
    resourceType: 'MeasureReport',
    extension: [
      { url: ROSTER_MEMBERS_URL, valueInteger: context.members },
      { url: CONSENT_EXCLUDED_URL, valueInteger: context.withheld },
    ],
    status: 'complete',
    type: 'summary',
    measure: `${context.fhirBase}/Measure/${definition.id}`,
    subject: context.subject,
    date: context.date,
    period: { start: context.period.start, end: context.period.end },
    improvementNotation: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code: definition.improvementNotation }] },
    group: [group],
  };
  if (context.reporter) report.reporter = context.reporter;
  return report;
}
