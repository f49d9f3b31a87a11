/**
 * The FhirStore on PostgreSQL (and PGlite): resources as JSONB, every version kept, search indexes written in
 * the same transaction as the resource, write listeners (outbox, provenance, audit) called inside it too.
 */
import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { Clock } from '../shared/clock.ts';
import { createBatcher } from '../shared/batcher.ts';
import { GatewayError } from '../shared/errors.ts';
import { jsonEqual } from '../shared/json.ts';
import type { Database, SqlClient } from './db.ts';
import type {
  FhirStore,
  HistoryPage,
  HistoryQuery,
  ResourceChange,
  SearchResult,
  UpdateResult,
  WriteActor,
  WriteListener,
  WriteMethod,
  WriteOptions,
} from './fhir-store.ts';
import { AUDIT_TYPE, appendAuditEvents, appendOnly, auditHistory, readAuditEvents } from './audit-log.ts';
import { type EverythingQuery, readEverything } from './everything.ts';
import { readHistory } from './history.ts';
import { writeIndexRows } from './index-writer.ts';
import { addTargetCompartments } from './target-compartments.ts';
import { indexResource } from './indexer.ts';
import { type BatchContext, type CurrentRow, insertMany, readCurrentRows, updateMany, withoutVersionMeta } from './write-many.ts';
import { auditEventsReferencing, searchAuditLog } from './search/audit-search.ts';
import { executeSearch } from './search/execute.ts';
import type { SearchQuery } from './search/query.ts';
import type { SearchParamRegistry } from './search-parameters.ts';

export interface PgStoreOptions {
  db: Database;
  registry: SearchParamRegistry;
  baseUrl: string;
  clock: Clock;
  maxIncludes: number;
  listeners?: WriteListener[];
  /** Called on every resource before it is written (schema and profile validation); throws to refuse. */
  validate?: (resource: Resource) => void;
  /**
   * Adjusts a resource before it is validated and written (security labelling); may read through `sql` the
   * current labels of what the resource references (updateMany relies on reads being limited to that).
   */
  prepare?: (resource: Resource, sql: SqlClient, actor: WriteActor | undefined) => Promise<Resource>;
}

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** The changes of the transaction (or savepoint unit) in progress; undefined outside a transaction. */
interface TransactionState {
  changes: ResourceChange[];
  /** Rows read for update (locked) or written in it, by `Type/id`; undefined: known not to exist. */
  rows: Map<string, CurrentRow | undefined>;
  /** Patient compartments of the resources written in it, by `Type/id`. */
  compartments: Map<string, readonly string[]>;
  /** Savepoints opened so far (for their names). */
  savepoints: number;
}

function newState(): TransactionState {
  return { changes: [], rows: new Map(), compartments: new Map(), savepoints: 0 };
}

/** The options with what the store's instances share: reads outside transactions go out together. */
interface SharedOptions extends PgStoreOptions {
  readCurrent(key: string): Promise<CurrentRow | undefined>;
}

export function createPgStore(options: PgStoreOptions): FhirStore {
  const readCurrent = createBatcher(async (keys: readonly string[]) => {
    const found = await readCurrentRows(options.db, keys, false, undefined);
    return keys.map((key) => found.get(key));
  }, { maxBatch: 256 });
  return new PgStore({ ...options, readCurrent }, options.db, undefined, undefined);
}

class PgStore implements FhirStore {
  constructor(
    private readonly options: SharedOptions,
    readonly sql: SqlClient,
    private readonly txState: TransactionState | undefined,
    readonly actor: WriteActor | undefined,
  ) {}

  private get inTransaction(): boolean {
    return this.txState !== undefined;
  }

  as(actor: WriteActor): FhirStore {
    return new PgStore(this.options, this.sql, this.txState, actor);
  }

  async create<T extends Resource>(resource: T, options: { id?: string } = {}): Promise<T> {
    const id = options.id ?? randomUUID();
    if (resource.resourceType === AUDIT_TYPE) return (await this.appendAudit([{ ...resource, id }]))[0] as T;
    // A fresh random id has nothing stored under it to look up (were it taken, the insert would say so).
    return this.tx(async (store) => (await store.put({ ...resource, id }, undefined, 'POST', options.id === undefined)).resource);
  }

