/**
 * Builders shared by the hospital, GP and social-care sources: encounters, conditions, medications and
 * procedures, with deterministic ids derived from patient, kind and date.
 */
import type { CodeableConcept, Condition, Encounter, MedicationRequest, MedicationStatement, Procedure, Reference } from 'fhir/r4.js';
import { SYSTEM, type Sensitivity, concept, concepts, demoMeta, ref } from './common.ts';
import { DX, type DxKey, type DxSpec, MEDS, type MedKey, type MedSpec, PROCEDURES, type ProcedureKey } from './codes.ts';
import { type PatientKey, patientId, patientName } from './patient-table.ts';

export type EncounterKind = 'ip' | 'ed' | 'op' | 'gp';

/** `enc-<patient>-<kind>-<yyyymmdd>`. */
export function encounterId(patient: PatientKey, kind: EncounterKind, start: string): string {
  return `enc-${patient}-${kind}-${start.slice(0, 10).replaceAll('-', '')}`;
}

/** A reference to a patient of the demo world. */
export function patRef(patient: PatientKey): Reference {
  return ref('Patient', patientId(patient), patientName(patient));
}

/** The strongest sensitivity among diagnoses (any sensitive one labels the record). */
export function sensitivityOf(dx: readonly DxKey[]): Sensitivity | undefined {
  for (const key of dx) {
    const spec: DxSpec = DX[key];
    if (spec.sensitivity) return spec.sensitivity;
  }
  return undefined;
}

const CLASS = { IMP: 'inpatient encounter', EMER: 'emergency', AMB: 'ambulatory', HH: 'home health', VR: 'virtual' } as const;

/** Principal diagnosis of a stay: discharge diagnosis; of a visit: chief complaint; the rest: comorbidities. */
function diagnosisRole(index: number, cls: keyof typeof CLASS): CodeableConcept {
  const [code, display] = index > 0 ? ['CM', 'Comorbidity diagnosis'] : cls === 'IMP' ? ['DD', 'Discharge diagnosis'] : ['CC', 'Chief complaint'];
  return concept('http://terminology.hl7.org/CodeSystem/diagnosis-role', code, display);
}

export interface EncounterArgs {
  id: string;
  patient: PatientKey;
  cls: keyof typeof CLASS;
  type: CodeableConcept;
  period: { start: string; end?: string };
  source: string;
  serviceProvider: Reference;
  participant: Reference;
  location?: Reference;
  reason?: CodeableConcept;
  diagnoses?: Reference[];
  hospitalization?: Encounter['hospitalization'];
  visitNumber?: { system: string; value: string };
  sensitivity?: Sensitivity | undefined;
}

/** A finished encounter (or in-progress when it has no end). */
export function encounter(a: EncounterArgs): Encounter {
  const enc: Encounter = {
    resourceType: 'Encounter',
    id: a.id,
    meta: demoMeta(a.source, a.sensitivity),
    status: a.period.end ? 'finished' : 'in-progress',
    class: { system: SYSTEM.actCode, code: a.cls, display: CLASS[a.cls] },
    type: [a.type],
    subject: patRef(a.patient),
    participant: [{ type: [concept('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', a.cls === 'IMP' ? 'ATND' : 'PPRF', a.cls === 'IMP' ? 'attender' : 'primary performer')], individual: a.participant }],
    period: a.period,
  };
  if (a.visitNumber) enc.identifier = [{ use: 'official', ...a.visitNumber }];
  if (a.reason) enc.reasonCode = [a.reason];
  if (a.diagnoses?.length) {
    enc.diagnosis = a.diagnoses.map((condition, index) => ({
      condition,
      use: diagnosisRole(index, a.cls),
      rank: index + 1,
    }));
  }
  if (a.hospitalization) enc.hospitalization = a.hospitalization;
  if (a.location) enc.location = [{ location: a.location, status: a.period.end ? 'completed' : 'active', period: a.period }];
  enc.serviceProvider = a.serviceProvider;
  return enc;
}

export interface ConditionArgs {
  id: string;
  patient: PatientKey;
  dx: DxKey;
  /** Hospital sources code in ICD-10, GP sources in SNOMED CT. */
  coding: 'icd10' | 'snomed';
  category: 'encounter-diagnosis' | 'problem-list-item';
  onset: string;
  recorded: string;
  source: string;
  asserter: Reference;
  encounterId?: string;
  abatement?: string;
}

