/**
 * Narrowing of the consent rule files (parsed JSON, `unknown`) into typed tables. Every problem is a
 * `CNS-RULES-INVALID` fault naming the file and the element, so a bad edit fails at boot, not per request.
 */
import type { Coding } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { isRecord } from '../shared/json.ts';
import type { CodeList, CodeMatcher, PurposeTable, SensitivityCategory, SourceKind } from './types.ts';

const SOURCE_KINDS: readonly SourceKind[] = ['hospital', 'gp-practice', 'social-care', 'aco', 'care-team'];

function fail(file: string, what: string): never {
  throw new GatewayError('CNS-RULES-INVALID', 'fault', `Consent rule file ${file} is invalid: ${what}`);
}

function field(value: unknown, key: string, file: string): unknown {
  if (!isRecord(value)) fail(file, `expected an object holding ${key}`);
  return value[key];
}

function readString(value: unknown, file: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(file, `${what} must be a non-empty string`);
  return value;
}

function readStrings(value: unknown, file: string, what: string): string[] {
  if (!Array.isArray(value)) fail(file, `${what} must be an array`);
  return value.map((item, i) => readString(item, file, `${what}[${i}]`));
}

function readCoding(value: unknown, file: string, what: string): Coding {
  return {
    system: readString(field(value, 'system', file), file, `${what}.system`),
    code: readString(field(value, 'code', file), file, `${what}.code`),
  };
}

function readCodings(value: unknown, file: string, what: string): Coding[] {
  if (!Array.isArray(value)) fail(file, `${what} must be an array`);
  return value.map((item, i) => readCoding(item, file, `${what}[${i}]`));
}

function readBoolean(value: unknown, file: string, what: string): boolean {
  if (typeof value !== 'boolean') fail(file, `${what} must be true or false`);
  return value;
}

/** `categories.json` → sensitivity categories; category ids are unique. */
export function validateCategories(json: unknown, file: string): SensitivityCategory[] {
  const list = field(json, 'categories', file);
  if (!Array.isArray(list) || list.length === 0) fail(file, 'categories must be a non-empty array');
  const categories = list.map((item, i) => ({
    id: readString(field(item, 'id', file), file, `categories[${i}].id`),
    labels: readCodings(field(item, 'labels', file), file, `categories[${i}].labels`),
    breakGlass: readBoolean(field(item, 'breakGlass', file), file, `categories[${i}].breakGlass`),
    propagates: readBoolean(field(item, 'propagates', file), file, `categories[${i}].propagates`),
  }));
  const ids = new Set(categories.map((c) => c.id));
  if (ids.size !== categories.length) fail(file, 'category ids must be unique');
  return categories;
}

/** `purpose-of-use.json` → purpose table; the parent links must not loop. */
export function validatePurposes(json: unknown, file: string): PurposeTable {
  const parentsJson = field(json, 'parents', file);
  if (!isRecord(parentsJson)) fail(file, 'parents must be an object');
  const parents: Record<string, string> = {};
  for (const [child, parent] of Object.entries(parentsJson)) parents[child] = readString(parent, file, `parents.${child}`);
  for (const start of Object.keys(parents)) {
    const seen = new Set<string>([start]);
    for (let code = parents[start]; code !== undefined; code = parents[code]) {
      if (seen.has(code)) fail(file, `parents loop through ${code}`);
      seen.add(code);
    }
  }
  return {
    parents,
    directCare: readStrings(field(json, 'directCare', file), file, 'directCare'),
    emergency: readStrings(field(json, 'emergency', file), file, 'emergency'),
  };
}

function readMatcher(value: unknown, file: string, what: string): CodeMatcher {
  const system = readString(field(value, 'system', file), file, `${what}.system`);
  const codes = field(value, 'codes', file);
  const from = field(value, 'from', file);
  const to = field(value, 'to', file);
  if (codes !== undefined) {
    if (from !== undefined || to !== undefined) fail(file, `${what} has both codes and a range`);
    return { system, codes: readStrings(codes, file, `${what}.codes`) };
  }
  const low = readString(from, file, `${what}.from`);
  const high = readString(to, file, `${what}.to`);
  return { system, from: low, to: high };
}

function readMatchers(value: unknown, file: string, what: string): CodeMatcher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(file, `${what} must be an array`);
  return value.map((item, i) => readMatcher(item, file, `${what}[${i}]`));
}

/** One `*.codes.json` file → a code list. */
export function validateCodeList(json: unknown, file: string): CodeList {
  const include = readMatchers(field(json, 'include', file), file, 'include');
  if (include.length === 0) fail(file, 'include must list at least one matcher');
  return {
    id: readString(field(json, 'id', file), file, 'id'),
    labels: readCodings(field(json, 'labels', file), file, 'labels'),
    include,
    exclude: readMatchers(field(json, 'exclude', file), file, 'exclude'),
  };
}

/** `sources.json` → labels per source kind; every kind must be listed. */
export function validateSources(json: unknown, file: string): Record<SourceKind, Coding[]> {
  const sources = field(json, 'sources', file);
  const result = {} as Record<SourceKind, Coding[]>;
  for (const kind of SOURCE_KINDS) result[kind] = readCodings(field(sources, kind, file), file, `sources.${kind}`);
  return result;
}

/** A `{ key: string }` map (system aliases) read from `json[key]`. */
export function validateStringMap(json: unknown, key: string, file: string): Record<string, string> {
  const map = field(json, key, file);
  if (!isRecord(map)) fail(file, `${key} must be an object`);
  const result: Record<string, string> = {};
  for (const [from, to] of Object.entries(map)) result[from] = readString(to, file, `${key}.${from}`);
  return result;
}

/** `clinical-dates.json` → resource type → date paths; a `*` fallback is required. */
export function validateClinicalDates(json: unknown, file: string): Record<string, string[]> {
  const dates = field(json, 'dates', file);
  if (!isRecord(dates)) fail(file, 'dates must be an object');
  const result: Record<string, string[]> = {};
  for (const [type, paths] of Object.entries(dates)) result[type] = readStrings(paths, file, `dates.${type}`);
  if (!result['*']) fail(file, 'dates must hold a "*" fallback');
  return result;
}