  async createMany<T extends Resource>(resources: T[]): Promise<T[]> {
    if (resources.length === 0) return [];
    if (resources.every((r) => r.resourceType === AUDIT_TYPE)) return this.appendAudit(resources);
    if (resources.every((r) => r.resourceType !== AUDIT_TYPE)) return this.tx((store) => insertMany(store.batchContext(), resources));
    return this.tx(async (store) => {
      const audit = await store.appendAudit(resources.filter((r) => r.resourceType === AUDIT_TYPE));
      const others = await insertMany(store.batchContext(), resources.filter((r) => r.resourceType !== AUDIT_TYPE));
      return resources.map((r) => (r.resourceType === AUDIT_TYPE ? audit.shift() : others.shift()) as T);
    });
  }

  /** AuditEvents go to the append-only audit log (one statement, atomic on its own). */
  private appendAudit<T extends Resource>(events: readonly T[]): Promise<T[]> {
    const { registry, baseUrl, clock } = this.options;
    return appendAuditEvents(this.sql, events, clock.now().toISOString(), { registry, baseUrl });
  }

  async read(resourceType: string, id: string): Promise<Resource> {
    if (resourceType === AUDIT_TYPE) {
      const [event] = await readAuditEvents(this.sql, [id]);
      if (!event) throw notFound(resourceType, id);
      return event;
    }
    const row = await this.current(resourceType, id, false);
    if (!row) throw notFound(resourceType, id);
    if (row.deleted) throw gone(resourceType, id);
    return row.content;
  }

