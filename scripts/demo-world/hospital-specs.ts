/**
 * What happened in the two hospitals: inpatient stays (with the ED attendance that led to them), ED-only
 * visits and outpatient clinics. Moments are [days from the anchor, 'HH:MM' UTC].
 */
import type { DxKey, MedKey, ProcedureKey } from './codes.ts';
import type { HospitalKey, LocationKey } from './organizations.ts';
import type { MeasureKey, Overrides } from './observations.ts';
import type { PatientKey } from './patient-table.ts';
import type { StaffKey } from './staff.ts';

export type Moment = readonly [number, string];

export interface StaySpec {
  patient: PatientKey;
  hospital: HospitalKey;
  ward: LocationKey;
  consultant: StaffKey;
  /** Arrival in the emergency department, for emergency admissions. */
  ed?: Moment;
  admit: Moment;
  discharge: Moment;
  admitSource: 'emd' | 'gp' | 'outp';
  disposition: 'home' | 'snf' | 'exp';
  /** The first is the principal (discharge) diagnosis. */
  dx: readonly DxKey[];
  procedures?: readonly (readonly [ProcedureKey, number])[];
  extraLabs?: readonly MeasureKey[];
  overrides?: Overrides;
  dischargeMeds?: readonly MedKey[];
}

export interface VisitSpec {
  patient: PatientKey;
  hospital: HospitalKey;
  location: LocationKey;
  clinician: StaffKey;
  start: Moment;
  end: Moment;
  dx: readonly DxKey[];
  procedures?: readonly ProcedureKey[];
  measures?: readonly MeasureKey[];
  overrides?: Overrides;
}

export const STAYS: readonly StaySpec[] = [
  { patient: 'ellis', hospital: 'north', ward: 'nrCardio', consultant: 'okafor', ed: [-20, '08:40'], admit: [-20, '13:10'], discharge: [-14, '11:30'], admitSource: 'emd', disposition: 'home', dx: ['hf', 'htn'], procedures: [['chestXray', 0], ['echo', 1]], extraLabs: ['ntProBnp', 'egfr'], overrides: { ntProBnp: [3200, 4800], spo2: [90, 93], respRate: [20, 24], creatinine: [105, 128], egfr: [42, 52] }, dischargeMeds: ['furosemide', 'bisoprolol', 'ramipril', 'spironolactone'] },
  { patient: 'ellis', hospital: 'north', ward: 'nrAmu', consultant: 'liu', ed: [-5, '19:05'], admit: [-5, '23:40'], discharge: [-2, '15:00'], admitSource: 'emd', disposition: 'home', dx: ['hf', 'ckd3'], extraLabs: ['ntProBnp', 'egfr'], overrides: { ntProBnp: [4100, 5600], potassium: [5.4, 5.8], creatinine: [140, 165], egfr: [28, 34], spo2: [91, 94] }, dischargeMeds: ['furosemide', 'bisoprolol', 'ramipril'] },
  { patient: 'pennington', hospital: 'southvale', ward: 'svResp', consultant: 'hughes', ed: [-42, '06:50'], admit: [-42, '10:20'], discharge: [-30, '14:00'], admitSource: 'emd', disposition: 'snf', dx: ['copdExacerbation', 'af', 'dementia'], procedures: [['chestXray', 0]], overrides: { spo2: [86, 90], respRate: [24, 28], crp: [45, 80], wbc: [12, 15] }, dischargeMeds: ['tiotropium', 'salbutamol', 'apixaban', 'donepezil'] },
  { patient: 'okonkwo', hospital: 'north', ward: 'nrAmu', consultant: 'liu', ed: [-12, '15:20'], admit: [-12, '19:45'], discharge: [-8, '12:10'], admitSource: 'emd', disposition: 'home', dx: ['pneumonia', 't2dm'], procedures: [['chestXray', 0]], extraLabs: ['hba1c'], overrides: { temperature: [38.2, 38.9], crp: [140, 190], wbc: [14, 17], spo2: [91, 94], heartRate: [98, 110], hba1c: [58, 66] }, dischargeMeds: ['metformin', 'paracetamol'] },
  { patient: 'hargreaves', hospital: 'north', ward: 'nrOrtho', consultant: 'marsh', ed: [-90, '11:15'], admit: [-90, '16:00'], discharge: [-78, '13:30'], admitSource: 'emd', disposition: 'home', dx: ['hipFracture', 'osteoarthritis'], procedures: [['ecg', 0], ['hipReplacement', 1]], overrides: { haemoglobin: [98, 108] }, dischargeMeds: ['paracetamol'] },
  { patient: 'brennan', hospital: 'north', ward: 'nrAmu', consultant: 'liu', ed: [-27, '21:30'], admit: [-26, '01:15'], discharge: [-23, '04:20'], admitSource: 'emd', disposition: 'exp', dx: ['sepsis', 'pneumonia', 'copd'], procedures: [['chestXray', 0]], overrides: { temperature: [38.6, 39.6], heartRate: [112, 128], systolic: [82, 94], diastolic: [48, 58], respRate: [24, 30], crp: [210, 290], wbc: [18, 24], creatinine: [160, 210] } },
  { patient: 'moss', hospital: 'southvale', ward: 'svWillow', consultant: 'murphy', admit: [-123, '14:00'], discharge: [-103, '11:00'], admitSource: 'gp', disposition: 'home', dx: ['depression'], extraLabs: ['tsh', 'phq9'], overrides: { phq9: [16, 18] }, dischargeMeds: ['sertraline'] },
  { patient: 'carter', hospital: 'north', ward: 'nrAmu', consultant: 'liu', ed: [-7, '07:55'], admit: [-7, '12:30'], discharge: [-3, '16:45'], admitSource: 'emd', disposition: 'home', dx: ['stroke', 'af', 'htn'], procedures: [['ctHead', 0], ['ecg', 0]], extraLabs: ['cholesterol'], overrides: { systolic: [165, 182], cholesterol: [5.8, 6.6] }, dischargeMeds: ['apixaban', 'atorvastatin', 'amlodipine'] },
  { patient: 'novak', hospital: 'southvale', ward: 'svResp', consultant: 'hughes', ed: [-244, '09:10'], admit: [-244, '13:00'], discharge: [-240, '12:00'], admitSource: 'emd', disposition: 'home', dx: ['copdExacerbation'], procedures: [['chestXray', 0]], overrides: { spo2: [88, 91], crp: [30, 60], respRate: [21, 25] }, dischargeMeds: ['tiotropium', 'salbutamol'] },
];