/** A diagnosis as a CodeableConcept in the preferred code system (ICD-10 when it has no SNOMED CT code). */
export function dxConcept(key: DxKey, prefer: 'icd10' | 'snomed'): CodeableConcept {
  const spec: DxSpec = DX[key];
  return prefer === 'snomed' && spec.snomed ? concept(SYSTEM.snomed, spec.snomed[0], spec.snomed[1]) : concept(SYSTEM.icd10, spec.icd10[0], spec.icd10[1]);
}

/** A confirmed condition; resolved when it has an abatement date. */
export function condition(a: ConditionArgs): Condition {
  const spec: DxSpec = DX[a.dx];
  const code = dxConcept(a.dx, a.coding);
  const clinical = a.abatement ? ['resolved', 'Resolved'] : ['active', 'Active'];
  const cond: Condition = {
    resourceType: 'Condition',
    id: a.id,
    meta: demoMeta(a.source, spec.sensitivity),
    clinicalStatus: concept('http://terminology.hl7.org/CodeSystem/condition-clinical', clinical[0] as string, clinical[1] as string),
    verificationStatus: concept('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
    category: [concept('http://terminology.hl7.org/CodeSystem/condition-category', a.category, a.category === 'problem-list-item' ? 'Problem List Item' : 'Encounter Diagnosis')],
    code,
    subject: patRef(a.patient),
    onsetDateTime: a.onset,
    recordedDate: a.recorded,
    asserter: a.asserter,
  };
  if (a.encounterId) cond.encounter = ref('Encounter', a.encounterId);
  if (a.abatement) cond.abatementDateTime = a.abatement;
  return cond;
}

/** The medicine as a CodeableConcept: a dm+d coding where known, always the name as text. */
export function medicine(key: MedKey): CodeableConcept {
  const spec: MedSpec = MEDS[key];
  return spec.dmd ? concepts(spec.name, { system: SYSTEM.dmd, code: spec.dmd, display: spec.name }) : { text: spec.name };
}

/** A GP prescription (repeat) for an active medicine. */
export function prescription(id: string, patient: PatientKey, key: MedKey, authored: string, source: string, requester: Reference, reason?: DxKey): MedicationRequest {
  const spec: MedSpec = MEDS[key];
  const request: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id,
    meta: demoMeta(source, spec.sensitivity),
    status: 'active',
    intent: 'order',
    courseOfTherapyType: concept('http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy', 'continuous', 'Continuous long term therapy'),
    medicationCodeableConcept: medicine(key),
    subject: patRef(patient),
    authoredOn: authored,
    requester,
    dosageInstruction: [{ text: spec.dosage }],
  };
  if (reason) request.reasonCode = [dxConcept(reason, 'snomed')];
  return request;
}

/** A hospital's record of a medicine the patient was discharged on. */
export function dischargeMedication(id: string, patient: PatientKey, key: MedKey, from: string, source: string, encounterId: string, informant: Reference): MedicationStatement {
  const spec: MedSpec = MEDS[key];
  return {
    resourceType: 'MedicationStatement',
    id,
    meta: demoMeta(source, spec.sensitivity),
    status: 'active',
    category: concept('http://terminology.hl7.org/CodeSystem/medication-statement-category', 'community', 'Community'),
    medicationCodeableConcept: medicine(key),
    subject: patRef(patient),
    context: ref('Encounter', encounterId),
    effectivePeriod: { start: from },
    dateAsserted: from,
    informationSource: informant,
    dosage: [{ text: spec.dosage }],
    note: [{ text: 'On discharge medication list.' }],
  };
}

/** A completed procedure. */
export function procedure(id: string, patient: PatientKey, key: ProcedureKey, performed: string, source: string, encounterId: string, performer: Reference, sensitivity?: Sensitivity): Procedure {
  const spec: { snomed?: readonly [string, string]; text: string } = PROCEDURES[key];
  return {
    resourceType: 'Procedure',
    id,
    meta: demoMeta(source, sensitivity),
    status: 'completed',
    code: spec.snomed ? concept(SYSTEM.snomed, spec.snomed[0], spec.snomed[1], spec.text) : { text: spec.text },
    subject: patRef(patient),
    encounter: ref('Encounter', encounterId),
    performedDateTime: performed,
    performer: [{ actor: performer }],
  };
}
