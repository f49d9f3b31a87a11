/**
 * Coded values: HL7 v2 CWE/CE/CNE (v2.5.1 ch. 2A.13, 2A.8, 2A.9) → CodeableConcept. The coding system *name*
 * (CWE-3, table 0396: `I10`, `SCT`, `LN`, `HL70078` …) becomes a URI through the ConceptMap
 * `coding-systems` (mappings/codes/coding-systems.json) and the rule "HL7nnnn → v2-nnnn"; local names
 * (`L`, `99zzz`) have no URI and are left without a system.
 */
import type { CodeableConcept, Coding } from 'fhir/r4.js';
import { isObject, stringArg, type Helper, type HelperContext } from './context.ts';

export const CODING_SYSTEMS_MAP = 'coding-systems';

const HL7_TABLE = /^HL7(\d{4})$/i;
const LOCAL = /^(L|99[A-Za-z0-9]*)\b/;

/** True for coding system names that are local by definition (table 0396: `L`, `99zzz`). */
export function isLocalCodingSystem(name: string): boolean {
  return LOCAL.test(name.trim());
}

/**
 * The URI of a coding system name: `HL7nnnn` → `http://terminology.hl7.org/CodeSystem/v2-nnnn`, else the
 * `coding-systems` ConceptMap. Undefined for local or unknown names (unknown ones are warned about).
 */
export function codingSystemUri(name: string, ctx: HelperContext): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  const table = HL7_TABLE.exec(trimmed);
  if (table !== null) return `http://terminology.hl7.org/CodeSystem/v2-${table[1] ?? ''}`;
  if (/^(https?:\/\/|urn:)\S+$/i.test(trimmed)) return trimmed;
  const translation = ctx.translate(CODING_SYSTEMS_MAP, trimmed);
  if (translation.status === 'mapped') return translation.code;
  if (!isLocalCodingSystem(trimmed)) ctx.warn(`${ctx.location}: coding system name not in coding-systems; code kept without a system`);
  return undefined;
}

/**
 * Tidies a CodeableConcept built from a CWE: drops codings without a code (their display becomes the text when
 * there is none) and returns undefined when nothing is left.
 */
export function tidyConcept(input: unknown): CodeableConcept | undefined {
  if (!isObject(input)) return undefined;
  const concept = input as CodeableConcept;
  const coding = (concept.coding ?? []).filter((c): c is Coding => isObject(c));
  const kept = coding.filter((c) => c.code !== undefined && c.code !== '');
  let text = concept.text;
  if (text === undefined) text = coding.find((c) => c.display !== undefined && (c.code === undefined || c.code === ''))?.display;
  const out: CodeableConcept = {};
  if (kept.length > 0) out.coding = kept;
  if (text !== undefined && text !== '') out.text = text;
  return out.coding === undefined && out.text === undefined ? undefined : out;
}

/** Gives codings without a system the system named by `system` (a URI) or by the coding system name at `nameFrom`. */
export function withDefaultSystem(input: unknown, system: string | undefined): unknown {
  if (system === undefined || !isObject(input) || !Array.isArray(input['coding'])) return input;
  return { ...input, coding: input['coding'].map((c: unknown) => (isObject(c) && c['system'] === undefined && c['code'] !== undefined ? { ...c, system } : c)) };
}

/** The first coding of a CodeableConcept (for Coding elements such as Encounter.class). */
export function firstCoding(input: unknown): Coding | undefined {
  if (!isObject(input) || !Array.isArray(input['coding'])) return undefined;
  const first: unknown = input['coding'][0];
  return isObject(first) ? (first as Coding) : undefined;
}

export const CODING_HELPERS: Readonly<Record<string, Helper>> = {
  firstCoding: { takes: 'value', apply: (input) => firstCoding(input) },
  codingSystem: { takes: 'text', apply: (input, _args, ctx) => codingSystemUri(String(input), ctx) },
  tidyConcept: { takes: 'value', apply: (input) => tidyConcept(input) },
  withDefaultSystem: {
    takes: 'value',
    pathArgs: ['nameFrom'],
    apply(input, args, ctx) {
      const uri = stringArg(args, 'system');
      if (uri !== '') return withDefaultSystem(input, uri);
      const name = ctx.read(stringArg(args, 'nameFrom'));
      return withDefaultSystem(input, name === '' ? undefined : codingSystemUri(name, ctx));
    },
  },
};
