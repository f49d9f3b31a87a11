/**
 * What each GP practice system holds: problem lists, repeat medication, allergies, immunisations and
 * consultations (including post-discharge contacts). Visits fall on weekdays; day offsets are from the anchor.
 */
import type { AllergyKey, DxKey, MedKey, VaccineKey } from './codes.ts';
import type { MeasureKey, Overrides } from './observations.ts';
import type { PatientKey } from './patient-table.ts';

export type GpVisitType = 'review' | 'symptom' | 'check-up' | 'follow-up' | 'home' | 'phone';

export interface GpVisitSpec {
  day: number;
  time: string;
  type: GpVisitType;
  reason: string;
  dx?: DxKey;
  measures?: readonly MeasureKey[];
  overrides?: Overrides;
}

export interface GpRecordSpec {
  /** Problem and the onset date (year or full date) the practice recorded. */
  problems: readonly (readonly [DxKey, string])[];
  meds: readonly MedKey[];
  allergies: readonly AllergyKey[] | 'none-known';
  immunizations: readonly (readonly [VaccineKey, number])[];
  visits: readonly GpVisitSpec[];
}

const BP: readonly MeasureKey[] = ['bloodPressure', 'heartRate'];
const phone = (day: number, reason = 'Post-discharge telephone contact'): GpVisitSpec => ({ day, time: '11:20', type: 'phone', reason });

