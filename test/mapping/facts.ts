/**
 * "The facts that matter" of a mapped HL7 v2 message, read from a FHIR Bundle (ours or FHIR-Converter's), so the
 * two can be compared without caring about ids, resource splits or extensions: patient identifiers, names,
 * birth date, gender, addresses; encounter class, status, period and discharge disposition; diagnoses,
 * allergies and observations. Each fact is a sorted list of normalized strings.
 */
import type { Bundle, CodeableConcept, FhirResource, Observation } from 'fhir/r4.js';

export const FACT_NAMES = [
  'patient.identifier',
  'patient.name',
  'patient.birthDate',
  'patient.gender',
  'patient.address',
  'encounter.class',
  'encounter.status',
  'encounter.period',
  'encounter.dischargeDisposition',
  'diagnoses',
  'allergies',
  'observations',
] as const;

export type FactName = (typeof FACT_NAMES)[number];
export type Facts = Record<FactName, string[]>;

function clean(text: string | undefined): string {
  return (text ?? '').trim().replace(/\s+/g, ' ');
}

function codes(concept: CodeableConcept | undefined): string[] {
  const list = (concept?.coding ?? []).map((c) => clean(c.code)).filter((c) => c !== '');
  return list.length > 0 ? list : concept?.text === undefined ? [] : [clean(concept.text)];
}

function observationValue(obs: Observation): string {
  if (obs.valueQuantity !== undefined) return String(obs.valueQuantity.value ?? '');
  if (obs.valueString !== undefined) return clean(obs.valueString);
  if (obs.valueCodeableConcept !== undefined) return codes(obs.valueCodeableConcept)[0] ?? '';
  if (obs.valueDateTime !== undefined) return obs.valueDateTime;
  if (obs.valueRange !== undefined) return `${obs.valueRange.low?.value ?? ''}-${obs.valueRange.high?.value ?? ''}`;
  if (obs.valueRatio !== undefined) return `${obs.valueRatio.numerator?.value ?? ''}:${obs.valueRatio.denominator?.value ?? ''}`;
  return '';
}

/** A dateTime with a time as a UTC instant (offsets differ between converters), a date as it is. */
function instant(value: string | undefined): string {
  if (value === undefined) return '';
  if (!value.includes('T')) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))].sort();
}

/** Reads the facts of a Bundle's resources. */
export function readFacts(bundle: Bundle): Facts {
  const resources = (bundle.entry ?? []).map((entry) => entry.resource).filter((r): r is FhirResource => r !== undefined);
  const of = <T extends FhirResource['resourceType']>(type: T): Extract<FhirResource, { resourceType: T }>[] =>
    resources.filter((r): r is Extract<FhirResource, { resourceType: T }> => r.resourceType === type);
  const patients = of('Patient');
  const encounters = of('Encounter');
  return {
    'patient.identifier': sortedUnique(patients.flatMap((p) => (p.identifier ?? []).map((i) => clean(i.value)))),
    'patient.name': sortedUnique(patients.flatMap((p) => (p.name ?? []).map((n) => `${clean(n.family)}|${(n.given ?? []).map(clean).join(' ')}`))),
    'patient.birthDate': sortedUnique(patients.map((p) => p.birthDate ?? '')),
    'patient.gender': sortedUnique(patients.map((p) => p.gender ?? '')),
    'patient.address': sortedUnique(
      patients.flatMap((p) => (p.address ?? []).map((a) => [(a.line ?? []).map(clean).join(' '), clean(a.city), clean(a.state), clean(a.postalCode), clean(a.country)].join('|'))),
    ),
    'encounter.class': sortedUnique(encounters.map((e) => clean(e.class?.code))),
    'encounter.status': sortedUnique(encounters.map((e) => e.status)),
    'encounter.period': sortedUnique(encounters.map((e) => `${instant(e.period?.start)}/${instant(e.period?.end)}`).filter((p) => p !== '/')),
    'encounter.dischargeDisposition': sortedUnique(encounters.flatMap((e) => codes(e.hospitalization?.dischargeDisposition))),
    diagnoses: sortedUnique(of('Condition').flatMap((c) => codes(c.code).slice(0, 1))),
    allergies: sortedUnique(of('AllergyIntolerance').flatMap((a) => codes(a.code).slice(0, 1))),
    observations: sortedUnique(of('Observation').map((o) => `${codes(o.code)[0] ?? ''}=${observationValue(o)}`)),
  };
}
