/**
 * Vital signs, laboratory results and scores (LOINC codes, UCUM units). Values come from the seeded
 * generator within a plausible range that a scenario may override (e.g. a high CRP in sepsis).
 */
import type { Observation, ObservationComponent, Quantity, Reference } from 'fhir/r4.js';
import { SYSTEM, type Sensitivity, concept, demoMeta, ref } from './common.ts';
import { type PatientKey, patientId, patientName } from './patient-table.ts';
import type { Prng } from './prng.ts';

type Category = 'vital-signs' | 'laboratory' | 'survey';

interface ObsDef {
  loinc: readonly [string, string];
  category: Category;
  unit: string;
  ucum: string;
  /** Range the generated value falls in unless the scenario overrides it. */
  typical: readonly [number, number];
  decimals: number;
  /** Reference range for labs; drives the H/L/N interpretation. */
  reference?: readonly [number, number];
}

const vital = (code: string, display: string, unit: string, ucum: string, typical: readonly [number, number], decimals = 0): ObsDef => ({ loinc: [code, display], category: 'vital-signs', unit, ucum, typical, decimals });
const lab = (code: string, display: string, ucum: string, typical: readonly [number, number], reference: readonly [number, number], decimals = 0): ObsDef => ({ loinc: [code, display], category: 'laboratory', unit: ucum, ucum, typical, decimals, reference });

export const OBS = {
  systolic: vital('8480-6', 'Systolic blood pressure', 'mmHg', 'mm[Hg]', [118, 148]),
  diastolic: vital('8462-4', 'Diastolic blood pressure', 'mmHg', 'mm[Hg]', [68, 90]),
  heartRate: vital('8867-4', 'Heart rate', 'beats/minute', '/min', [62, 92]),
  respRate: vital('9279-1', 'Respiratory rate', 'breaths/minute', '/min', [13, 19]),
  temperature: vital('8310-5', 'Body temperature', 'C', 'Cel', [36.3, 37.3], 1),
  spo2: vital('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', '%', '%', [95, 99]),
  weight: vital('29463-7', 'Body weight', 'kg', 'kg', [58, 92], 1),
  bmi: vital('39156-5', 'Body mass index (BMI) [Ratio]', 'kg/m2', 'kg/m2', [21, 31], 1),
  haemoglobin: lab('718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/L', [122, 152], [115, 165]),
  wbc: lab('6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*9/L', [4.5, 9.8], [4.0, 11.0], 1),
  crp: lab('1988-5', 'C reactive protein [Mass/volume] in Serum or Plasma', 'mg/L', [1, 4], [0, 5]),
  sodium: lab('2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', [136, 144], [133, 146]),
  potassium: lab('2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', [3.8, 4.9], [3.5, 5.3], 1),
  creatinine: lab('14682-9', 'Creatinine [Moles/volume] in Serum or Plasma', 'umol/L', [62, 98], [45, 110]),
  egfr: lab('33914-3', 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)', 'mL/min/{1.73_m2}', [72, 95], [60, 120]),
  hba1c: lab('59261-8', 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', 'mmol/mol', [38, 46], [20, 41]),
  ntProBnp: lab('33762-6', 'Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma', 'ng/L', [60, 300], [0, 400]),
  cholesterol: lab('14647-2', 'Cholesterol [Moles/volume] in Serum or Plasma', 'mmol/L', [4.0, 5.6], [0, 5.0], 1),
  tsh: lab('11580-8', 'Thyrotropin [Units/volume] in Serum or Plasma', 'm[IU]/L', [1.0, 3.5], [0.3, 4.2], 1),
  phq9: { loinc: ['44261-6', 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]'], category: 'survey', unit: '{score}', ucum: '{score}', typical: [3, 8], decimals: 0 },
} as const satisfies Record<string, ObsDef>;
export type ObsKey = keyof typeof OBS;
/** `bloodPressure` is the panel with systolic and diastolic components. */
export type MeasureKey = Exclude<ObsKey, 'systolic' | 'diastolic'> | 'bloodPressure';
export type Overrides = Partial<Record<ObsKey, readonly [number, number]>>;

/** Where and when a set of observations was taken. */
export interface ObsContext {
  patient: PatientKey;
  encounterId: string;
  effective: string;
  source: string;
  performer: Reference;
  sensitivity?: Sensitivity | undefined;
}

const CATEGORY_DISPLAY: Record<Category, string> = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory', survey: 'Survey' };
const INTERPRETATION = { H: 'High', L: 'Low', N: 'Normal' } as const;

function quantity(def: ObsDef, value: number): Quantity {
  return { value, unit: def.unit, system: SYSTEM.ucum, code: def.ucum };
}

function value(prng: Prng, key: ObsKey, overrides: Overrides): number {
  const [min, max] = overrides[key] ?? OBS[key].typical;
  return prng.decimal(min, max, OBS[key].decimals);
}

function base(ctx: ObsContext, key: string, def: ObsDef, loinc: readonly [string, string]): Observation {
  return {
    resourceType: 'Observation',
    id: `obs-${ctx.encounterId.replace(/^enc-/, '')}-${key.toLowerCase()}`,
    meta: demoMeta(ctx.source, ctx.sensitivity),
    status: 'final',
    category: [concept('http://terminology.hl7.org/CodeSystem/observation-category', def.category, CATEGORY_DISPLAY[def.category])],
    code: concept(SYSTEM.loinc, loinc[0], loinc[1]),
    subject: ref('Patient', patientId(ctx.patient), patientName(ctx.patient)),
    encounter: ref('Encounter', ctx.encounterId),
    effectiveDateTime: ctx.effective,
    issued: ctx.effective.replace('Z', '.000Z'),
    performer: [ctx.performer],
  };
}

/** One observation per key, in the order given. */
export function measure(prng: Prng, ctx: ObsContext, keys: readonly MeasureKey[], overrides: Overrides = {}): Observation[] {
  return keys.map((key) => {
    if (key === 'bloodPressure') {
      const obs = base(ctx, 'bp', OBS.systolic, ['85354-9', 'Blood pressure panel with all children optional']);
      const component = (part: 'systolic' | 'diastolic'): ObservationComponent => ({
        code: concept(SYSTEM.loinc, OBS[part].loinc[0], OBS[part].loinc[1]),
        valueQuantity: quantity(OBS[part], value(prng, part, overrides)),
      });
      return { ...obs, component: [component('systolic'), component('diastolic')] };
    }
    const def: ObsDef = OBS[key];
    const amount = value(prng, key, overrides);
    const obs: Observation = { ...base(ctx, key, def, def.loinc), valueQuantity: quantity(def, amount) };
    if (def.reference) {
      const [low, high] = def.reference;
      const flag = amount > high ? 'H' : amount < low ? 'L' : 'N';
      obs.interpretation = [concept('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', flag, INTERPRETATION[flag])];
      obs.referenceRange = [{ low: quantity(def, low), high: quantity(def, high) }];
    }
    return obs;
  });
}

/** The usual observations on admission and in ED. */
export const ADMISSION_VITALS: readonly MeasureKey[] = ['bloodPressure', 'heartRate', 'respRate', 'temperature', 'spo2'];
export const ADMISSION_LABS: readonly MeasureKey[] = ['haemoglobin', 'wbc', 'crp', 'sodium', 'potassium', 'creatinine'];
