/**
 * Writes of many resources with multi-row statements. `createMany`: new resources (ids assigned when absent).
 * `updateMany`: many update-or-creates with the result of calling `update` on each in order, written
 * with multi-row statements. Each resource is labelled (prepare), compared with its current version (an equal
 * one is not written), versioned, validated and indexed as `put` does; the changed ones go to the database in
 * one statement (batch-write.ts), then the listeners hear of each change in order.
 *
 * Labelling reads the labels of what a resource references. When a resource references one written earlier
 * in the same call whose labels change, the writes so far are flushed first, so it reads what it would have
 * read one update at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Coding, Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { jsonEqual } from '../shared/json.ts';
import { type VersionWrite, writeVersions } from './batch-write.ts';
import type { SqlClient } from './db.ts';
import type { ResourceChange, UpdateResult, WriteActor } from './fhir-store.ts';
import { indexResource, type IndexRows } from './indexer.ts';
import type { PgStoreOptions } from './pg-store.ts';
import { parseReference } from './references.ts';
import { addTargetCompartments } from './target-compartments.ts';

/** A resource's current row, as `put` reads it. */
export interface CurrentRow {
  rid: number;
  version_id: number;
  deleted: boolean;
  content: Resource;
}

/** What the store hands to a batch write. */
export interface BatchContext {
  options: PgStoreOptions;
  sql: SqlClient;
  actor: WriteActor | undefined;
  /** Loads (and locks) the current rows of these `Type/id` keys; returns them, undefined where none exists. */
  rows(keys: readonly string[]): Promise<Map<string, CurrentRow | undefined>>;
  /** Records a written version: its row and its patient compartments. */
  remember(key: string, row: CurrentRow, compartments: readonly string[]): void;
  /** Patient compartments of a resource written earlier in this transaction, if any. */
  compartments(key: string): readonly string[] | undefined;
  notify(change: ResourceChange): Promise<void>;
}

/**
 * Current rows of many `Type/id` keys in one statement, taken from `cache` where known; with `lock`, the rows
 * are locked for update (in rid order) and what was read is added to `cache`.
 */
export async function readCurrentRows(sql: SqlClient, keys: readonly string[], lock: boolean, cache: Map<string, CurrentRow | undefined> | undefined): Promise<Map<string, CurrentRow | undefined>> {
  const found = new Map<string, CurrentRow | undefined>();
  const missing = [...new Set(keys)].filter((key) => {
    if (!cache?.has(key)) return true;
    found.set(key, cache.get(key));
    return false;
  });
  if (missing.length === 0) return found;
  const split = missing.map((key) => [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] as const);
  const rows = await sql.query<CurrentRow & { resource_type: string; id: string }>(
    `select rid, resource_type, id, version_id, deleted, content from resource
     where (resource_type, id) in (select * from unnest($1::text[], $2::text[]))${lock ? ' order by rid for update' : ''}`,
    [split.map(([type]) => type), split.map(([, id]) => id)],
  );
  const byKey = new Map(rows.map(({ resource_type, id, ...row }) => [`${resource_type}/${id}`, row]));
  for (const key of missing) {
    const row = byKey.get(key);
    found.set(key, row);
    cache?.set(key, row);
  }
  return found;
}

interface Pending {
  index: number;
  key: string;
  stored: Resource;
  row: CurrentRow | undefined;
  rows: IndexRows;
  labelsChanged: boolean;
  write: VersionWrite;
}

/** Removes the server-managed meta (versionId, lastUpdated) before comparing contents. */
export function withoutVersionMeta(resource: Resource): Resource {
  if (!resource.meta) return resource;
  const { versionId: _versionId, lastUpdated: _lastUpdated, ...meta } = resource.meta;
  const { meta: _meta, ...rest } = resource;
  return (Object.keys(meta).length === 0 ? rest : { ...rest, meta }) as Resource;
}

function visibleLabels(row: CurrentRow | undefined): Coding[] {
  return row && !row.deleted ? (row.content.meta?.security ?? []) : [];
}

/** `Type/id` of every local reference anywhere in the resource. */
function referencedKeys(value: unknown, baseUrl: string, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) referencedKeys(item, baseUrl, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') {
        const local = parseReference(child, baseUrl).local;
        if (local) out.add(`${local.type}/${local.id}`);
      } else if (typeof child === 'object') referencedKeys(child, baseUrl, out);
    }
  }
  return out;
}

