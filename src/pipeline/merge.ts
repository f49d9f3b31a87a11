/**
 * How a message's view of a resource combines with what is stored (HL7 v2 semantics, DOMAIN.md §4): an
 * absent field means "no change", an explicit `""` null clears it, and a message older than the latest one
 * applied to that resource only fills gaps — an older A08 never overwrites newer data, and an admit that
 * arrives after its discharge never reopens the encounter. Only A13 reopens a finished encounter; A11
 * cancels it. Location history and diagnoses accumulate.
 */
import type { Encounter, EncounterLocation, Identifier, Patient, PatientLink, Resource } from 'fhir/r4.js';
import { jsonEqual } from '../shared/json.ts';

export interface MergeInput {
  stored: Resource | undefined;
  incoming: Resource;
  /** Elements the message removes: top-level names or dotted paths (`period.end`). */
  cleared: readonly string[];
  /** Trigger event (A01, A03, A13…). */
  trigger: string;
  /** The message is older than the latest event already applied to this resource. */
  stale: boolean;
}

const CLOSED = new Set(['finished', 'entered-in-error', 'cancelled']);

export function mergeResource({ stored, incoming, cleared, trigger, stale }: MergeInput): Resource {
  if (!stored) return removePaths(incoming, cleared);
  if (stale) return fillAbsent(stored, incoming);
  let merged = removePaths({ ...stored, ...incoming, meta: stored.meta } as Resource, cleared);
  if (merged.resourceType === 'Patient') merged = mergePatient(stored as Patient, merged as Patient);
  if (merged.resourceType === 'Encounter') merged = mergeEncounter(stored as Encounter, merged as Encounter, incoming as Encounter, trigger);
  return merged;
}

/** Adds what the stored resource lacks; changes nothing it has. */
function fillAbsent(stored: Resource, incoming: Resource): Resource {
  const result: Record<string, unknown> = { ...(stored as unknown as Record<string, unknown>) };
  for (const [key, value] of Object.entries(incoming as unknown as Record<string, unknown>)) {
    if (result[key] === undefined) result[key] = value;
  }
  if (stored.resourceType === 'Encounter') {
    const period = { ...((incoming as Encounter).period ?? {}), ...((stored as Encounter).period ?? {}) };
    if (Object.keys(period).length > 0) result.period = period;
  }
  return result as unknown as Resource;
}

function mergePatient(stored: Patient, merged: Patient): Patient {
  return {
    ...merged,
    identifier: unionBy([...(stored.identifier ?? []), ...(merged.identifier ?? [])], identifierKey),
    ...(stored.link || merged.link ? { link: unionBy([...(stored.link ?? []), ...(merged.link ?? [])], (l: PatientLink) => `${l.type}|${l.other.reference}`) } : {}),
  };
}

function mergeEncounter(stored: Encounter, merged: Encounter, incoming: Encounter, trigger: string): Encounter {
  const result: Encounter = { ...merged };
  const reopening = trigger === 'A13';
  const cancelling = trigger === 'A11';
  // An update that does not know the status (no visit dates) leaves the stored one.
  if (incoming.status === 'unknown' || incoming.status === undefined) result.status = stored.status;
  if (CLOSED.has(stored.status) && !CLOSED.has(incoming.status) && !reopening) {
    // A late admit/update must not reopen a discharged or cancelled encounter.
    result.status = stored.status;
    if (stored.period?.end) result.period = { ...result.period, end: stored.period.end };
    if (stored.hospitalization?.dischargeDisposition) {
      result.hospitalization = { ...result.hospitalization, dischargeDisposition: stored.hospitalization.dischargeDisposition };
    }
  }
  if (stored.status === 'entered-in-error' && !cancelling && !reopening) result.status = 'entered-in-error';
  if (stored.period || incoming.period) {
    const period = { ...(stored.period ?? {}), ...(result.period ?? {}) };
    if (reopening) delete period.end;
    result.period = period;
  }
  const locations = mergeLocations(stored.location ?? [], incoming.location ?? []);
  if (locations.length > 0) result.location = locations;
  if (stored.diagnosis || incoming.diagnosis) {
    result.diagnosis = unionBy([...(stored.diagnosis ?? []), ...(incoming.diagnosis ?? [])], (d) => d.condition.reference ?? JSON.stringify(d.condition));
  }
  return result;
}

/** Location history: a new location closes the previous active one; the same location is updated in place. */
function mergeLocations(stored: EncounterLocation[], incoming: EncounterLocation[]): EncounterLocation[] {
  const result = stored.map((entry) => ({ ...entry }));
  for (const entry of incoming) {
    const same = result.find((existing) => existing.location.reference === entry.location.reference);
    if (same) {
      Object.assign(same, { ...entry, period: { ...(same.period ?? {}), ...(entry.period ?? {}) } });
      continue;
    }
    const start = entry.period?.start;
    for (const previous of result) {
      if (previous.status === 'active' || previous.status === undefined) {
        previous.status = 'completed';
        if (start && !previous.period?.end) previous.period = { ...(previous.period ?? {}), end: start };
      }
    }
    result.push({ ...entry });
  }
  return result;
}

/** Removes each (dotted) path, and any object the removal leaves empty. */
export function removePaths(resource: Resource, paths: readonly string[]): Resource {
  if (paths.length === 0) return resource;
  const copy = structuredClone(resource) as unknown as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split('.');
    const chain: Record<string, unknown>[] = [copy];
    for (const part of parts.slice(0, -1)) {
      const next = chain[chain.length - 1]?.[part];
      if (!isRecord(next)) break;
      chain.push(next);
    }
    if (chain.length !== parts.length) continue;
    delete chain[chain.length - 1]?.[parts[parts.length - 1] as string];
    for (let i = chain.length - 1; i > 0; i--) {
      if (Object.keys(chain[i] as object).length === 0) delete chain[i - 1]?.[parts[i - 1] as string];
    }
  }
  return copy as unknown as Resource;
}

export function identifierKey(identifier: Identifier): string {
  return `${identifier.system ?? ''}|${identifier.value ?? ''}`;
}

/** Keeps the last of each key (a newer copy of the same element wins), in first-seen order. */
function unionBy<T>(items: T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return [...map.values()];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when merging produced nothing new (the store would skip it anyway; this saves the write). */
export function unchanged(stored: Resource | undefined, merged: Resource): boolean {
  if (!stored) return false;
  const strip = ({ meta: _meta, ...rest }: Resource) => rest;
  return jsonEqual(strip(stored), strip(merged));
}
