/**
 * The clinical vocabulary of the demo world: diagnoses (ICD-10 for hospital sources, SNOMED CT for GP
 * sources), medicines (dm+d where the code is known, text otherwise), allergies, vaccines and procedures.
 */
import type { Sensitivity } from './common.ts';

export interface DxSpec {
  icd10: readonly [string, string];
  /** Absent where the demo asserts no SNOMED CT code (hospital-only diagnoses). */
  snomed?: readonly [string, string];
  /** Expected to last 12 months or more (counts towards chronic care management). */
  chronic: boolean;
  sensitivity?: Sensitivity;
}

export const DX = {
  hf: { icd10: ['I50.0', 'Congestive heart failure'], snomed: ['84114007', 'Heart failure'], chronic: true },
  htn: { icd10: ['I10', 'Essential (primary) hypertension'], snomed: ['38341003', 'Hypertensive disorder'], chronic: true },
  t2dm: { icd10: ['E11.9', 'Type 2 diabetes mellitus without complications'], snomed: ['44054006', 'Diabetes mellitus type 2'], chronic: true },
  copd: { icd10: ['J44.9', 'Chronic obstructive pulmonary disease, unspecified'], snomed: ['13645005', 'Chronic obstructive lung disease'], chronic: true },
  copdExacerbation: { icd10: ['J44.1', 'Chronic obstructive pulmonary disease with acute exacerbation, unspecified'], snomed: ['13645005', 'Chronic obstructive lung disease'], chronic: false },
  af: { icd10: ['I48.9', 'Atrial fibrillation and atrial flutter, unspecified'], snomed: ['49436004', 'Atrial fibrillation'], chronic: true },
  pneumonia: { icd10: ['J18.9', 'Pneumonia, unspecified'], snomed: ['233604007', 'Pneumonia'], chronic: false },
  hipFracture: { icd10: ['S72.0', 'Fracture of neck of femur'], snomed: ['5913000', 'Fracture of neck of femur'], chronic: false },
  sepsis: { icd10: ['A41.9', 'Sepsis, unspecified'], snomed: ['91302008', 'Sepsis'], chronic: false },
  asthma: { icd10: ['J45.9', 'Asthma, unspecified'], snomed: ['195967001', 'Asthma'], chronic: true },
  alcohol: { icd10: ['F10.2', 'Mental and behavioural disorders due to use of alcohol: dependence syndrome'], snomed: ['7200002', 'Alcoholism'], chronic: true, sensitivity: 'ETH' },
  depression: { icd10: ['F32.1', 'Moderate depressive episode'], snomed: ['35489007', 'Depressive disorder'], chronic: true, sensitivity: 'MH' },
  ckd3: { icd10: ['N18.3', 'Chronic kidney disease, stage 3'], snomed: ['709044004', 'Chronic kidney disease'], chronic: true },
  hypothyroid: { icd10: ['E03.9', 'Hypothyroidism, unspecified'], snomed: ['40930008', 'Hypothyroidism'], chronic: true },
  dementia: { icd10: ['F03', 'Unspecified dementia'], snomed: ['52448006', 'Dementia'], chronic: true },
  stroke: { icd10: ['I63.9', 'Cerebral infarction, unspecified'], snomed: ['230690007', 'Cerebrovascular accident'], chronic: false },
  wristFracture: { icd10: ['S52.5', 'Fracture of lower end of radius'], chronic: false },
  osteoarthritis: { icd10: ['M17.9', 'Gonarthrosis, unspecified'], snomed: ['396275006', 'Osteoarthritis'], chronic: true },
  backPain: { icd10: ['M54.5', 'Low back pain'], snomed: ['279039007', 'Low back pain'], chronic: false },
} as const satisfies Record<string, DxSpec>;
export type DxKey = keyof typeof DX;

export interface MedSpec {
  /** dm+d VMP code and name, or only a name when no code is asserted. */
  dmd?: string;
  name: string;
  dosage: string;
  sensitivity?: Sensitivity;
}