/** Update-or-create of each resource (all carrying ids), as consecutive `update` calls would. */
export async function updateMany<T extends Resource>(ctx: BatchContext, submitted: readonly T[]): Promise<UpdateResult<T>[]> {
  const { options } = ctx;
  const current = await ctx.rows(submitted.map((r) => `${r.resourceType}/${r.id as string}`));
  const results: UpdateResult<T>[] = [];
  let pending: Pending[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const inBatch = new Map(batch.map((p) => [p.key, p]));
    const known = (type: string, id: string) => inBatch.get(`${type}/${id}`)?.rows.compartments ?? ctx.compartments(`${type}/${id}`);
    await addTargetCompartments(ctx.sql, batch.map((p) => ({ resource: p.stored, rows: p.rows })), options.baseUrl, known);
    const rids = await writeVersions(ctx.sql, batch.map((p) => p.write));
    for (const [i, p] of batch.entries()) {
      const versionId = p.write.versionId;
      ctx.remember(p.key, { rid: rids[i] as number, version_id: versionId, deleted: false, content: p.stored }, p.rows.compartments);
      current.set(p.key, { rid: rids[i] as number, version_id: versionId, deleted: false, content: p.stored });
      const change: ResourceChange = { method: 'PUT', resourceType: p.stored.resourceType, id: p.stored.id as string, versionId: String(versionId), current: p.stored };
      if (p.row && !p.row.deleted) change.previous = p.row.content;
      await ctx.notify(change);
      results[p.index] = { resource: p.stored as T, created: !p.row || p.row.deleted, changed: true };
    }
  };
  for (const [index, submittedResource] of submitted.entries()) {
    const key = `${submittedResource.resourceType}/${submittedResource.id as string}`;
    const dependsOnPending = options.prepare !== undefined && [...referencedKeys(submittedResource, options.baseUrl, new Set())].some((ref) => pending.some((p) => p.key === ref && p.labelsChanged));
    if (dependsOnPending || pending.some((p) => p.key === key)) await flush();
    const resource = (options.prepare ? await options.prepare(submittedResource, ctx.sql, ctx.actor) : submittedResource) as T;
    const type = resource.resourceType;
    if (!options.registry.isResourceType(type)) throw new GatewayError('STO-UNKNOWN-TYPE', 'not-found', `Unknown resource type ${type.slice(0, 64)}`);
    const row = current.get(key);
    if (row && !row.deleted && jsonEqual(withoutVersionMeta(row.content), withoutVersionMeta(resource))) {
      results[index] = { resource: row.content as T, created: false, changed: false };
      continue;
    }
    const versionId = (row?.version_id ?? 0) + 1;
    const lastUpdated = options.clock.now().toISOString();
    const stored = { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as T;
    // Validated as stored: the client's own versionId/lastUpdated are replaced, never judged.
    options.validate?.(stored);
    const rows = indexResource(stored, options.registry, options.baseUrl);
    const labelsChanged = !jsonEqual(visibleLabels(row), resource.meta?.security ?? []);
    const write: VersionWrite = { resourceType: type, id: stored.id as string, versionId, lastUpdated, method: 'PUT', json: JSON.stringify(stored), rows, rid: row?.rid };
    pending.push({ index, key, stored, row, rows, labelsChanged, write });
  }
  await flush();
  return results;
}

/** Creates new resources (version 1; ids assigned when absent), labelled and validated, in one statement. */
export async function insertMany<T extends Resource>(ctx: BatchContext, submitted: readonly T[]): Promise<T[]> {
  const { options } = ctx;
  const lastUpdated = options.clock.now().toISOString();
  const prepare = options.prepare;
  const resources = prepare ? await Promise.all(submitted.map(async (r) => (await prepare(r, ctx.sql, ctx.actor)) as T)) : submitted;
  const stored = resources.map((resource) => {
    if (!options.registry.isResourceType(resource.resourceType)) {
      throw new GatewayError('STO-UNKNOWN-TYPE', 'not-found', `Unknown resource type ${resource.resourceType.slice(0, 64)}`);
    }
    const stored = { ...resource, id: resource.id ?? randomUUID(), meta: { ...resource.meta, versionId: '1', lastUpdated } } as T;
    options.validate?.(stored);
    return stored;
  });
  const indexed = stored.map((resource) => ({ resource, rows: indexResource(resource, options.registry, options.baseUrl) }));
  await addTargetCompartments(ctx.sql, indexed, options.baseUrl, (type, id) => ctx.compartments(`${type}/${id}`));
  const writes = indexed.map(({ resource, rows }): VersionWrite => ({ resourceType: resource.resourceType, id: resource.id as string, versionId: 1, lastUpdated, method: 'POST', json: JSON.stringify(resource), rows, rid: undefined }));
  const rids = await writeVersions(ctx.sql, writes, 'insert');
  for (const [i, { resource, rows }] of indexed.entries()) {
    ctx.remember(`${resource.resourceType}/${resource.id as string}`, { rid: rids[i] as number, version_id: 1, deleted: false, content: resource }, rows.compartments);
  }
  for (const resource of stored) await ctx.notify({ method: 'POST', resourceType: resource.resourceType, id: resource.id as string, versionId: '1', current: resource });
  return stored;
}
