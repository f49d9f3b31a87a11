/**
 * Shared constants and small FHIR builders for the demo-world generator. Every date is derived from the
 * fixed ANCHOR so the output never depends on when the generator runs.
 */
import type { CodeableConcept, Coding, Meta, Reference } from 'fhir/r4.js';
import { DEMO_TAG } from '../../src/demo/load-demo.ts';

/** The day the demo world is "now". */
export const ANCHOR = '2026-11-01';
const ANCHOR_MS = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;

export const SYSTEM = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  ods: 'https://fhir.nhs.uk/Id/ods-organization-code',
  gmc: 'https://fhir.hl7.org.uk/Id/gmc-number',
  staff: 'https://carebridge.dev/fhir/id/demo-staff',
  orgKind: 'https://carebridge.dev/fhir/CodeSystem/organization-kind',
  snomed: 'http://snomed.info/sct',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  dmd: 'https://dmd.nhs.uk',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  v2IdType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
} as const;

/** Where each kind of record comes from (`meta.source`). */
export const SOURCE = {
  directory: 'https://carebridge.dev/source/demo-directory',
  aco: 'https://carebridge.dev/source/riverside-care-partnership',
  socialCare: 'https://carebridge.dev/source/riverside-council-social-care',
} as const;

/** Sensitivity labels (v3 ActCode) put on the demo's sensitive records. */
export type Sensitivity = 'MH' | 'ETH';

/** `meta` for a demo resource: its source system, the demo tag and, for sensitive data, security labels. */
export function demoMeta(source: string, sensitivity?: Sensitivity): Meta {
  const meta: Meta = { source, tag: [{ ...DEMO_TAG, display: 'Synthetic CareBridge demo world' }] };
  if (sensitivity) {
    const display = sensitivity === 'MH' ? 'mental health information sensitivity' : 'substance abuse information sensitivity';
    meta.security = [
      { system: SYSTEM.actCode, code: sensitivity, display },
      { system: SYSTEM.confidentiality, code: 'R', display: 'restricted' },
    ];
  }
  return meta;
}

/** A literal relative reference. */
export function ref(type: string, id: string, display?: string): Reference {
  return display === undefined ? { reference: `${type}/${id}` } : { reference: `${type}/${id}`, display };
}

/** A CodeableConcept with one coding; `text` defaults to the display. */
export function concept(system: string, code: string, display: string, text?: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: text ?? display };
}

/** A CodeableConcept with several codings. */
export function concepts(text: string, ...codings: Coding[]): CodeableConcept {
  return { coding: codings, text };
}

/** The date `offsetDays` from the anchor (negative = before), as `YYYY-MM-DD`. */
export function day(offsetDays: number): string {
  return new Date(ANCHOR_MS + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

/** The instant `offsetDays` from the anchor at `time` (`HH:MM`, UTC), as a FHIR dateTime. */
export function at(offsetDays: number, time: string): string {
  if (!/^\d{2}:\d{2}$/.test(time)) throw new Error(`bad time ${time}`);
  return `${day(offsetDays)}T${time}:00Z`;
}

/** Whole days between two `YYYY-MM-DD` dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The modulus-11 check digit of a 9-digit NHS number stem, or undefined when the stem has none (remainder 1). */
export function nhsCheckDigit(stem: string): number | undefined {
  if (!/^\d{9}$/.test(stem)) throw new Error(`NHS number stem must be 9 digits: ${stem}`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(stem[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}