const ED_VITALS: readonly MeasureKey[] = ['bloodPressure', 'heartRate', 'respRate', 'temperature', 'spo2'];

/** Emergency-department attendances that ended in discharge home. */
export const ED_VISITS: readonly VisitSpec[] = [
  { patient: 'whitaker', hospital: 'southvale', location: 'svEd', clinician: 'hughes', start: [-143, '18:20'], end: [-143, '23:05'], dx: ['asthma'], measures: ED_VITALS, overrides: { spo2: [92, 94], respRate: [24, 28], heartRate: [105, 118] } },
  { patient: 'whitaker', hospital: 'southvale', location: 'svEd', clinician: 'hughes', start: [-60, '02:10'], end: [-60, '06:40'], dx: ['asthma'], measures: ED_VITALS, overrides: { spo2: [93, 95], respRate: [22, 26] } },
  { patient: 'foster', hospital: 'north', location: 'nrEd', clinician: 'liu', start: [-71, '23:50'], end: [-70, '05:30'], dx: ['alcohol'], measures: [...ED_VITALS, 'sodium', 'potassium'], overrides: { heartRate: [96, 108] } },
  { patient: 'grant', hospital: 'north', location: 'nrEd', clinician: 'marsh', start: [-171, '16:40'], end: [-171, '21:15'], dx: ['wristFracture'], procedures: ['wristCast'], measures: ['bloodPressure', 'heartRate'] },
];

/** Hospital outpatient clinic attendances. */
export const CLINICS: readonly VisitSpec[] = [
  { patient: 'ellis', hospital: 'north', location: 'nrCardioClinic', clinician: 'okafor', start: [-61, '10:30'], end: [-61, '11:00'], dx: ['hf'], measures: ['bloodPressure', 'heartRate', 'weight', 'ntProBnp', 'egfr', 'potassium'], overrides: { ntProBnp: [1400, 1900], egfr: [48, 55] } },
  { patient: 'ali', hospital: 'north', location: 'nrCardioClinic', clinician: 'okafor', start: [-139, '14:00'], end: [-139, '14:30'], dx: ['af'], procedures: ['ecg'], measures: ['bloodPressure', 'heartRate'], overrides: { heartRate: [88, 104] } },
  { patient: 'novak', hospital: 'southvale', location: 'svRespClinic', clinician: 'hughes', start: [-180, '09:30'], end: [-180, '10:00'], dx: ['copd'], measures: ['spo2', 'weight'], overrides: { spo2: [92, 95] } },
];

/** The hospitals at which a patient has any record (and so an MRN). */
export function hospitalsOf(patient: PatientKey): HospitalKey[] {
  const seen = new Set<HospitalKey>();
  for (const spec of [...STAYS, ...ED_VISITS, ...CLINICS]) if (spec.patient === patient) seen.add(spec.hospital);
  return (['north', 'southvale'] as const).filter((h) => seen.has(h));
}
