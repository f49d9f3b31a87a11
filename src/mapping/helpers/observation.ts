/**
 * OBX result values (HL7 v2.5.1 ch. 7.4.2: OBX-2 value type, table 0125; OBX-5 value; OBX-6 units; OBX-7
 * reference range) → FHIR R4 Observation.value[x] and referenceRange, following the v2-to-FHIR IG OBX mapping:
 * NM → valueQuantity, SN → valueQuantity / valueRange / valueRatio, ST/TX/FT → valueString,
 * CE/CWE/CNE → valueCodeableConcept, DT → valueDateTime (date), TS/DTM → valueDateTime, TM → valueTime.
 * Other types (ED, RP …) are not mapped and are listed in the report.
 */
import type { Hl7Node } from '../hl7-node.ts';
import { stringArg, type Helper, type HelperContext } from './context.ts';
import { toDecimal } from './primitives.ts';

const UCUM = 'http://unitsofmeasure.org';

/** A Quantity for `value` with the OBX-6 units (UCUM only when OBX-6.3 names UCUM). */
export function quantityOf(value: number, units: { code: string; text: string; system: string }, comparator?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { value };
  if (comparator !== undefined) out['comparator'] = comparator;
  const unit = units.text !== '' ? units.text : units.code;
  if (unit !== '') out['unit'] = unit;
  if (units.code !== '' && units.system.toUpperCase() === 'UCUM') {
    out['system'] = UCUM;
    out['code'] = units.code;
  }
  return out;
}

const COMPARATORS = new Set(['<', '<=', '>', '>=']);

/** SN (structured numeric: comparator ^ num1 ^ separator ^ num2) → the value[x] it means, or undefined. */
export function structuredNumeric(node: Hl7Node, units: { code: string; text: string; system: string }): Record<string, unknown> | undefined {
  const part = (n: number): string => node.child(n)?.text() ?? '';
  const comparator = part(1);
  const first = toDecimal(part(2));
  const separator = part(3);
  const second = toDecimal(part(4));
  if (first === undefined) return undefined;
  if (separator === '' && second === undefined) {
    if (comparator === '' || comparator === '=') return { valueQuantity: quantityOf(first, units) };
    return COMPARATORS.has(comparator) ? { valueQuantity: quantityOf(first, units, comparator) } : undefined;
  }
  if (comparator !== '' || second === undefined) return undefined;
  if (separator === '-') return { valueRange: { low: quantityOf(first, units), high: quantityOf(second, units) } };
  if (separator === ':' || separator === '/') return { valueRatio: { numerator: { value: first }, denominator: { value: second } } };
  return undefined;
}

function unitsAt(ctx: HelperContext, path: string): { code: string; text: string; system: string } {
  if (path === '') return { code: '', text: '', system: '' };
  return { code: ctx.read(`${path}.1`), text: ctx.read(`${path}.2`), system: ctx.read(`${path}.3`) };
}

/** OBX-5 → `{ value[x]: … }` by OBX-2 (see the module comment); undefined (reported) when not mappable. */
export function observationValue(values: readonly Hl7Node[], type: string, ctx: HelperContext, unitsPath: string): Record<string, unknown> | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  const units = unitsAt(ctx, unitsPath);
  const where = first.location;
  const notMapped = (why: string): undefined => {
    ctx.warn(`${where}: ${why}`);
    ctx.unmapped(where);
    return undefined;
  };
  if (values.length > 1 && !['ST', 'TX', 'FT'].includes(type)) ctx.warn(`${where}: repeats; only the first value is mapped`);
  switch (type) {
    case 'NM': {
      const number = toDecimal(first.text());
      return number === undefined ? { valueString: first.text() } : { valueQuantity: quantityOf(number, units) };
    }
    case 'SN':
      return structuredNumeric(first, units) ?? notMapped('structured numeric value not understood');
    case 'ST':
    case 'TX':
    case 'FT':
    case '': {
      const text = values.map((node) => node.child(1)?.text() ?? '').join('\n').trim();
      return text === '' ? undefined : { valueString: text };
    }
    case 'CE':
    case 'CWE':
    case 'CNE': {
      const concept = ctx.applyDatatype('CWE.codeable-concept', first);
      return concept === undefined ? undefined : { valueCodeableConcept: concept };
    }
    case 'DT':
    case 'TS':
    case 'DTM': {
      const value = ctx.dateTime(first.text());
      return value === undefined ? notMapped('date/time value not valid') : { valueDateTime: value };
    }
    case 'TM': {
      const match = /^(\d{2})(\d{2})?(\d{2})?/.exec(first.text());
      return match === null ? notMapped('time value not valid') : { valueTime: `${match[1] ?? '00'}:${match[2] ?? '00'}:${match[3] ?? '00'}` };
    }
    default:
      return notMapped(`value type ${/^[A-Z]{2,3}$/.test(type) ? type : '(unknown)'} is not mapped`);
  }
}

/** OBX-7 reference range: `low-high`, `low - high`, `low to high`, `<high`, `>low`; always keeps the text. */
export function referenceRange(text: string, units: { code: string; text: string; system: string }): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const range = /^([+-]?\d+(?:\.\d+)?)\s*(?:-|to)\s*([+-]?\d+(?:\.\d+)?)$/i.exec(trimmed);
  if (range !== null) return { low: quantityOf(Number(range[1]), units), high: quantityOf(Number(range[2]), units), text: trimmed };
  const bound = /^([<>]=?)\s*([+-]?\d+(?:\.\d+)?)$/.exec(trimmed);
  if (bound !== null) return { [bound[1]?.startsWith('<') ? 'high' : 'low']: quantityOf(Number(bound[2]), units), text: trimmed };
  return { text: trimmed };
}

export const OBSERVATION_HELPERS: Readonly<Record<string, Helper>> = {
  observationValue: {
    takes: 'value',
    pathArgs: ['typeFrom', 'valueFrom', 'unitsFrom'],
    apply: (_input, args, ctx) => observationValue(ctx.readAll(stringArg(args, 'valueFrom', '5')), ctx.read(stringArg(args, 'typeFrom', '2')).toUpperCase(), ctx, stringArg(args, 'unitsFrom')),
  },
  referenceRange: {
    takes: 'text',
    pathArgs: ['unitsFrom'],
    apply: (input, args, ctx) => referenceRange(String(input), unitsAt(ctx, stringArg(args, 'unitsFrom'))),
  },
};
