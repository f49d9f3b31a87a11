/**
 * Writes what one HL7 v2 message says, inside the ingest transaction: its patient matched to an existing
 * record where the identifiers say so and its organizations linked to the registered ones (references
 * rewritten to them), each resource merged with what is
 * stored under the HL7 ordering rules, an A40 merge applied, and the raw message kept as a Binary that the
 * Provenance of these writes names as its source. Serialised per patient and per visit.
 */
import type { Binary, Coding, Identifier, Patient, Resource } from 'fhir/r4.js';
import type { MappedMessage } from '../mapping/index.ts';
import { linkRegisteredOrganizations } from '../matching/organization-resolver.ts';
import type { PatientMatcher } from '../matching/patient-matcher.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { moveReferences } from '../store/references.ts';
import { readStates } from './ingest-sql.ts';
import { identifierKey, mergeResource, unchanged } from './merge.ts';

export interface ApplyContext {
  store: FhirStore;
  matcher: PatientMatcher;
  raw: Buffer;
  contentHash: string;
  /** The event time used for ordering: EVN-2, else MSH-7, else the receive time. */
  eventTime: string;
  /** Latest event time (ms) applied to each `Type/id`, read with the message's claim; others are read here. */
  states: ReadonlyMap<string, number | undefined>;
}

export interface Applied {
  patientId?: string;
  written: number;
  /** The `Type/id` of every resource this event was applied to as the latest (its ordering state moves on). */
  applied: string[];
}

/** `Type/id` of a resource. */
export function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** The id of the raw message's Binary. */
export function binaryId(contentHash: string): string {
  return `hl7-${contentHash.slice(0, 40)}`;
}

/**
 * Applies the message. Locks (patient identifiers, visit) are the caller's. Stored versions and ordering states
 * are read in one statement each; unchanged resources are not written; the rest go out in one `updateMany`.
 */
export async function applyMappedMessage(mapped: MappedMessage, ctx: ApplyContext): Promise<Applied> {
  const { store } = ctx;
  const resources = await linkRegisteredOrganizations(store, await resolvePatient(mapped, ctx));
  const patient = resources.find((r) => r.resource.resourceType === 'Patient')?.resource as Patient | undefined;
  const keys = resources.map(({ resource }) => keyOf(resource));
  const unread = keys.filter((key) => !ctx.states.has(key));
  const extra = unread.length > 0 ? await readStates(store.sql, unread) : new Map<string, number | undefined>();
  const stored = await readStored(store, resources, ctx.contentHash);
  const eventAt = Date.parse(ctx.eventTime);
  const merge = (i: number, current: Resource | undefined) => {
    const { resource, cleared } = resources[i] as MappedMessage['resources'][number];
    const key = keys[i] as string;
    const last = ctx.states.has(key) ? ctx.states.get(key) : extra.get(key);
    const stale = last !== undefined && last > eventAt;
    return { stale, merged: mergeResource({ stored: current, incoming: resource, cleared, trigger: mapped.event.trigger, stale }) };
  };
  let outcomes = resources.map((_, i) => merge(i, stored[i]));
  // Shared reference data was read unlocked; what this message changes of it is read again, locked, and merged anew.
  const sharedChanged = outcomes.flatMap(({ merged }, i) => (isShared(merged) && !unchanged(stored[i], merged) ? [i] : []));
  if (sharedChanged.length > 0) {
    const locked = await store.findMany(sharedChanged.map((i) => refOf(resources[i]?.resource as Resource)), { lock: true });
    sharedChanged.forEach((i, n) => (stored[i] = locked[n]));
    outcomes = outcomes.map((outcome, i) => (sharedChanged.includes(i) ? merge(i, stored[i]) : outcome));
  }
  const changed: Resource[] = [];
  const applied: string[] = [];
  for (const [i, { stale, merged }] of outcomes.entries()) {
    const isChanged = !unchanged(stored[i], merged);
    if (isChanged) changed.push(merged);
    // The ordering state of shared reference data moves only with its content, so lanes do not queue on its row.
    if (!stale && (isChanged || !isShared(merged))) applied.push(keys[i] as string);
  }
  const results = await store.updateMany(changed);
  const written = new Map(results.map((r) => [keyOf(r.resource), r.resource]));
  const labels: Coding[] = [];
  for (const [i, key] of keys.entries()) labels.push(...((written.get(key) ?? stored[i])?.meta?.security ?? []));
  let count = results.filter((r) => r.changed).length;
  if (patient && mapped.event.mergedFrom?.length) count += await mergePatients(store, patient, mapped.event.mergedFrom);
  await store.updateMany([rawBinary(ctx, patient, labels)]);
  return patient?.id ? { patientId: patient.id, written: count, applied } : { written: count, applied };
}

