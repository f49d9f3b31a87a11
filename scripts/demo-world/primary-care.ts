/**
 * Turns the GP specs into what each practice system sends: problem-list Conditions (SNOMED CT), repeat
 * prescriptions, allergies, immunisations, consultations and the observations taken at them.
 */
import type { AllergyIntolerance, CodeableConcept, Immunization, Resource } from 'fhir/r4.js';
import { SYSTEM, at, concept, day, demoMeta } from './common.ts';
import { ALLERGIES, type AllergyKey, type AllergySpec, type DxKey, type MedKey, VACCINES, type VaccineKey } from './codes.ts';
import { ORGS, orgRef } from './organizations.ts';
import { measure } from './observations.ts';
import { PATIENTS, type PatientKey, type PatientSpec } from './patient-table.ts';
import { GP_RECORDS, type GpVisitSpec, type GpVisitType } from './primary-care-specs.ts';
import type { Prng } from './prng.ts';
import { condition, dxConcept, encounter, encounterId, patRef, prescription, sensitivityOf } from './records.ts';
import { pracRef } from './staff.ts';

const MED_REASON: Partial<Record<MedKey, DxKey>> = {
  furosemide: 'hf', bisoprolol: 'hf', ramipril: 'hf', spironolactone: 'hf', lisinopril: 'htn', amlodipine: 'htn', metformin: 't2dm',
  apixaban: 'af', levothyroxine: 'hypothyroid', sertraline: 'depression', thiamine: 'alcohol', acamprosate: 'alcohol', donepezil: 'dementia',
  tiotropium: 'copd', beclometasone: 'asthma', naproxen: 'backPain',
};

const VISIT_TYPE: Record<GpVisitType, CodeableConcept> = {
  review: { text: 'Chronic disease review' },
  'follow-up': concept(SYSTEM.snomed, '390906007', 'Follow-up encounter'),
  symptom: concept(SYSTEM.snomed, '185345009', 'Encounter for symptom'),
  'check-up': concept(SYSTEM.snomed, '185349003', 'Encounter for check up'),
  home: { text: 'GP home visit' },
  phone: { text: 'Telephone consultation' },
};
const VISIT_CLASS: Record<GpVisitType, 'AMB' | 'HH' | 'VR'> = { review: 'AMB', 'follow-up': 'AMB', symptom: 'AMB', 'check-up': 'AMB', home: 'HH', phone: 'VR' };

/** Days from the Sunday anchor: a weekday when 2..6 days before a Sunday. */
function assertWeekday(patient: PatientKey, offset: number): void {
  const back = ((-offset % 7) + 7) % 7;
  if (back < 2) throw new Error(`GP visit for ${patient} on ${day(offset)} falls on a weekend`);
}

function visit(prng: Prng, patient: PatientKey, v: GpVisitSpec): Resource[] {
  assertWeekday(patient, v.day);
  const spec: PatientSpec = PATIENTS[patient];
  const source = ORGS[spec.practice].source;
  const start = at(v.day, v.time);
  const minutes = v.type === 'phone' ? 10 : v.type === 'home' ? 40 : 15;
  const end = start.replace(v.time, shift(v.time, minutes));
  const id = encounterId(patient, 'gp', start);
  const sensitivity = v.dx ? sensitivityOf([v.dx]) : undefined;
  const reason: CodeableConcept = v.dx ? { coding: dxConcept(v.dx, 'snomed').coding ?? [], text: v.reason } : { text: v.reason };
  const enc = encounter({ id, patient, cls: VISIT_CLASS[v.type], type: VISIT_TYPE[v.type], period: { start, end }, source, serviceProvider: orgRef(spec.practice), participant: pracRef(spec.gp), reason, sensitivity });
  return [enc, ...measure(prng, { patient, encounterId: id, effective: start, source, performer: orgRef(spec.practice), sensitivity }, v.measures ?? [], v.overrides)];
}

function shift(time: string, minutes: number): string {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function allergy(prng: Prng, patient: PatientKey, key: AllergyKey | 'none-known'): AllergyIntolerance {
  const spec: PatientSpec = PATIENTS[patient];
  const clinical = concept('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active');
  const verification = concept('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed');
  const base: AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    id: `allergy-${patient}-${key}`,
    meta: demoMeta(ORGS[spec.practice].source),
    clinicalStatus: clinical,
    verificationStatus: verification,
    code: concept(SYSTEM.snomed, '716186003', 'No known allergy'),
    patient: patRef(patient),
    recordedDate: day(-prng.int(400, 3000)),
    recorder: pracRef(spec.gp),
  };
  if (key === 'none-known') return base;
  const a: AllergySpec = ALLERGIES[key];
  return {
    ...base,
    type: a.type,
    category: [a.category],
    criticality: a.criticality,
    code: a.code ? concept(SYSTEM.snomed, a.code[0], a.code[1], a.text) : { text: a.text },
    ...(a.reaction ? { reaction: [{ manifestation: [concept(SYSTEM.snomed, a.reaction[0], a.reaction[1])] }] } : {}),
  };
}

function immunization(prng: Prng, patient: PatientKey, key: VaccineKey, offset: number): Immunization {
  const spec: PatientSpec = PATIENTS[patient];
  const when = at(offset, '10:00');
  return {
    resourceType: 'Immunization',
    id: `imm-${patient}-${key}-${when.slice(0, 10).replaceAll('-', '')}`,
    meta: demoMeta(ORGS[spec.practice].source),
    status: 'completed',
    vaccineCode: concept(SYSTEM.cvx, VACCINES[key][0], VACCINES[key][1]),
    patient: patRef(patient),
    occurrenceDateTime: when,
    primarySource: true,
    lotNumber: `DEMO${prng.int(10000, 99999)}`,
    performer: [{ actor: orgRef(spec.practice) }],
  };
}

function patientRecord(prng: Prng, patient: PatientKey): Resource[] {
  const spec: PatientSpec = PATIENTS[patient];
  const gp = GP_RECORDS[patient];
  const source = ORGS[spec.practice].source;
  const problems = gp.problems.map(([dx, onset]) =>
    condition({ id: `cond-${patient}-${dx.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, patient, dx, coding: 'snomed', category: 'problem-list-item', onset, recorded: onset, source, asserter: pracRef(spec.gp) }),
  );
  const held = new Set(gp.problems.map(([dx]) => dx));
  const authored = day(gp.visits[0]?.day ?? -180);
  const meds = gp.meds.map((med) => {
    const reason = MED_REASON[med];
    return prescription(`medreq-${patient}-${med}`, patient, med, authored, source, pracRef(spec.gp), reason && held.has(reason) ? reason : undefined);
  });
  const allergies = gp.allergies === 'none-known' ? [allergy(prng, patient, 'none-known')] : gp.allergies.map((key) => allergy(prng, patient, key));
  return [
    ...problems,
    ...meds,
    ...allergies,
    ...gp.immunizations.map(([key, offset]) => immunization(prng, patient, key, offset)),
    ...gp.visits.flatMap((v) => visit(prng, patient, v)),
  ];
}

/** Every GP-sourced record of the world. */
export function buildPrimaryCareRecords(prng: Prng): Resource[] {
  return (Object.keys(PATIENTS) as PatientKey[]).flatMap((patient) => patientRecord(prng, patient));
}
