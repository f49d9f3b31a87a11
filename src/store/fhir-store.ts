/**
 * The storage boundary of the gateway. One implementation (`pg-store.ts`) runs on PostgreSQL and on embedded
 * PGlite. The REST API, ingest pipeline and every later stage talk to this interface only.
 * Interactions follow https://hl7.org/fhir/R4/http.html.
 */
import type { Reference, Resource } from 'fhir/r4.js';
import type { Operation } from 'fast-json-patch';
import type { SqlClient } from './db.ts';
import type { EverythingQuery } from './everything.ts';
import type { SearchQuery } from './search/query.ts';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface WriteOptions {
  /** Version the caller last saw (`If-Match`); a mismatch fails with 412. */
  ifMatch?: string;
}

export interface UpdateResult<T extends Resource = Resource> {
  resource: T;
  created: boolean;
  /** False when the submitted content equalled the current version, so no new version was written. */
  changed: boolean;
}

export interface HistoryEntry {
  resourceType: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  method: WriteMethod;
  /** Absent for a delete. */
  resource?: Resource;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: string;
  /** Only versions written before this instant (stable paging across new writes). */
  before?: string;
  count: number;
  offset: number;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  hasMore: boolean;
  total?: number;
}

export interface SearchEntry {
  resource: Resource;
  mode: 'match' | 'include';
}

export interface SearchResult {
  entries: SearchEntry[];
  hasMore: boolean;
  total?: number;
}

/** What a write changed; handed to write listeners inside the writing transaction. */
export interface ResourceChange {
  method: WriteMethod;
  resourceType: string;
  id: string;
  versionId: string;
  previous?: Resource;
  current?: Resource;
}

/** Who is writing: recorded in Provenance and the audit trail. */
export interface WriteActor {
  /** `rest` for the FHIR API, `hl7v2`, `ccda`, `extract` for ingest, `system` for the gateway itself. */
  channel: 'rest' | 'hl7v2' | 'ccda' | 'extract' | 'system';
  clientId?: string;
  organizationId?: string;
  purposeOfUse?: string;
  requestId?: string;
  /** The FHIR interaction or ingest event, e.g. `create`, `transaction`, `ADT^A03`. */
  activity: string;
  /** Network address of the caller, for the audit trail. */
  address?: string;
  /** What the data came from (the stored raw message), recorded as the Provenance source entity. */
  sourceEntity?: Reference;
  /** The kind of organization the data comes from; social-care sources label what they write. */
  sourceKind?: 'hospital' | 'gp-practice' | 'social-care' | 'aco' | 'care-team';
}

/**
 * Hooks called inside the writing transaction (the outbox, provenance and audit hang off these), so a change
 * is never committed without what the listener writes, and vice versa. `onChange` runs after each write;
 * `beforeCommit` once per transaction with all its changes, in listener order. The store they get writes
 * without calling listeners again, but its writes join the change list that later listeners see.
 */
export interface WriteListener {
  onChange?(tx: SqlClient, change: ResourceChange, store: FhirStore, actor: WriteActor | undefined): Promise<void>;
  beforeCommit?(tx: SqlClient, changes: readonly ResourceChange[], store: FhirStore, actor: WriteActor | undefined): Promise<void>;
}

export interface FhirStore {
  /** Creates under a new server id, or under `options.id` when the caller assigned one (transactions). */
  create<T extends Resource>(resource: T, options?: { id?: string }): Promise<T>;
  /** Creates many new resources in three statements (audit trails, bulk loads); ids are assigned when absent. */
  createMany<T extends Resource>(resources: T[]): Promise<T[]>;
  read(resourceType: string, id: string): Promise<Resource>;
  /** Like read, but undefined instead of throwing for missing or deleted resources. */
  find(resourceType: string, id: string): Promise<Resource | undefined>;
  vread(resourceType: string, id: string, versionId: string): Promise<Resource>;
  /** Update, or create with the client's id when it does not exist (update-as-create). */
  update<T extends Resource>(resource: T, options?: WriteOptions): Promise<UpdateResult<T>>;
  /**
   * `update` of each resource in order, with the same results, versions, history, index rows, labels,
   * validation and listener calls, written with multi-row statements (in one transaction).
   */
  updateMany<T extends Resource>(resources: readonly T[]): Promise<UpdateResult<T>[]>;
  /**
   * Many `find`s in one statement, in order. With `lock` inside a transaction the rows are locked for update
   * until it ends (as an update would lock them), so the values read are the ones a later write replaces.
   */
  findMany(refs: readonly { resourceType: string; id: string }[], options?: { lock?: boolean }): Promise<(Resource | undefined)[]>;
  patch(resourceType: string, id: string, operations: Operation[], options?: WriteOptions): Promise<Resource>;
  /** Soft delete; deleting a missing or deleted resource is not an error. */
  delete(resourceType: string, id: string, options?: WriteOptions): Promise<void>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** The patient's compartment and what it references, paged (`Patient/$everything`). */
  everything(query: EverythingQuery): Promise<SearchResult>;
  /** Runs `fn` atomically; the store handed to `fn` sees and writes inside the same transaction. */
  transaction<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as a unit of its own inside the current transaction (an SQL savepoint): when it resolves, the
   * write listeners' `beforeCommit` runs over the unit's changes alone (as at the commit of a transaction of
   * its own); when it throws, the unit's writes are undone and the transaction goes on. Nothing is durable
   * before the enclosing transaction commits. Outside a transaction it is {@link transaction}.
   */
  savepoint<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /** Serialises concurrent work on the same key until the surrounding transaction ends (no-op outside one). */
  lock(key: string): Promise<void>;
  /** The same store, recording `actor` as the author of its writes. */
  as(actor: WriteActor): FhirStore;
  readonly actor: WriteActor | undefined;
  /** The SQL client of the current transaction (or the pool), for stages that keep their own tables. */
  readonly sql: SqlClient;
}
