/**
 * Patient resources: NHS numbers from the 999 test range with a valid modulus-11 check digit, an MRN for each
 * hospital that holds a record of the patient, Ofcom drama-range phone numbers, GP registration.
 */
import type { Identifier, Patient } from 'fhir/r4.js';
import { SYSTEM, at, concept, demoMeta, nhsCheckDigit } from './common.ts';
import { hospitalsOf } from './hospital-specs.ts';
import { ORGS, mrnSystem, orgRef } from './organizations.ts';
import { PATIENTS, type PatientKey, type PatientSpec, patientId } from './patient-table.ts';
import type { Prng } from './prng.ts';

const MARITAL = { M: 'Married', W: 'Widowed', S: 'Never Married', D: 'Divorced' } as const;

/** A fresh, valid test-range NHS number (999 + 6 digits + check digit) not in `used`. */
function nhsNumber(prng: Prng, used: Set<string>): string {
  for (;;) {
    const stem = `999${String(prng.int(0, 999_999)).padStart(6, '0')}`;
    const check = nhsCheckDigit(stem);
    const value = `${stem}${check ?? ''}`;
    if (check !== undefined && !used.has(value)) {
      used.add(value);
      return value;
    }
  }
}

function identifiers(prng: Prng, key: PatientKey, used: Set<string>): Identifier[] {
  const ids: Identifier[] = [{ use: 'official', system: SYSTEM.nhsNumber, value: nhsNumber(prng, used) }];
  for (const hospital of hospitalsOf(key)) {
    ids.push({
      use: 'usual',
      type: concept(SYSTEM.v2IdType, 'MR', 'Medical record number'),
      system: mrnSystem(hospital),
      value: `${hospital === 'north' ? 'NR' : 'SV'}${prng.int(100_000, 999_999)}`,
      assigner: orgRef(hospital),
    });
  }
  return ids;
}

function patient(prng: Prng, key: PatientKey, used: Set<string>): Patient {
  const spec: PatientSpec = PATIENTS[key];
  const practice = ORGS[spec.practice];
  const resource: Patient = {
    resourceType: 'Patient',
    id: patientId(key),
    meta: demoMeta(practice.source),
    identifier: identifiers(prng, key, used),
    active: true,
    name: [{ use: 'official', family: spec.family, given: [...spec.given], prefix: [prefix(spec)] }],
    telecom: [
      { system: 'phone', value: `01632 ${prng.int(960_600, 960_999)}`, use: 'home' },
      { system: 'phone', value: `07700 ${prng.int(900_000, 900_999)}`, use: 'mobile' },
    ],
    gender: spec.gender,
    birthDate: spec.birthDate,
    address: [{ use: 'home', type: 'physical', line: [spec.line], city: spec.city, postalCode: spec.postalCode, country: 'GB' }],
    maritalStatus: concept('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', spec.marital, MARITAL[spec.marital]),
    generalPractitioner: [orgRef(spec.practice)],
    managingOrganization: orgRef(spec.practice),
  };
  if (spec.email) resource.telecom?.push({ system: 'email', value: `${spec.given[0] ?? ''}.${spec.family}@example.com`.toLowerCase(), use: 'home' });
  if (spec.died) resource.deceasedDateTime = at(spec.died[0], spec.died[1]);
  if (spec.language) {
    resource.communication = [
      { language: concept('urn:ietf:bcp:47', spec.language[0], spec.language[1]), preferred: true },
      { language: concept('urn:ietf:bcp:47', 'en', 'English') },
    ];
  }
  return resource;
}

function prefix(spec: PatientSpec): string {
  if (spec.gender === 'male') return 'Mr';
  return spec.marital === 'S' ? 'Ms' : 'Mrs';
}

/** The 20 demo patients, in table order. */
export function buildPatients(prng: Prng): Patient[] {
  const used = new Set<string>();
  return (Object.keys(PATIENTS) as PatientKey[]).map((key) => patient(prng, key, used));
}
