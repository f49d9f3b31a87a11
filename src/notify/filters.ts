/**
 * Subscription filters (`backport-filter-criteria`, SPECS.md §b2): search-style `Type?param=value` strings,
 * ANDed across parameters, comma values ORed. Allowed parameters are the topic's canFilterBy. `patient`
 * compares the event's patient, `_in=Group/x` asks for an active Group membership at the event's time
 * (SPECS.md §b8), and any other parameter is the focus type's FHIR search parameter (token or reference).
 */
import type { Group } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { parseReference } from '../store/references.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import type { TopicEvent } from './detect-events.ts';
import type { TopicDefinition } from './topics.ts';

export interface SubscriptionFilter {
  param: string;
  values: string[];
}

const SPECIAL = new Set(['patient', 'subject', '_in']);
const MAX_FILTERS = 20;

/** Parses and checks the filter strings of a Subscription against its topic; 400 NTF-BAD-FILTER when one is unusable. */
export function parseFilters(raw: readonly string[], topic: TopicDefinition, registry: SearchParamRegistry): SubscriptionFilter[] {
  const bad = (why: string) => new GatewayError('NTF-BAD-FILTER', 'invalid', `Filter criteria: ${why}`);
  const filters: SubscriptionFilter[] = [];
  for (const text of raw) {
    if (text.length > 2000) throw bad('a filter is longer than 2000 characters');
    let query = text.trim();
    const question = query.indexOf('?');
    if (question >= 0) {
      const type = query.slice(0, question);
      if (type !== topic.focusType) throw bad(`the topic filters ${topic.focusType}, not ${type.slice(0, 64)}`);
      query = query.slice(question + 1);
    }
    for (const [key, value] of new URLSearchParams(query)) {
      const param = key.startsWith(`${topic.focusType}.`) ? key.slice(topic.focusType.length + 1) : key;
      if (param.includes(':')) throw bad('modifiers are not supported');
      if (!topic.filters.has(param)) throw bad(`"${param.slice(0, 64)}" is not a filter of this topic (allowed: ${[...topic.filters].join(', ')})`);
      const kind = SPECIAL.has(param) ? 'special' : registry.get(topic.focusType, param)?.type;
      if (kind !== 'special' && kind !== 'token' && kind !== 'reference') throw bad(`"${param}" cannot be used as a filter`);
      const values = value.split(',').map((v) => v.trim()).filter(Boolean);
      if (values.length === 0) throw bad(`"${param}" has no value`);
      if (param === '_in' && values.some((v) => !/^Group\/[A-Za-z0-9\-.]{1,64}$/.test(v))) throw bad('_in takes Group/{id}');
      filters.push({ param, values });
    }
  }
  if (filters.length > MAX_FILTERS) throw bad(`at most ${MAX_FILTERS} filters`);
  return filters;
}

export interface FilterContext {
  registry: SearchParamRegistry;
  baseUrl: string;
  /** Reads a Group inside the writing transaction (cached per transaction by the caller). */
  readGroup(id: string): Promise<Group | undefined>;
  /** The event's time, for roster membership. */
  at: Date;
}

/** True when every filter holds for the event. */
export async function matchesFilters(filters: readonly SubscriptionFilter[], event: TopicEvent, ctx: FilterContext): Promise<boolean> {
  for (const filter of filters) {
    if (!(await matchesFilter(filter, event, ctx))) return false;
  }
  return true;
}

async function matchesFilter(filter: SubscriptionFilter, event: TopicEvent, ctx: FilterContext): Promise<boolean> {
  if (filter.param === 'patient' || filter.param === 'subject') {
    return event.patientId !== undefined && filter.values.some((v) => referenceId(v, 'Patient', ctx.baseUrl) === event.patientId);
  }
  if (filter.param === '_in') {
    if (!event.patientId) return false;
    for (const value of filter.values) {
      const group = await ctx.readGroup(value.slice('Group/'.length));
      if (group && isActiveMember(group, event.patientId, ctx.at)) return true;
    }
    return false;
  }
  const def = ctx.registry.get(event.focus.resourceType, filter.param);
  if (!def) return false;
  let found: unknown[];
  try {
    found = def.evaluate(event.focus);
  } catch {
    return false;
  }
  if (def.type === 'reference') {
    const refs = found.map((v) => (v as { reference?: string }).reference).filter((r): r is string => typeof r === 'string');
    return filter.values.some((value) => refs.some((ref) => sameReference(ref, value, ctx.baseUrl)));
  }
  const tokens = found.flatMap(tokensOf);
  return filter.values.some((value) => {
    const bar = value.indexOf('|');
    if (bar < 0) return tokens.some((t) => t.code === value);
    const system = value.slice(0, bar);
    const code = value.slice(bar + 1);
    return tokens.some((t) => t.code === code && (system === '' ? !t.system : t.system === system));
  });
}

/** Active member: listed, not inactive, and the membership period (if any) covers `at`. */
export function isActiveMember(group: Group, patientId: string, at: Date): boolean {
  if (group.active === false) return false;
  const time = at.getTime();
  return (group.member ?? []).some((member) => {
    if (member.inactive === true) return false;
    const ref = member.entity.reference;
    if (!ref || !(ref === `Patient/${patientId}` || ref.endsWith(`/Patient/${patientId}`))) return false;
    if (member.period?.start && Date.parse(member.period.start) > time) return false;
    if (member.period?.end && endOf(member.period.end) < time) return false;
    return true;
  });
}

/** A date-only end covers the whole day. */
function endOf(value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T23:59:59.999Z`) : Date.parse(value);
}

function referenceId(value: string, type: string, baseUrl: string): string | undefined {
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return value;
  const local = parseReference(value, baseUrl).local;
  return local?.type === type ? local.id : undefined;
}

function sameReference(reference: string, value: string, baseUrl: string): boolean {
  const left = parseReference(reference, baseUrl).local;
  if (!left) return false;
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return left.id === value;
  const right = parseReference(value, baseUrl).local;
  return right !== undefined && right.type === left.type && right.id === left.id;
}

function tokensOf(value: unknown): { system?: string; code: string }[] {
  if (typeof value === 'string') return [{ code: value }];
  if (typeof value === 'boolean') return [{ code: String(value) }];
  if (typeof value !== 'object' || value === null) return [];
  const record = value as { system?: unknown; code?: unknown; value?: unknown; coding?: unknown };
  if (Array.isArray(record.coding)) return record.coding.flatMap(tokensOf);
  const code = typeof record.code === 'string' ? record.code : typeof record.value === 'string' ? record.value : undefined;
  if (code === undefined) return [];
  return [typeof record.system === 'string' ? { system: record.system, code } : { code }];
}
