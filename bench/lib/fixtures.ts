/**
 * Synthetic FHIR R4 data for the benchmarks, from a seeded PRNG so every run stores comparable content:
 * Patients (~650 bytes), Encounters (~450 bytes) with period starts spread over 2015–2025, a patient with
 * 500 compartment resources, and 100-entry transaction Bundles. All names and numbers are made up.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Condition, Encounter, Observation, Organization, Patient, Resource } from 'fhir/r4.js';

/** Identifier system of the bench MRNs (the token search uses it). */
export const MRN_SYSTEM = 'urn:oid:1.2.826.0.1.3680043.9.7331.1';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILIES = ['Hargreaves', 'Okafor', 'Nwosu', 'Ashworth', 'Fielding', 'Patel', 'Kowalski', 'Murphy', 'Evans', 'Begum', 'Chen', 'Haddad'];
const GIVEN = ['Evelyn', 'Daniel', 'Amara', 'Peter', 'Helen', 'Ravi', 'Zofia', 'Sean', 'Megan', 'Nadia', 'Wei', 'Omar'];
const TOWNS = [['Leeds', 'LS6'], ['Harrogate', 'HG1'], ['York', 'YO1'], ['Bradford', 'BD7'], ['Wakefield', 'WF1']] as const;
const CLASSES = [['AMB', 'ambulatory'], ['IMP', 'inpatient encounter'], ['EMER', 'emergency']] as const;
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const SPAN_START = Date.UTC(2015, 0, 1);
const SPAN_MS = Date.UTC(2025, 11, 31) - SPAN_START;

function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(rand() * list.length)] as T;
}

/** The MRN of bench patient number `n`. */
export function mrn(n: number): string {
  return `MRN${String(n).padStart(8, '0')}`;
}

/** Bench patient number `n` with a fresh id. */
export function patient(n: number, rand: () => number): Patient {
  const [town, district] = pick(TOWNS, rand);
  const year = 1930 + Math.floor(rand() * 90);
  const birthDate = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  return {
    resourceType: 'Patient',
    id: randomUUID(),
    identifier: [
      { use: 'usual', system: MRN_SYSTEM, value: mrn(n) },
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: String(9_000_000_000 + n) },
    ],
    active: true,
    name: [{ use: 'official', family: pick(FAMILIES, rand), given: [pick(GIVEN, rand), pick(GIVEN, rand)], prefix: ['Mx'] }],
    telecom: [{ system: 'phone', value: `0113 496 ${String(n % 10_000).padStart(4, '0')}`, use: 'home' }],
    gender: rand() < 0.5 ? 'female' : 'male',
    birthDate,
    address: [{ use: 'home', line: [`${1 + (n % 200)} Orchard Lane`], city: town, postalCode: `${district} ${n % 10}QT`, country: 'GB' }],
  };
}

/** An Encounter of `patientId`, starting at a random instant in 2015–2025. */
export function encounter(patientId: string, rand: () => number, serviceProvider?: string): Encounter {
  const start = SPAN_START + Math.floor(rand() * SPAN_MS);
  const [code, display] = pick(CLASSES, rand);
  const resource: Encounter = {
    resourceType: 'Encounter',
    id: randomUUID(),
    status: rand() < 0.9 ? 'finished' : 'in-progress',
    class: { system: ACT_CODE, code, display },
    type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' }] }],
    subject: { reference: `Patient/${patientId}` },
    period: { start: new Date(start).toISOString(), end: new Date(start + 3_600_000 * (1 + Math.floor(rand() * 72))).toISOString() },
  };
  if (serviceProvider) resource.serviceProvider = { reference: `Organization/${serviceProvider}` };
  return resource;
}

/** A random date in the Encounter span, for `date=ge…` searches. */
export function spanDate(rand: () => number): string {
  return new Date(SPAN_START + Math.floor(rand() * SPAN_MS)).toISOString().slice(0, 10);
}

function observation(subject: string, encounterRef: string | undefined, rand: () => number): Observation {
  const resource: Observation = {
    resourceType: 'Observation',
    id: randomUUID(),
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: subject },
    effectiveDateTime: new Date(SPAN_START + Math.floor(rand() * SPAN_MS)).toISOString(),
    valueQuantity: { value: 50 + Math.floor(rand() * 60), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
  if (encounterRef) resource.encounter = { reference: encounterRef };
  return resource;
}

function condition(subject: string, rand: () => number): Condition {
  return {
    resourceType: 'Condition',
    id: randomUUID(),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: pick(['J18.9', 'I50.9', 'E11.9', 'I10'], rand) }] },
    subject: { reference: subject },
    recordedDate: spanDate(rand),
  };
}

/** A patient with 500 compartment resources (150 Encounters, 250 Observations, 100 Conditions) and their Organization. */
export function bigPatient(rand: () => number): { patient: Patient; resources: Resource[] } {
  const subject = patient(99_999_999, rand);
  const organization: Organization = { resourceType: 'Organization', id: randomUUID(), name: 'St Mary’s Hospital (bench)' };
  const ref = `Patient/${subject.id as string}`;
  const encounters = Array.from({ length: 150 }, () => encounter(subject.id as string, rand, organization.id));
  const observations = Array.from({ length: 250 }, (_, i) => observation(ref, `Encounter/${encounters[i % 150]?.id as string}`, rand));
  const conditions = Array.from({ length: 100 }, () => condition(ref, rand));
  return { patient: subject, resources: [organization, ...encounters, ...observations, ...conditions] };
}

/** A 100-entry transaction: a new Patient, 33 Encounters and 66 Observations referring to it by urn:uuid. */
export function transactionBundle(n: number, rand: () => number): Bundle {
  const { id: _id, ...newPatient } = patient(n, rand);
  const patientUrl = `urn:uuid:${randomUUID()}`;
  const entries: BundleEntry[] = [{ fullUrl: patientUrl, resource: newPatient, request: { method: 'POST', url: 'Patient' } }];
  const encounterUrls: string[] = [];
  for (let i = 0; i < 33; i++) {
    const { id: _eid, ...resource } = encounter('x', rand);
    resource.subject = { reference: patientUrl };
    const fullUrl = `urn:uuid:${randomUUID()}`;
    encounterUrls.push(fullUrl);
    entries.push({ fullUrl, resource, request: { method: 'POST', url: 'Encounter' } });
  }
  for (let i = 0; i < 66; i++) {
    const { id: _oid, ...resource } = observation(patientUrl, encounterUrls[i % 33], rand);
    entries.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource, request: { method: 'POST', url: 'Observation' } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