export const GP_RECORDS: Record<PatientKey, GpRecordSpec> = {
  ellis: { problems: [['htn', '2004-05-10'], ['hf', '2021-02-03'], ['ckd3', '2023-09-14']], meds: ['furosemide', 'bisoprolol', 'ramipril', 'atorvastatin'], allergies: ['penicillin'], immunizations: [['pneumococcal', -1500], ['flu', -40]], visits: [
    { day: -103, time: '09:40', type: 'review', reason: 'Heart failure annual review', dx: 'hf', measures: [...BP, 'weight', 'egfr', 'potassium'], overrides: { egfr: [50, 56] } },
    phone(-13),
    { day: -9, time: '10:10', type: 'follow-up', reason: 'Post-discharge review (heart failure)', dx: 'hf', measures: [...BP, 'weight', 'potassium', 'creatinine', 'egfr'], overrides: { potassium: [5.0, 5.3], egfr: [40, 46], creatinine: [110, 125] } },
  ] },
  pennington: { problems: [['copd', '2012'], ['af', '2018'], ['dementia', '2024-02-20']], meds: ['tiotropium', 'salbutamol', 'apixaban', 'donepezil'], allergies: 'none-known', immunizations: [['pneumococcal', -2200], ['flu', -55]], visits: [
    { day: -75, time: '11:00', type: 'home', reason: 'Home visit: breathlessness', dx: 'copd', measures: [...BP, 'spo2'], overrides: { spo2: [91, 93] } },
  ] },
  okonkwo: { problems: [['t2dm', '2015'], ['htn', '2017']], meds: ['metformin', 'lisinopril', 'atorvastatin'], allergies: [], immunizations: [['shingles', -300], ['flu', -20]], visits: [
    { day: -160, time: '08:50', type: 'review', reason: 'Diabetes review', dx: 't2dm', measures: [...BP, 'weight', 'bmi', 'hba1c'], overrides: { hba1c: [56, 62], bmi: [29, 32] } },
    phone(-6),
    { day: -4, time: '15:30', type: 'follow-up', reason: 'Post-discharge review (pneumonia)', dx: 'pneumonia', measures: [...BP, 'temperature', 'spo2'] },
  ] },
  hargreaves: { problems: [['osteoarthritis', '2016'], ['htn', '2019']], meds: ['amlodipine', 'paracetamol'], allergies: ['codeine'], immunizations: [['flu', -30]], visits: [
    phone(-76),
    { day: -72, time: '14:00', type: 'home', reason: 'Post-discharge home visit (hip fracture)', dx: 'hipFracture', measures: BP },
    { day: -30, time: '10:30', type: 'review', reason: 'Blood pressure review', dx: 'htn', measures: BP },
  ] },
  brennan: { problems: [['copd', '2010'], ['htn', '2008']], meds: [], allergies: 'none-known', immunizations: [['flu', -390]], visits: [
    { day: -90, time: '09:20', type: 'review', reason: 'COPD annual review', dx: 'copd', measures: [...BP, 'spo2', 'weight'] },
  ] },
  whitaker: { problems: [['asthma', '2012']], meds: ['salbutamol', 'beclometasone'], allergies: ['peanut'], immunizations: [], visits: [
    { day: -139, time: '16:10', type: 'follow-up', reason: 'Asthma review after ED attendance', dx: 'asthma', measures: ['spo2', 'heartRate'] },
    { day: -58, time: '16:40', type: 'follow-up', reason: 'Asthma review after ED attendance', dx: 'asthma', measures: ['spo2', 'heartRate'] },
  ] },
  foster: { problems: [['alcohol', '2023-04-02']], meds: ['thiamine', 'acamprosate'], allergies: [], immunizations: [], visits: [
    { day: -66, time: '12:00', type: 'follow-up', reason: 'Alcohol dependence review', dx: 'alcohol', measures: [...BP, 'weight'] },
  ] },
  moss: { problems: [['depression', '2025-11-18']], meds: ['sertraline'], allergies: [], immunizations: [], visits: [
    phone(-102),
    { day: -97, time: '09:00', type: 'follow-up', reason: 'Post-discharge mental health review', dx: 'depression', measures: ['phq9'], overrides: { phq9: [11, 13] } },
    { day: -13, time: '09:30', type: 'review', reason: 'Depression review', dx: 'depression', measures: ['phq9'], overrides: { phq9: [6, 8] } },
  ] },
  kaur: { problems: [['t2dm', '2011'], ['htn', '2014']], meds: ['metformin', 'lisinopril', 'atorvastatin'], allergies: ['latex'], immunizations: [['flu', -18]], visits: [
    { day: -200, time: '10:00', type: 'review', reason: 'Diabetes review', dx: 't2dm', measures: [...BP, 'weight', 'bmi', 'hba1c'], overrides: { hba1c: [55, 62] } },
    { day: -18, time: '10:20', type: 'review', reason: 'Diabetes review', dx: 't2dm', measures: [...BP, 'hba1c', 'egfr'], overrides: { hba1c: [50, 54] } },
  ] },
  thompson: { problems: [['htn', '2012'], ['ckd3', '2020']], meds: ['ramipril', 'amlodipine', 'atorvastatin'], allergies: [], immunizations: [['shingles', -400], ['flu', -31]], visits: [
    { day: -95, time: '11:30', type: 'review', reason: 'Chronic kidney disease review', dx: 'ckd3', measures: [...BP, 'egfr', 'creatinine', 'potassium'], overrides: { egfr: [45, 55], creatinine: [112, 130] } },
    { day: -31, time: '11:10', type: 'review', reason: 'Blood pressure review', dx: 'htn', measures: BP },
  ] },
  hussain: { problems: [['hypothyroid', '2016']], meds: ['levothyroxine'], allergies: ['penicillin'], immunizations: [], visits: [
    { day: -45, time: '17:00', type: 'review', reason: 'Thyroid function review', dx: 'hypothyroid', measures: ['tsh', 'weight'] },
  ] },
  carter: { problems: [['htn', '2000'], ['af', '2022']], meds: ['amlodipine', 'bisoprolol'], allergies: [], immunizations: [['flu', -45]], visits: [
    { day: -150, time: '10:50', type: 'review', reason: 'Hypertension and atrial fibrillation review', dx: 'af', measures: BP, overrides: { heartRate: [78, 96] } },
    phone(-2),
  ] },
  clarke: { problems: [], meds: [], allergies: 'none-known', immunizations: [['tdap', -1800]], visits: [
    { day: -88, time: '08:30', type: 'check-up', reason: 'New patient health check', measures: [...BP, 'weight', 'bmi'] },
  ] },
  ali: { problems: [['t2dm', '2019'], ['af', '2025-03-12']], meds: ['metformin', 'apixaban', 'bisoprolol'], allergies: [], immunizations: [['flu', -24]], visits: [
    { day: -146, time: '09:10', type: 'symptom', reason: 'Palpitations', dx: 'af', measures: BP, overrides: { heartRate: [96, 112] } },
    { day: -53, time: '09:50', type: 'review', reason: 'Diabetes review', dx: 't2dm', measures: [...BP, 'hba1c', 'weight'], overrides: { hba1c: [47, 52] } },
  ] },
  baker: { problems: [['htn', '2005'], ['osteoarthritis', '2010'], ['dementia', '2022-06-01']], meds: ['donepezil', 'amlodipine', 'paracetamol'], allergies: 'none-known', immunizations: [['flu', -40]], visits: [
    { day: -40, time: '13:30', type: 'home', reason: 'Home visit: memory and mobility review', dx: 'dementia', measures: [...BP, 'weight'] },
  ] },
  grant: { problems: [], meds: [], allergies: [], immunizations: [], visits: [
    { day: -164, time: '15:00', type: 'follow-up', reason: 'Wrist fracture follow-up', dx: 'wristFracture' },
  ] },
  adeyemi: { problems: [['asthma', '1990'], ['htn', '2018']], meds: ['amlodipine', 'salbutamol'], allergies: ['latex'], immunizations: [['flu', -27]], visits: [
    { day: -110, time: '18:00', type: 'review', reason: 'Blood pressure review', dx: 'htn', measures: [...BP, 'weight'] },
  ] },
  novak: { problems: [['copd', '2015']], meds: ['tiotropium', 'salbutamol'], allergies: [], immunizations: [['pneumococcal', -700], ['flu', -26]], visits: [
    { day: -233, time: '10:40', type: 'follow-up', reason: 'Post-discharge review (COPD exacerbation)', dx: 'copd', measures: ['spo2', 'heartRate'], overrides: { spo2: [92, 94] } },
    { day: -26, time: '10:20', type: 'review', reason: 'COPD annual review', dx: 'copd', measures: ['spo2', 'weight'] },
  ] },
  gallagher: { problems: [['osteoarthritis', '2014'], ['htn', '2016']], meds: ['amlodipine', 'paracetamol'], allergies: ['codeine'], immunizations: [['shingles', -500], ['flu', -60]], visits: [
    { day: -60, time: '14:20', type: 'review', reason: 'Blood pressure review', dx: 'htn', measures: BP },
  ] },
  kowalski: { problems: [['backPain', '2026-09-01']], meds: ['naproxen'], allergies: [], immunizations: [], visits: [
    { day: -61, time: '17:30', type: 'symptom', reason: 'Low back pain', dx: 'backPain' },
    { day: -33, time: '17:50', type: 'follow-up', reason: 'Low back pain follow-up', dx: 'backPain' },
  ] },
};
