/**
 * Helpers for HL7 v2 primitive values (v2.5.1 ch. 2A: DTM, NM, SI, ID) → FHIR primitives
 * (R4 datatypes: dateTime, date, decimal, positiveInt, boolean).
 */
import { toFhirDate } from './datetime.ts';
import type { Helper } from './context.ts';

/** NM → decimal (JSON number); undefined for text that is not a plain decimal number. */
export function toDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** SI/NM → positiveInt (1 … 2^31-1); undefined otherwise (`0` means "not ranked" in DG1-15). */
export function toPositiveInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 1 && value <= 2_147_483_647 ? value : undefined;
}

/** Table 0136 (Y/N) → boolean; undefined for anything else. */
export function toBoolean(text: string): boolean | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === 'Y') return true;
  if (upper === 'N') return false;
  return undefined;
}

function warnInvalid<T>(value: T | undefined, text: string, what: string, warn: (t: string) => void, location: string): T | undefined {
  if (value === undefined && text.trim() !== '') warn(`${location}: not a valid ${what}; left out`);
  return value;
}

export const PRIMITIVE_HELPERS: Readonly<Record<string, Helper>> = {
  dateTime: {
    takes: 'text',
    apply: (input, _args, ctx) => ctx.dateTime(String(input)),
  },
  date: {
    takes: 'text',
    apply: (input, _args, ctx) => warnInvalid(toFhirDate(String(input)), String(input), 'HL7 date', (t) => ctx.warn(t), ctx.location),
  },
  decimal: {
    takes: 'text',
    apply: (input, _args, ctx) => warnInvalid(toDecimal(String(input)), String(input), 'number', (t) => ctx.warn(t), ctx.location),
  },
  positiveInt: {
    takes: 'text',
    apply: (input) => toPositiveInt(String(input)),
  },
  boolean: {
    takes: 'text',
    apply: (input, _args, ctx) => warnInvalid(toBoolean(String(input)), String(input), 'Y/N value', (t) => ctx.warn(t), ctx.location),
  },
};