  async find(resourceType: string, id: string): Promise<Resource | undefined> {
    if (resourceType === AUDIT_TYPE) return (await readAuditEvents(this.sql, [id]))[0];
    const row = await this.current(resourceType, id, false);
    return row && !row.deleted ? row.content : undefined;
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<Resource> {
    if (!/^\d{1,9}$/.test(versionId)) throw notFound(resourceType, id, versionId);
    if (resourceType === AUDIT_TYPE) {
      const [event] = versionId === '1' ? await readAuditEvents(this.sql, [id]) : [];
      if (!event) throw notFound(resourceType, id, versionId);
      return event;
    }
    const rows = await this.sql.query<{ content: Resource | null }>(
      `select v.content from resource_version v join resource r on r.rid = v.rid
       where r.resource_type = $1 and r.id = $2 and v.version_id = $3`,
      [resourceType, id, Number(versionId)],
    );
    const row = rows[0];
    if (!row) throw notFound(resourceType, id, versionId);
    if (!row.content) throw gone(resourceType, id);
    return row.content;
  }

  async update<T extends Resource>(resource: T, options: WriteOptions = {}): Promise<UpdateResult<T>> {
    checkId(resource);
    if (resource.resourceType === AUDIT_TYPE) {
      // Update-as-create only: an audit record that exists is never replaced.
      if (options.ifMatch !== undefined) throw appendOnly();
      return { resource: (await this.appendAudit([resource]))[0] as T, created: true, changed: true };
    }
    return this.tx((store) => store.put(resource, options.ifMatch, 'PUT'));
  }

  async updateMany<T extends Resource>(resources: readonly T[]): Promise<UpdateResult<T>[]> {
    for (const resource of resources) checkId(resource);
    if (resources.length === 0) return [];
    if (resources.some((r) => r.resourceType === AUDIT_TYPE)) throw appendOnly();
    return this.tx(async (store) => {
      // Listeners that act after each single write see the store between writes: write one at a time for them.
      if ((this.options.listeners ?? []).some((l) => l.onChange)) {
        const results: UpdateResult<T>[] = [];
        for (const resource of resources) results.push(await store.put(resource, undefined, 'PUT'));
        return results;
      }
      return updateMany(store.batchContext(), resources);
    });
  }

  async findMany(refs: readonly { resourceType: string; id: string }[], options: { lock?: boolean } = {}): Promise<(Resource | undefined)[]> {
    const keys = refs.map((r) => `${r.resourceType}/${r.id}`);
    const rows = await this.currentMany(keys.filter((key) => !key.startsWith(`${AUDIT_TYPE}/`)), options.lock === true);
    const auditIds = refs.filter((r) => r.resourceType === AUDIT_TYPE).map((r) => r.id);
    const events = new Map((await readAuditEvents(this.sql, auditIds)).map((event, i) => [auditIds[i], event]));
    return refs.map((ref, i) => {
      if (ref.resourceType === AUDIT_TYPE) return events.get(ref.id);
      const row = rows.get(keys[i] as string);
      return row && !row.deleted ? row.content : undefined;
    });
  }

  async savepoint<T>(fn: (store: FhirStore) => Promise<T>): Promise<T> {
    const parent = this.txState;
    if (!parent) return this.tx(fn);
    const name = `cb_unit_${++parent.savepoints}`;
    await this.sql.query(`savepoint ${name}`);
    const state = newState();
    try {
      const result = await fn(new PgStore(this.options, this.sql, state, this.actor));
      await this.beforeCommit(state);
      await this.sql.query(`release savepoint ${name}`);
      return result;
    } catch (error) {
      await this.sql.query(`rollback to savepoint ${name}`).catch(() => undefined);
      throw error;
    } finally {
      // What the unit wrote (or undid) is not what the enclosing transaction read before it.
      parent.rows.clear();
      parent.compartments.clear();
    }
  }

  async patch(resourceType: string, id: string, operations: Operation[], options: WriteOptions = {}): Promise<Resource> {
    if (resourceType === AUDIT_TYPE) throw appendOnly();
    return this.tx(async (store) => {
      const row = await store.current(resourceType, id, true);
      if (!row) throw notFound(resourceType, id);
      if (row.deleted) throw gone(resourceType, id);
      checkIfMatch(options.ifMatch, row.version_id);
      const patched = applyPatch(row.content, operations);
      if (patched.resourceType !== resourceType || patched.id !== id) {
        throw new GatewayError('STO-PATCH-IDENTITY', 'unprocessable', 'A patch may not change resourceType or id');
      }
      return (await store.put(patched, undefined, 'PATCH')).resource;
    });
  }

  async delete(resourceType: string, id: string, options: WriteOptions = {}): Promise<void> {
    if (resourceType === AUDIT_TYPE) throw appendOnly();
    await this.tx(async (store) => {
      const row = await store.current(resourceType, id, true);
      if (!row || row.deleted) return;
      checkIfMatch(options.ifMatch, row.version_id);
      const versionId = row.version_id + 1;
      const lastUpdated = this.options.clock.now().toISOString();
      await store.sql.query(
        'update resource set version_id = $2, last_updated = $3, deleted = true where rid = $1',
        [row.rid, versionId, lastUpdated],
      );
      await store.sql.query(
        `insert into resource_version (rid, resource_type, id, version_id, last_updated, method, content)
         values ($1, $2, $3, $4, $5, 'DELETE', null)`,
        [row.rid, resourceType, id, versionId, lastUpdated],
      );
      await writeIndexRows(store.sql, [{ rid: row.rid, resourceType, rows: undefined }], true);
      store.remember(`${resourceType}/${id}`, { ...row, version_id: versionId, deleted: true }, []);
      await store.notify({ method: 'DELETE', resourceType, id, versionId: String(versionId), previous: row.content });
    });
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    return query.resourceType === AUDIT_TYPE ? auditHistory(this.sql, query) : readHistory(this.sql, query);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const { registry, baseUrl, clock, maxIncludes } = this.options;
    const context = { sql: this.sql, registry, baseUrl, now: clock.now(), maxIncludes };
    if (query.resourceType === AUDIT_TYPE) return searchAuditLog(query, { ...context, readMany: (refs) => this.findMany(refs) });
    const auditSpecs = query.revinclude.filter((spec) => spec.sourceType === AUDIT_TYPE);
    const result = await executeSearch({ ...query, revinclude: query.revinclude.filter((spec) => spec.sourceType !== AUDIT_TYPE) }, context);
    // Audit events that reference the page (`_revinclude=AuditEvent:entity`) come from the audit log.
    const matches = result.entries.filter((entry) => entry.mode === 'match').map((entry) => entry.resource);
    const included = new Set<string>();
    for (const spec of auditSpecs) {
      for (const event of await auditEventsReferencing(this.sql, matches, spec, registry, maxIncludes)) {
        if (included.has(event.id as string)) continue;
        included.add(event.id as string);
        result.entries.push({ resource: event, mode: 'include' });
      }
    }
    return result;
  }

  everything(query: EverythingQuery): Promise<SearchResult> {
    return readEverything(this.sql, query);
  }

  transaction<T>(fn: (store: FhirStore) => Promise<T>): Promise<T> {
    return this.tx(fn);
  }

  private async tx<T>(fn: (store: PgStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.options.db.transaction(async (sql) => {
      const store = new PgStore(this.options, sql, newState(), this.actor);
      const result = await fn(store);
      await store.beforeCommit(store.txState as TransactionState);
      return result;
    });
  }

  /** Runs the listeners' beforeCommit over the changes of `state` (a transaction or a savepoint unit). */
  private async beforeCommit(state: TransactionState): Promise<void> {
    const listeners = this.options.listeners ?? [];
    if (state.changes.length === 0 || !listeners.some((l) => l.beforeCommit)) return;
    // Listener writes join the transaction's change list, so later listeners see them (TCM Tasks → outbox).
    const quiet = new PgStore({ ...this.options, listeners: [] }, this.sql, state, this.actor);
    for (const listener of listeners) await listener.beforeCommit?.(this.sql, state.changes, quiet, this.actor);
  }

  /** What a multi-resource write needs from this store (inside a transaction). */
  private batchContext(): BatchContext {
    const state = this.txState as TransactionState;
    return {
      options: this.options,
      sql: this.sql,
      actor: this.actor,
      rows: (keys) => this.currentMany(keys, true),
      remember: (key, row, compartments) => this.remember(key, row, compartments),
      compartments: (key) => state.compartments.get(key),
      notify: (change) => this.notify(change),
    };
  }

  /** Records a version written in this transaction: its row (locked by the write) and its compartments. */
  private remember(key: string, row: CurrentRow, compartments: readonly string[]): void {
    this.txState?.rows.set(key, row);
    this.txState?.compartments.set(key, compartments);
  }

  async lock(key: string): Promise<void> {
    if (this.inTransaction) await this.sql.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }

  /** Writes a new current version of `resource` (which carries its id); must run inside a transaction. */
  private async put<T extends Resource>(submitted: T, ifMatch: string | undefined, method: WriteMethod, freshId = false): Promise<UpdateResult<T>> {
    const resource = (this.options.prepare ? await this.options.prepare(submitted, this.sql, this.actor) : submitted) as T;
    const id = resource.id as string;
    const type = resource.resourceType;
    if (!this.options.registry.isResourceType(type)) {
      throw new GatewayError('STO-UNKNOWN-TYPE', 'not-found', `Unknown resource type ${type.slice(0, 64)}`);
    }
    const row = freshId ? undefined : await this.current(type, id, true);
    if (method === 'POST' && row && !row.deleted) {
      throw new GatewayError('STO-ID-TAKEN', 'conflict', `${type}/${id} already exists`);
    }
    if (ifMatch !== undefined) {
      if (!row || row.deleted) throw new GatewayError('STO-VERSION-CONFLICT', 'precondition-failed', 'If-Match given for a resource that does not exist');
      checkIfMatch(ifMatch, row.version_id);
    }
    if (row && !row.deleted && jsonEqual(withoutVersionMeta(row.content), withoutVersionMeta(resource))) {
      return { resource: row.content as T, created: false, changed: false };
    }
    const versionId = (row?.version_id ?? 0) + 1;
    const lastUpdated = this.options.clock.now().toISOString();
    const stored = { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } } as T;
    // Validated as stored: the client's own versionId/lastUpdated are replaced, never judged.
    this.options.validate?.(stored);
    const json = JSON.stringify(stored);
    const rid = row ? await this.updateResource(row.rid, type, id, versionId, lastUpdated, method, json) : await this.insertResource(type, id, versionId, lastUpdated, method, json);
    const rows = indexResource(stored, this.options.registry, this.options.baseUrl);
    await addTargetCompartments(this.sql, [{ resource: stored, rows }], this.options.baseUrl, this.knownCompartments);
    await writeIndexRows(this.sql, [{ rid, resourceType: type, rows }], row !== undefined);
    this.remember(`${type}/${id}`, { rid, version_id: versionId, deleted: false, content: stored }, rows.compartments);
    const change: ResourceChange = { method, resourceType: type, id, versionId: String(versionId), current: stored };
    if (row && !row.deleted) change.previous = row.content;
    await this.notify(change);
    return { resource: stored, created: !row || row.deleted, changed: true };
  }

  /** Compartments of resources written earlier in this transaction (pointer targets need no lookup). */
  private readonly knownCompartments = (type: string, id: string): readonly string[] | undefined => this.txState?.compartments.get(`${type}/${id}`);

  /** Inserts the resource row and its first version in one statement; returns the row id. */
  private async insertResource(type: string, id: string, versionId: number, lastUpdated: string, method: WriteMethod, json: string): Promise<number> {
    const rows = await this.sql.query<{ rid: number }>(
      `with r as (
         insert into resource (resource_type, id, version_id, last_updated, content) values ($1, $2, $3, $4, $5::jsonb)
         on conflict (resource_type, id) do nothing returning rid
       ), v as (
         insert into resource_version (rid, resource_type, id, version_id, last_updated, method, content)
         select rid, $1, $2, $3, $4, $6, $5::jsonb from r
       )
       select rid from r`,
      [type, id, versionId, lastUpdated, json, method],
    );
    const rid = rows[0]?.rid;
    // A concurrent transaction created the same id first: the caller retries as an update.
    if (rid === undefined) throw new GatewayError('STO-CONCURRENT-CREATE', 'conflict', 'The resource was created concurrently; retry');
    return rid;
  }

  /** Replaces the resource row's content and adds the version, in one statement. */
  private async updateResource(rid: number, type: string, id: string, versionId: number, lastUpdated: string, method: WriteMethod, json: string): Promise<number> {
    await this.sql.query(
      `with u as (update resource set version_id = $2, last_updated = $3, deleted = false, content = $4::jsonb where rid = $1 returning rid)
       insert into resource_version (rid, resource_type, id, version_id, last_updated, method, content)
       select rid, $5, $6, $2, $3, $7, $4::jsonb from u`,
      [rid, versionId, lastUpdated, json, type, id, method],
    );
    return rid;
  }

  private async current(resourceType: string, id: string, forUpdate: boolean): Promise<CurrentRow | undefined> {
    const key = `${resourceType}/${id}`;
    // Concurrent reads on the pool (requests, not transactions) are served by one statement.
    if (this.sql === this.options.db) return this.options.readCurrent(key);
    const cache = forUpdate ? this.txState?.rows : undefined;
    if (cache?.has(key)) return cache.get(key);
    const rows = await this.sql.query<CurrentRow>(
      `select rid, version_id, deleted, content from resource where resource_type = $1 and id = $2${forUpdate && this.inTransaction ? ' for update' : ''}`,
      [resourceType, id],
    );
    cache?.set(key, rows[0]);
    return rows[0];
  }

  /** Current rows of many `Type/id` keys in one statement (locked, and remembered, when `forUpdate` in a transaction). */
  private currentMany(keys: readonly string[], forUpdate: boolean): Promise<Map<string, CurrentRow | undefined>> {
    return readCurrentRows(this.sql, keys, forUpdate && this.inTransaction, forUpdate ? this.txState?.rows : undefined);
  }

  private async notify(change: ResourceChange): Promise<void> {
    this.txState?.changes.push(change);
    const listeners = this.options.listeners ?? [];
    if (!listeners.some((l) => l.onChange)) return;
    const quiet = new PgStore({ ...this.options, listeners: [] }, this.sql, this.txState, this.actor);
    for (const listener of listeners) await listener.onChange?.(this.sql, change, quiet, this.actor);
  }
}

function checkId(resource: Resource): void {
  if (!resource.id || !ID_PATTERN.test(resource.id)) {
    throw new GatewayError('STO-BAD-ID', 'invalid', 'Resource id must be 1-64 characters of A-Z, a-z, 0-9, - and .');
  }
}

function checkIfMatch(ifMatch: string | undefined, currentVersion: number): void {
  if (ifMatch !== undefined && ifMatch !== String(currentVersion)) {
    throw new GatewayError('STO-VERSION-CONFLICT', 'precondition-failed', `Version ${ifMatch.slice(0, 20)} is not the current version`);
  }
}

function applyPatch(resource: Resource, operations: Operation[]): Resource {
  try {
    const result = fastJsonPatch.applyPatch(structuredClone(resource), operations, true, false);
    return result.newDocument;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const test = name === 'TEST_OPERATION_FAILED' || (error as { name?: string }).name === 'TEST_OPERATION_FAILED';
    throw new GatewayError(test ? 'STO-PATCH-TEST' : 'STO-PATCH-INVALID', test ? 'unprocessable' : 'invalid', test ? 'A JSON Patch test operation failed' : 'The JSON Patch document is invalid', { cause: error });
  }
}

/** The same answer for a missing resource and for one the caller may not see; the id is not echoed. */
export function notFound(resourceType: string, _id?: string, versionId?: string): GatewayError {
  return new GatewayError('STO-NOT-FOUND', 'not-found', `No ${resourceType.slice(0, 64)}${versionId ? ' version' : ''} with this id is known`);
}

function gone(resourceType: string, _id: string): GatewayError {
  return new GatewayError('STO-GONE', 'gone', `This ${resourceType.slice(0, 64)} has been deleted`);
}
