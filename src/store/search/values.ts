/**
 * Parsing of individual search values: prefixes, tokens, quantities, numbers, dates and references.
 * Invalid values are a 400, never a silently empty result. https://hl7.org/fhir/R4/search.html#prefix
 */
import { GatewayError } from '../../shared/errors.ts';
import { type DateRange, dateRange } from '../fhir-dates.ts';
import { parseReference } from '../references.ts';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
const PREFIXES = new Set<Prefix>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

export function badValue(code: string, detail = 'has an invalid value'): GatewayError {
  return new GatewayError('API-BAD-VALUE', 'invalid', `Search parameter ${code.slice(0, 64)} ${detail}`);
}

export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const candidate = value.slice(0, 2) as Prefix;
  if (PREFIXES.has(candidate) && value.length > 2 && !/^[a-z]/.test(value.slice(2, 3))) return { prefix: candidate, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

/** Removes FHIR search escapes (`\,` `\|` `\$` `\\`). */
export function unescape(value: string): string {
  return value.replace(/\\([,|$\\])/g, '$1');
}

/** Splits `system|code` on the first unescaped bar; `system` undefined when there is no bar. */
export function splitToken(value: string): { system?: string; code: string } {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '|') return { system: unescape(value.slice(0, i)), code: unescape(value.slice(i + 1)) };
  }
  return { code: unescape(value) };
}

export function parseDateValue(code: string, value: string): { prefix: Prefix; range: DateRange } {
  const { prefix, rest } = splitPrefix(value);
  const range = dateRange(rest);
  if (!range) throw badValue(code, 'has an invalid date');
  return { prefix, range };
}

export interface NumberValue {
  prefix: Prefix;
  value: number;
  /** The implicit range of the value's precision: 100 means [99.5, 100.5). */
  low: number;
  high: number;
}

export function parseNumberValue(code: string, value: string): NumberValue {
  const { prefix, rest } = splitPrefix(value);
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(rest)) throw badValue(code, 'has an invalid number');
  const number = Number(rest);
  if (!Number.isFinite(number)) throw badValue(code, 'has an invalid number');
  const decimals = /\.(\d+)/.exec(rest.split(/[eE]/)[0] ?? '')?.[1]?.length ?? 0;
  const exponent = Number(/[eE]([+-]?\d+)/.exec(rest)?.[1] ?? 0);
  const half = 0.5 * 10 ** (exponent - decimals);
  return { prefix, value: number, low: number - half, high: number + half };
}

export interface QuantityValue extends NumberValue {
  system?: string;
  unit?: string;
}

export function parseQuantityValue(code: string, value: string): QuantityValue {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && i + 1 < value.length) current += value[++i];
    else if (value[i] === '|') {
      parts.push(current);
      current = '';
    } else current += value[i];
  }
  parts.push(current);
  if (parts.length !== 1 && parts.length !== 3) throw badValue(code, 'has an invalid quantity');
  const result: QuantityValue = parseNumberValue(code, parts[0] ?? '');
  if (parts[1]) result.system = parts[1];
  if (parts[2]) result.unit = parts[2];
  return result;
}

export function parseMissing(code: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badValue(code, ':missing must be true or false');
}

/** What a reference search value names: an id (of `type` when known), or an absolute URL. */
export type ReferenceValue = { id: string; type?: string } | { url: string };

/**
 * Reads a reference value: a plain id (of the `:Type` modifier's type, if any), a local `Type/id` (absolute on
 * our base too), or an external URL. Undefined when the value names another type than the modifier (no match).
 */
export function parseReferenceValue(code: string, value: string, modifierType: string | undefined, baseUrl: string): ReferenceValue | undefined {
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return modifierType ? { id: value, type: modifierType } : { id: value };
  const local = parseReference(value, baseUrl).local;
  if (local) return modifierType && modifierType !== local.type ? undefined : { id: local.id, type: local.type };
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return { url: value };
  throw badValue(code, 'has an invalid reference');
}