/**
 * Reference data that many patients' messages point at (the sending hospital, its wards, its clinicians). Lanes
 * (group-commit.ts) run different patients' messages side by side, so these rows are read without a lock and
 * locked only when a message changes them.
 */
const SHARED_TYPES = new Set(['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'HealthcareService']);

function isShared(resource: Resource): boolean {
  return SHARED_TYPES.has(resource.resourceType);
}

function refOf(resource: Resource): { resourceType: string; id: string } {
  return { resourceType: resource.resourceType, id: resource.id as string };
}

/** The stored versions of the message's resources, in order: patient data locked, shared reference data not. */
async function readStored(store: FhirStore, resources: MappedMessage['resources'], contentHash: string): Promise<(Resource | undefined)[]> {
  const own = resources.flatMap(({ resource }, i) => (isShared(resource) ? [] : [i]));
  const shared = resources.flatMap(({ resource }, i) => (isShared(resource) ? [i] : []));
  const [locked, unlocked] = await Promise.all([
    store.findMany([...own.map((i) => refOf(resources[i]?.resource as Resource)), { resourceType: 'Binary', id: binaryId(contentHash) }], { lock: true }),
    shared.length > 0 ? store.findMany(shared.map((i) => refOf(resources[i]?.resource as Resource))) : Promise.resolve([]),
  ]);
  const stored: (Resource | undefined)[] = [];
  own.forEach((i, n) => (stored[i] = locked[n]));
  shared.forEach((i, n) => (stored[i] = unlocked[n]));
  return stored;
}

/** Points the message's Patient (and every reference to it) at the record the matcher found, if any. */
async function resolvePatient(mapped: MappedMessage, ctx: ApplyContext): Promise<MappedMessage['resources']> {
  const mappedPatient = mapped.resources.find((r) => r.resource.resourceType === 'Patient')?.resource;
  if (!mappedPatient?.id) return mapped.resources;
  const match = await ctx.matcher.match(ctx.store, mapped.event.patient);
  if (match.kind !== 'matched' || match.patientId === mappedPatient.id) return mapped.resources;
  const moves = new Map([[`Patient/${mappedPatient.id}`, `Patient/${match.patientId}`]]);
  return mapped.resources.map(({ resource, cleared }) => ({
    resource: resource === mappedPatient ? { ...resource, id: match.patientId } : moveReferences(resource, moves),
    cleared,
  }));
}

/**
 * A40: the records named in MRG-1 are merged into the surviving patient: each gets `active=false` and a
 * `replaced-by` link, the survivor a `replaces` link and their identifiers, so a search by either finds it.
 */
async function mergePatients(store: FhirStore, survivor: Patient, mergedFrom: Identifier[]): Promise<number> {
  let written = 0;
  const current = (await store.find('Patient', survivor.id as string)) as Patient | undefined;
  if (!current) return 0;
  const losers = new Map<string, Patient>();
  for (const identifier of mergedFrom) {
    const result = await store.search({
      resourceType: 'Patient',
      filters: [{ code: 'identifier', type: 'token', values: [`${identifier.system ?? ''}|${identifier.value ?? ''}`] }],
      sort: [], count: 10, offset: 0, include: [], revinclude: [], total: 'none',
    });
    for (const entry of result.entries) if (entry.resource.id !== survivor.id) losers.set(entry.resource.id as string, entry.resource as Patient);
  }
  const links = [...(current.link ?? [])];
  const identifiers = [...(current.identifier ?? [])];
  for (const loser of losers.values()) {
    const replacedBy = { other: { reference: `Patient/${survivor.id}` }, type: 'replaced-by' as const };
    if ((await store.update({ ...loser, active: false, link: [...(loser.link ?? []).filter((l) => l.type !== 'replaced-by'), replacedBy] })).changed) written++;
    links.push({ other: { reference: `Patient/${loser.id}` }, type: 'replaces' });
    for (const identifier of loser.identifier ?? []) if (!identifiers.some((i) => identifierKey(i) === identifierKey(identifier))) identifiers.push(identifier);
  }
  if (losers.size > 0 && (await store.update({ ...current, identifier: identifiers, link: links })).changed) written++;
  return written;
}

/** The message as received, a Binary in the patient's security context carrying the labels of what it held. */
function rawBinary(ctx: ApplyContext, patient: Patient | undefined, labels: Coding[]): Binary {
  const security = [...new Map(labels.map((l) => [`${l.system}|${l.code}`, l])).values()];
  const binary: Binary = {
    resourceType: 'Binary',
    id: binaryId(ctx.contentHash),
    contentType: 'x-application/hl7-v2+er7',
    data: ctx.raw.toString('base64'),
  };
  if (patient?.id) binary.securityContext = { reference: `Patient/${patient.id}` };
  if (security.length > 0) binary.meta = { security };
  return binary;
}
