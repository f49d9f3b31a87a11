/**
 * Small helpers for resource-shaped values: the Encounter id key (PV1-19 visit number, else patient + start;
 * HL7 v2.5.1 ch. 3.4.3.19), joined text from several components (PL → Location.name, ch. 2A.53), and the
 * Location physical type of the most specific PL level (bed, room, point of care).
 */
import { descend, type Hl7Node } from '../hl7-node.ts';
import { isObject, stringArg, type Helper, type HelperContext } from './context.ts';

/**
 * Encounter status from the visit dates, for events that do not say (A08 update, ORU): a discharge date/time
 * (PV1-45) → `finished`, an admit date/time (PV1-44) → `in-progress`, neither → `unknown` (the pipeline keeps
 * the stored encounter's status rather than let an update without dates change it).
 */
export function statusFromVisitDates(admit: string, discharge: string): 'finished' | 'in-progress' | 'unknown' {
  if (discharge.trim() !== '') return 'finished';
  return admit.trim() !== '' ? 'in-progress' : 'unknown';
}

/** PID-29 / PID-30 → `deceasedDateTime` when a date is sent, else `deceasedBoolean` (one choice only). */
export function deceased(dateTime: string | undefined, flag: string): Record<string, unknown> | undefined {
  if (dateTime !== undefined) return { deceasedDateTime: dateTime };
  const upper = flag.trim().toUpperCase();
  if (upper === 'Y') return { deceasedBoolean: true };
  if (upper === 'N') return { deceasedBoolean: false };
  return undefined;
}

function identifierWithType(input: Record<string, unknown>, code: string): string[] | undefined {
  const list = Array.isArray(input['identifier']) ? input['identifier'].filter(isObject) : [];
  const found = list.find((id) => {
    const type = isObject(id['type']) ? id['type'] : undefined;
    const coding = Array.isArray(type?.['coding']) ? type['coding'].filter(isObject) : [];
    return coding.some((c) => c['code'] === code);
  });
  return found !== undefined && typeof found['system'] === 'string' && typeof found['value'] === 'string' ? [found['system'], found['value']] : undefined;
}

/**
 * DiagnosticReport key: the filler order number (OBR-3, type FILL), else the placer's (OBR-2, PLAC), else
 * [patient id, service code, effective time].
 */
export function orderKey(input: unknown, patientId: unknown): string[] | undefined {
  if (!isObject(input)) return undefined;
  const byOrder = identifierWithType(input, 'FILL') ?? identifierWithType(input, 'PLAC');
  if (byOrder !== undefined) return byOrder;
  const code = isObject(input['code']) && Array.isArray(input['code']['coding']) ? input['code']['coding'].find(isObject) : undefined;
  const effective = typeof input['effectiveDateTime'] === 'string' ? input['effectiveDateTime'] : '';
  if (typeof patientId !== 'string' || code === undefined) return undefined;
  return [patientId, String(code['system'] ?? ''), String(code['code'] ?? ''), effective];
}

/**
 * SAD (street address, ch. 2A.68) → one address line: SAD-1, followed by SAD-2 street name and SAD-3 dwelling
 * number when SAD-1 does not already hold them (senders that split `1000&Hospital Lane`).
 */
export function streetLine(parts: readonly string[]): string | undefined {
  const [line = '', ...rest] = parts.map((p) => p.trim());
  const extra = rest.filter((p) => p !== '' && !line.toLowerCase().includes(p.toLowerCase()));
  const joined = [line, ...extra].filter((p) => p !== '').join(' ');
  return joined === '' ? undefined : joined;
}

function isNode(value: unknown): value is Hl7Node {
  return isObject(value) && typeof value['child'] === 'function';
}

/** Encounter key: the visit number identifier [system, value], else [patient id, period.start]. */
export function encounterKey(input: unknown, patientId: unknown): string[] | undefined {
  if (!isObject(input)) return undefined;
  const identifier = Array.isArray(input['identifier']) ? input['identifier'].find(isObject) : undefined;
  if (identifier !== undefined && typeof identifier['system'] === 'string' && typeof identifier['value'] === 'string') {
    return [identifier['system'], identifier['value']];
  }
  const period = isObject(input['period']) ? input['period'] : undefined;
  const start = period?.['start'];
  return typeof patientId === 'string' && typeof start === 'string' ? [patientId, start] : undefined;
}

/** Texts at datatype-relative `paths` of the current node, non-empty ones joined with `separator`. */
export function joinText(ctx: HelperContext, paths: readonly string[], separator: string): string | undefined {
  const node = ctx.node;
  if (node === undefined) return undefined;
  const parts = paths.map((path) => descend(node, path.split('.').map(Number))?.text() ?? '').filter((text) => text !== '');
  return parts.length === 0 ? undefined : parts.join(separator);
}

const PHYSICAL_TYPES: ReadonlyArray<[path: string, code: string, display: string]> = [
  ['3', 'bd', 'Bed'],
  ['2', 'ro', 'Room'],
  ['1', 'wa', 'Ward'],
];

/** PL → Location.physicalType of the most specific level sent (bed, room, else point of care as a ward). */
export function locationPhysicalType(ctx: HelperContext): Record<string, unknown> | undefined {
  const node = ctx.node;
  if (node === undefined) return undefined;
  const found = PHYSICAL_TYPES.find(([path]) => (descend(node, [Number(path)])?.text() ?? '') !== '');
  if (found === undefined) return undefined;
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: found[1], display: found[2] }] };
}

export const RESOURCE_HELPERS: Readonly<Record<string, Helper>> = {
  encounterKey: { takes: 'value', apply: (input, _args, ctx) => encounterKey(input, ctx.variable('patientId')) },
  joinText: {
    takes: 'value',
    apply(_input, args, ctx) {
      const paths = Array.isArray(args['paths']) ? args['paths'].filter((p): p is string => typeof p === 'string') : [];
      return joinText(ctx, paths, typeof args['separator'] === 'string' ? args['separator'] : ' ');
    },
  },
  streetLine: {
    takes: 'node',
    apply: (input) => (isNode(input) ? streetLine([1, 2, 3].map((n) => input.child(n)?.text() ?? '')) : undefined),
  },
  locationPhysicalType: { takes: 'value', apply: (_input, _args, ctx) => locationPhysicalType(ctx) },
  statusFromVisitDates: {
    takes: 'value',
    pathArgs: ['admitFrom', 'dischargeFrom'],
    apply: (_input, args, ctx) => statusFromVisitDates(ctx.read(stringArg(args, 'admitFrom')), ctx.read(stringArg(args, 'dischargeFrom'))),
  },
  deceased: {
    takes: 'value',
    pathArgs: ['dateFrom', 'flagFrom'],
    apply(_input, args, ctx) {
      const date = ctx.read(stringArg(args, 'dateFrom'));
      return deceased(date === '' ? undefined : ctx.dateTime(date), ctx.read(stringArg(args, 'flagFrom')));
    },
  },
  orderKey: { takes: 'value', apply: (input, _args, ctx) => orderKey(input, ctx.variable('patientId')) },
};
