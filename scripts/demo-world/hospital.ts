/**
 * Turns the hospital specs into the records the two hospital systems send: encounters (ED, inpatient,
 * outpatient) with their diagnoses, observations, procedures and discharge medication.
 */
import type { Resource } from 'fhir/r4.js';
import { at, concept, ref, SYSTEM } from './common.ts';
import { DX, type DxKey, type DxSpec } from './codes.ts';
import { type HospitalKey, type LocationKey, ORGS, locRef, orgRef } from './organizations.ts';
import { ADMISSION_LABS, ADMISSION_VITALS, measure } from './observations.ts';
import type { Prng } from './prng.ts';
import { CLINICS, ED_VISITS, type Moment, STAYS, type StaySpec, type VisitSpec } from './hospital-specs.ts';
import { condition, dischargeMedication, dxConcept, encounter, encounterId, procedure, sensitivityOf } from './records.ts';
import { pracRef } from './staff.ts';

const ADMIT_SOURCE = { emd: 'From accident/emergency department', gp: 'General Practitioner referral', outp: 'From outpatient department' } as const;
const DISPOSITION = { home: 'Home', snf: 'Skilled nursing facility', exp: 'Expired' } as const;
const ED_OF: Record<HospitalKey, LocationKey> = { north: 'nrEd', southvale: 'svEd' };
const ED_TYPE = concept(SYSTEM.snomed, '4525004', 'Emergency department patient visit');

const moment = (m: Moment): string => at(m[0], m[1]);
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const stamp = (dateTime: string): string => dateTime.slice(0, 10).replaceAll('-', '');

function visitNumber(prng: Prng, hospital: HospitalKey): { system: string; value: string } {
  const ods = ORGS[hospital].ods;
  return { system: `https://carebridge.dev/fhir/id/visit/${ods}`, value: `${ods}${prng.int(1_000_000, 9_999_999)}` };
}

/** Encounter-diagnosis Conditions for `dx`, coded in ICD-10 as the hospital sends them. */
function diagnoses(spec: { patient: StaySpec['patient']; hospital: HospitalKey }, dx: readonly DxKey[], encId: string, onset: string, end: string, asserter: ReturnType<typeof pracRef>, resolve: boolean) {
  return dx.map((key) => {
    const chronic = (DX[key] as DxSpec).chronic;
    return condition({
      id: `cond-${spec.patient}-${kebab(key)}-${stamp(onset)}`,
      patient: spec.patient,
      dx: key,
      coding: 'icd10',
      category: 'encounter-diagnosis',
      onset,
      recorded: end,
      source: ORGS[spec.hospital].source,
      asserter,
      encounterId: encId,
      ...(resolve && !chronic ? { abatement: end } : {}),
    });
  });
}

