/**
 * Hand-written HL7 v2.5.1 messages for the mapping tests (all content synthetic), built from segment strings so
 * each test changes only what it is about, and a shared mapper and validator.
 */
import type { Resource } from 'fhir/r4.js';
import { parseMessage, type Hl7Message } from '../../src/ingest/hl7v2/index.ts';
import { createHl7v2Mapper, type Hl7v2Mapper, type MappedMessage } from '../../src/mapping/index.ts';
import { createValidator, type Validator } from '../../src/validation/validator.ts';

export const RECEIVED_AT = '2025-03-14T10:00:00Z';

let mapper: Hl7v2Mapper | undefined;
let validator: Validator | undefined;

export function testMapper(): Hl7v2Mapper {
  mapper ??= createHl7v2Mapper({ sources: [{ facility: 'ST_MARYS', name: "St Mary's Hospital", timezone: 'Europe/London', authorities: { ST_MARYS: 'https://st-marys.example.org/Id/mrn' } }] });
  return mapper;
}

export function testValidator(): Validator {
  validator ??= createValidator();
  return validator;
}

/** A segment from its id and fields by number (`segment('PV1', { 2: 'I', 44: '2025…' })`). */
export function segment(id: string, fields: Readonly<Record<number, string>>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const parts = [id];
  for (let n = 1; n <= last; n += 1) parts.push(fields[n] ?? '');
  return parts.join('|');
}

/** The fields of the default PV1: an inpatient emergency admission on 10 March. */
export const PV1_FIELDS: Readonly<Record<number, string>> = {
  1: '1',
  2: 'I',
  3: 'WARD7^BAY3^BED12^ST_MARYS',
  4: 'E',
  7: 'C4471122^ASHWORTH^HELEN^^^DR^^^GMC',
  8: 'C5521907^NWOSU^PETER^^^DR^^^GMC',
  10: 'MED',
  14: '7',
  17: 'C4471122^ASHWORTH^HELEN^^^DR^^^GMC',
  18: 'IP',
  19: 'VN88123004^^^ST_MARYS^VN',
  44: '20250310141500',
};

/** The default PV1 with some fields changed. */
export function pv1(changes: Readonly<Record<number, string>> = {}): string {
  return segment('PV1', { ...PV1_FIELDS, ...changes });
}

export const SEGMENTS = {
  evn: segment('EVN', { 1: 'A01', 2: '20250314092900', 6: '20250314092500' }),
  pid: 'PID|1||MRN00482913^^^ST_MARYS^MR~9434765919^^^NHS^NH||HARGREAVES^EVELYN^ROSE^^MRS^^L||19470823|F|||14 ORCHARD LANE^FLAT 2^LEEDS^^LS6 2QT^GBR^H||0113 496 0712^PRN^PH~07700 900412^ORN^CP|||W',
  pd1: 'PD1|||MEADOWSIDE SURGERY^^B86042^^^ODS|G8812345^OKAFOR^CHIDI^^^DR^^^GMP',
  nk1: 'NK1|1|HARGREAVES^DANIEL|SON^Son^HL70063||07700 900877^PRN^CP||N^Next-of-Kin^HL70131',
  pv1: pv1(),
  pv2: 'PV2|||R06.0^Dyspnoea^I10',
  dg1: 'DG1|1||J18.9^Pneumonia, unspecified organism^I10||20250310|A|||||||||1',
  al1: 'AL1|1|DA|PENICILLIN^Penicillin^L|SV|Rash~Swelling',
};

/** `MSH` for a message type and trigger from ST_MARYS. */
export function msh(type: string, trigger: string, controlId = 'MSG0001'): string {
  return `MSH|^~\\&|WARDSYS|ST_MARYS|CAREBRIDGE|HIE|20250314093012||${type}^${trigger}^${type}_${trigger}|${controlId}|P|2.5.1`;
}

/** An ADT message: MSH + the given segments (default EVN, PID, PV1). */
export function adt(trigger: string, segments: readonly string[] = [SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pv1]): Hl7Message {
  return parseMessage([msh('ADT', trigger), ...segments].join('\r'));
}

export function mapOne(message: Hl7Message): MappedMessage {
  return testMapper().map(message, { receivedAt: RECEIVED_AT });
}

/** The resources of one type. */
export function resourcesOf<T extends Resource>(mapped: MappedMessage, type: string): T[] {
  return mapped.resources.map((r) => r.resource).filter((r): r is T => r.resourceType === type);
}

/** The only resource of a type (fails the test when there is not exactly one). */
export function only<T extends Resource>(mapped: MappedMessage, type: string): T {
  const list = resourcesOf<T>(mapped, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, got ${list.length}`);
  return list[0] as T;
}

/** Every validation problem of every mapped resource, as readable strings. */
export function problems(mapped: MappedMessage): string[] {
  return mapped.resources.flatMap(({ resource }) => testValidator().validate(resource).map((i) => `${resource.resourceType}: ${i.diagnostics ?? ''} @ ${(i.expression ?? []).join()}`));
}