export const MEDS = {
  furosemide: { dmd: '317972000', name: 'Furosemide 40mg tablets', dosage: 'One tablet each morning' },
  bisoprolol: { dmd: '318590006', name: 'Bisoprolol 5mg tablets', dosage: 'One tablet once a day' },
  ramipril: { dmd: '318901006', name: 'Ramipril 2.5mg capsules', dosage: 'One capsule once a day' },
  lisinopril: { dmd: '318859000', name: 'Lisinopril 10mg tablets', dosage: 'One tablet once a day' },
  amlodipine: { dmd: '319283006', name: 'Amlodipine 5mg tablets', dosage: 'One tablet once a day' },
  metformin: { dmd: '325278007', name: 'Metformin 500mg tablets', dosage: 'One tablet twice a day with meals' },
  spironolactone: { dmd: '318056008', name: 'Spironolactone 25mg tablets', dosage: 'One tablet once a day' },
  atorvastatin: { name: 'Atorvastatin 20mg tablets', dosage: 'One tablet at night' },
  apixaban: { name: 'Apixaban 5mg tablets', dosage: 'One tablet twice a day' },
  salbutamol: { name: 'Salbutamol 100micrograms/dose inhaler', dosage: 'Two puffs when required, up to four times a day' },
  beclometasone: { name: 'Beclometasone 100micrograms/dose inhaler', dosage: 'Two puffs twice a day' },
  tiotropium: { name: 'Tiotropium 2.5micrograms/dose inhalation solution', dosage: 'Two puffs once a day' },
  levothyroxine: { name: 'Levothyroxine sodium 100microgram tablets', dosage: 'One tablet each morning' },
  sertraline: { name: 'Sertraline 50mg tablets', dosage: 'One tablet once a day', sensitivity: 'MH' },
  thiamine: { name: 'Thiamine 100mg tablets', dosage: 'One tablet three times a day', sensitivity: 'ETH' },
  acamprosate: { name: 'Acamprosate 333mg gastro-resistant tablets', dosage: 'Two tablets three times a day', sensitivity: 'ETH' },
  donepezil: { name: 'Donepezil 5mg tablets', dosage: 'One tablet at night' },
  paracetamol: { name: 'Paracetamol 500mg tablets', dosage: 'Two tablets up to four times a day when required' },
  clopidogrel: { name: 'Clopidogrel 75mg tablets', dosage: 'One tablet once a day' },
  naproxen: { name: 'Naproxen 250mg tablets', dosage: 'One tablet twice a day with food, when required' },
} as const satisfies Record<string, MedSpec>;
export type MedKey = keyof typeof MEDS;

export interface AllergySpec {
  code?: readonly [string, string];
  text: string;
  category: 'medication' | 'food' | 'environment';
  type: 'allergy' | 'intolerance';
  criticality: 'low' | 'high';
  reaction?: readonly [string, string];
}

export const ALLERGIES = {
  penicillin: { code: ['91936005', 'Allergy to penicillin'], text: 'Penicillin allergy', category: 'medication', type: 'allergy', criticality: 'high', reaction: ['271807003', 'Eruption of skin'] },
  peanut: { code: ['91935009', 'Allergy to peanuts'], text: 'Peanut allergy', category: 'food', type: 'allergy', criticality: 'high', reaction: ['39579001', 'Anaphylaxis'] },
  latex: { code: ['300916003', 'Latex allergy'], text: 'Latex allergy', category: 'environment', type: 'allergy', criticality: 'low', reaction: ['126485001', 'Urticaria'] },
  codeine: { text: 'Codeine intolerance', category: 'medication', type: 'intolerance', criticality: 'low', reaction: ['422587007', 'Nausea'] },
} as const satisfies Record<string, AllergySpec>;
export type AllergyKey = keyof typeof ALLERGIES;

/** CVX vaccine codes. */
export const VACCINES = {
  flu: ['141', 'Influenza, seasonal, injectable'],
  pneumococcal: ['33', 'pneumococcal polysaccharide vaccine, 23 valent'],
  shingles: ['187', 'zoster vaccine recombinant'],
  tdap: ['115', 'Tdap'],
} as const satisfies Record<string, readonly [string, string]>;
export type VaccineKey = keyof typeof VACCINES;

/** Procedures: SNOMED CT where the code is asserted, text otherwise. */
export const PROCEDURES = {
  hipReplacement: { snomed: ['52734007', 'Total replacement of hip'], text: 'Total hip replacement' },
  echo: { snomed: ['40701008', 'Echocardiography'], text: 'Transthoracic echocardiogram' },
  chestXray: { snomed: ['399208008', 'Plain chest X-ray'], text: 'Chest X-ray' },
  ecg: { snomed: ['29303009', 'Electrocardiographic procedure'], text: '12-lead ECG' },
  ctHead: { text: 'CT scan of head' },
  wristCast: { text: 'Closed reduction of distal radius fracture and plaster cast' },
} as const satisfies Record<string, { snomed?: readonly [string, string]; text: string }>;
export type ProcedureKey = keyof typeof PROCEDURES;