function stay(prng: Prng, s: StaySpec): Resource[] {
  const source = ORGS[s.hospital].source;
  const sensitivity = sensitivityOf(s.dx);
  const consultant = pracRef(s.consultant);
  const [admit, discharge] = [moment(s.admit), moment(s.discharge)];
  const arrival = s.ed ? moment(s.ed) : admit;
  const ipId = encounterId(s.patient, 'ip', admit);
  const conditions = diagnoses(s, s.dx, ipId, arrival, discharge, consultant, s.disposition !== 'exp');
  const dxRefs = conditions.map((c) => ref('Condition', c.id as string));
  const out: Resource[] = [];
  const common = { patient: s.patient, source, serviceProvider: orgRef(s.hospital), participant: consultant, sensitivity };
  let vitalsAt = { id: ipId, when: admit };
  if (s.ed) {
    const edId = encounterId(s.patient, 'ed', arrival);
    vitalsAt = { id: edId, when: arrival };
    out.push(encounter({ ...common, id: edId, cls: 'EMER', type: ED_TYPE, period: { start: arrival, end: admit }, location: locRef(ED_OF[s.hospital]), reason: dxConcept(s.dx[0] as DxKey, 'icd10'), diagnoses: dxRefs.slice(0, 1), visitNumber: visitNumber(prng, s.hospital) }));
  }
  const hospitalization: NonNullable<Parameters<typeof encounter>[0]['hospitalization']> = {
    admitSource: concept('http://terminology.hl7.org/CodeSystem/admit-source', s.admitSource, ADMIT_SOURCE[s.admitSource]),
    dischargeDisposition: concept('http://terminology.hl7.org/CodeSystem/discharge-disposition', s.disposition, DISPOSITION[s.disposition]),
  };
  if (s.disposition === 'snf') hospitalization.destination = { display: 'Meadowbank Nursing Home (not a demo organisation)' };
  out.push(encounter({
    ...common,
    id: ipId,
    cls: 'IMP',
    type: s.admitSource === 'emd' ? concept(SYSTEM.snomed, '183452005', 'Emergency hospital admission') : { text: 'Planned admission (GP referral)' },
    period: { start: admit, end: discharge },
    location: locRef(s.ward),
    diagnoses: dxRefs,
    hospitalization,
    visitNumber: visitNumber(prng, s.hospital),
  }));
  out.push(...conditions);
  const performer = orgRef(s.hospital);
  out.push(...measure(prng, { patient: s.patient, encounterId: vitalsAt.id, effective: vitalsAt.when, source, performer, sensitivity }, ADMISSION_VITALS, s.overrides));
  out.push(...measure(prng, { patient: s.patient, encounterId: ipId, effective: admit, source, performer, sensitivity }, [...ADMISSION_LABS, ...(s.extraLabs ?? [])], s.overrides));
  for (const [key, offset] of s.procedures ?? []) {
    const when = offset === 0 ? admit : at(s.admit[0] + offset, '10:00');
    out.push(procedure(`proc-${s.patient}-${kebab(key)}-${stamp(when)}`, s.patient, key, when, source, ipId, consultant, sensitivity));
  }
  for (const med of s.dischargeMeds ?? []) {
    out.push(dischargeMedication(`medstmt-${s.patient}-${med}-${stamp(discharge)}`, s.patient, med, discharge, source, ipId, orgRef(s.hospital)));
  }
  return out;
}

function visit(prng: Prng, v: VisitSpec, kind: 'ed' | 'op'): Resource[] {
  const source = ORGS[v.hospital].source;
  const sensitivity = sensitivityOf(v.dx);
  const clinician = pracRef(v.clinician);
  const [start, end] = [moment(v.start), moment(v.end)];
  const id = encounterId(v.patient, kind, start);
  const conditions = kind === 'ed' ? diagnoses(v, v.dx, id, start, end, clinician, true) : [];
  const out: Resource[] = [
    encounter({
      id,
      patient: v.patient,
      cls: kind === 'ed' ? 'EMER' : 'AMB',
      type: kind === 'ed' ? ED_TYPE : concept(SYSTEM.snomed, '11429006', 'Consultation', 'Outpatient consultation'),
      period: { start, end },
      source,
      serviceProvider: orgRef(v.hospital),
      participant: clinician,
      location: locRef(v.location),
      reason: dxConcept(v.dx[0] as DxKey, 'icd10'),
      diagnoses: conditions.map((c) => ref('Condition', c.id as string)),
      ...(kind === 'ed' ? { hospitalization: { dischargeDisposition: concept('http://terminology.hl7.org/CodeSystem/discharge-disposition', 'home', 'Home') } } : {}),
      visitNumber: visitNumber(prng, v.hospital),
      sensitivity,
    }),
    ...conditions,
  ];
  out.push(...measure(prng, { patient: v.patient, encounterId: id, effective: start, source, performer: orgRef(v.hospital), sensitivity }, v.measures ?? [], v.overrides));
  for (const key of v.procedures ?? []) out.push(procedure(`proc-${v.patient}-${kebab(key)}-${stamp(start)}`, v.patient, key, start, source, id, clinician, sensitivity));
  return out;
}

/** Every hospital-sourced record of the world. */
export function buildHospitalRecords(prng: Prng): Resource[] {
  return [...STAYS.flatMap((s) => stay(prng, s)), ...ED_VISITS.flatMap((v) => visit(prng, v, 'ed')), ...CLINICS.flatMap((v) => visit(prng, v, 'op'))];
}
