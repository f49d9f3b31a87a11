/**
 * The one choke point every outbound read passes through. A gated store wraps the FhirStore a request is
 * served from: each resource about to leave (read, vread, search matches and includes, history,
 * `$everything`, transaction reads) is checked by the disclosure policy; denied ones vanish exactly as if
 * they did not exist (404 on read), and every disclosure is logged for the audit trail.
 * Writes pass through unchanged. Handlers never see the ungated store.
 */
import type { Resource } from 'fhir/r4.js';
import type { Operation } from 'fast-json-patch';
import { GatewayError } from '../shared/errors.ts';
import { notFound } from '../store/pg-store.ts';
import type { EverythingQuery } from '../store/everything.ts';
import type {
  FhirStore,
  HistoryPage,
  HistoryQuery,
  SearchResult,
  UpdateResult,
  WriteActor,
  WriteOptions,
} from '../store/fhir-store.ts';
import type { ParamFilter, SearchQuery } from '../store/search/query.ts';

/**
 * Decides, for a batch of resources about to leave, which may; may return redacted copies. `store` is the
 * store of the current transaction: what the policy reads must go through it (an embedded database has one
 * connection, held by the transaction).
 */
export interface DisclosurePolicy {
  filter(resources: readonly Resource[], store: FhirStore): Promise<(Resource | undefined)[]>;
}

/** What one request disclosed and withheld, for its audit record. */
export interface DisclosureLog {
  disclosed: Resource[];
  withheld: number;
}

export function newDisclosureLog(): DisclosureLog {
  return { disclosed: [], withheld: 0 };
}

export interface GateOptions {
  /** Types holding patient data: counting them is refused, since a count would reveal withheld matches. */
  isPatientData(resourceType: string): boolean;
  /** Checks a write (the resource to be written, or the one to be changed or deleted); throws to refuse. */
  guardWrite?(resource: Resource, store: FhirStore): Promise<void>;
}

/** Policies applied in turn: each decides only what the ones before it let through. */
export function chainPolicies(policies: readonly DisclosurePolicy[]): DisclosurePolicy {
  return {
    async filter(resources, store) {
      let current: (Resource | undefined)[] = [...resources];
      for (const policy of policies) {
        const present = current.filter((r): r is Resource => r !== undefined);
        const decided = await policy.filter(present, store);
        let i = 0;
        current = current.map((r) => (r === undefined ? undefined : decided[i++]));
      }
      return current;
    },
  };
}

export function gateStore(inner: FhirStore, policy: DisclosurePolicy, log: DisclosureLog, options: GateOptions): FhirStore {
  return new GatedStore(inner, policy, log, options);
}

class GatedStore implements FhirStore {
  constructor(
    private readonly inner: FhirStore,
    private readonly policy: DisclosurePolicy,
    private readonly log: DisclosureLog,
    private readonly options: GateOptions,
  ) {}

  get sql() {
    return this.inner.sql;
  }

  get actor(): WriteActor | undefined {
    return this.inner.actor;
  }

  as(actor: WriteActor): FhirStore {
    return new GatedStore(this.inner.as(actor), this.policy, this.log, this.options);
  }

  private async pass(resources: readonly Resource[]): Promise<(Resource | undefined)[]> {
    if (resources.length === 0) return [];
    const allowed = await this.policy.filter(resources, this.inner);
    for (const resource of allowed) {
      if (resource) this.log.disclosed.push(resource);
      else this.log.withheld++;
    }
    return allowed;
  }

  private async passOne(resource: Resource, resourceType: string, id: string): Promise<Resource> {
    const [allowed] = await this.pass([resource]);
    if (!allowed) throw notFound(resourceType, id);
    return allowed;
  }

  async read(resourceType: string, id: string): Promise<Resource> {
    return this.passOne(await this.inner.read(resourceType, id), resourceType, id);
  }

  async find(resourceType: string, id: string): Promise<Resource | undefined> {
    const found = await this.inner.find(resourceType, id);
    return found ? (await this.pass([found]))[0] : undefined;
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<Resource> {
    return this.passOne(await this.inner.vread(resourceType, id, versionId), resourceType, id);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    if ((query.countOnly || query.total === 'accurate') && this.options.isPatientData(query.resourceType)) {
      throw new GatewayError('CNS-COUNT-REFUSED', 'invalid', '_summary=count and _total=accurate are not available for patient data');
    }
    const result = await this.passEntries(await this.inner.search(query));
    return hasIndirectFilters(query) ? this.verifyIndirect(query, result) : result;
  }

  /**
   * A match found through `_has` or a chain is kept only if a resource the caller may see satisfies that
   * filter: otherwise a search could probe withheld data (`Patient?_has:Condition:patient:code=F10`).
   */
  private async verifyIndirect(query: SearchQuery, result: SearchResult): Promise<SearchResult> {
    const entries: SearchResult['entries'] = [];
    for (const entry of result.entries) {
      if (entry.mode !== 'match' || (await this.indirectlyVisible(query, entry.resource))) entries.push(entry);
      else this.log.withheld++;
    }
    return { ...result, entries };
  }

  private async indirectlyVisible(query: SearchQuery, resource: Resource): Promise<boolean> {
    for (const filter of query.filters) {
      const probes = probeQueries(filter, resource);
      if (probes.length === 0) continue;
      let visible = false;
      for (const probe of probes) {
        const found = await this.inner.search(probe);
        const allowed = await this.policy.filter(found.entries.map((e) => e.resource), this.inner);
        if (allowed.some((r) => r !== undefined)) visible = true;
      }
      if (!visible) return false;
    }
    return true;
  }

  async everything(query: EverythingQuery): Promise<SearchResult> {
    return this.passEntries(await this.inner.everything(query));
  }

  async history(query: HistoryQuery): Promise<HistoryPage> {
    const page = await this.inner.history(query);
    const withResources = page.entries.filter((entry) => entry.resource);
    const allowed = await this.pass(withResources.map((entry) => entry.resource as Resource));
    const permitted = new Map(withResources.map((entry, i) => [entry, allowed[i]]));
    const entries = page.entries.flatMap((entry) => {
      if (!entry.resource) return [entry];
      const resource = permitted.get(entry);
      return resource ? [{ ...entry, resource }] : [];
    });
    return { ...page, entries };
  }

  private async passEntries(result: SearchResult): Promise<SearchResult> {
    const allowed = await this.pass(result.entries.map((entry) => entry.resource));
    const entries = result.entries.flatMap((entry, i) => (allowed[i] ? [{ ...entry, resource: allowed[i] as Resource }] : []));
    const filtered: SearchResult = { ...result, entries };
    // A count cannot be filtered after the fact, so a withheld match makes any total unreliable: drop it.
    if (entries.length !== result.entries.length) delete filtered.total;
    return filtered;
  }

  transaction<T>(fn: (store: FhirStore) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(new GatedStore(tx, this.policy, this.log, this.options)));
  }

  savepoint<T>(fn: (store: FhirStore) => Promise<T>): Promise<T> {
    return this.inner.savepoint((unit) => fn(new GatedStore(unit, this.policy, this.log, this.options)));
  }

  private async guard(resource: Resource | undefined): Promise<void> {
    if (resource && this.options.guardWrite) await this.options.guardWrite(resource, this.inner);
  }

  async create<T extends Resource>(resource: T, options?: { id?: string }): Promise<T> {
    await this.guard(resource);
    return this.inner.create(resource, options);
  }

  async createMany<T extends Resource>(resources: T[]): Promise<T[]> {
    for (const resource of resources) await this.guard(resource);
    return this.inner.createMany(resources);
  }

  async update<T extends Resource>(resource: T, options?: WriteOptions): Promise<UpdateResult<T>> {
    await this.guard(resource);
    await this.guard(await this.inner.find(resource.resourceType, resource.id ?? ''));
    return this.inner.update(resource, options);
  }

  async updateMany<T extends Resource>(resources: readonly T[]): Promise<UpdateResult<T>[]> {
    for (const resource of resources) await this.guard(resource);
    const existing = await this.inner.findMany(resources.map((r) => ({ resourceType: r.resourceType, id: r.id ?? '' })));
    for (const resource of existing) await this.guard(resource);
    return this.inner.updateMany(resources);
  }

  async findMany(refs: readonly { resourceType: string; id: string }[], options?: { lock?: boolean }): Promise<(Resource | undefined)[]> {
    const found = await this.inner.findMany(refs, options);
    const present = found.filter((resource): resource is Resource => resource !== undefined);
    const allowed = await this.pass(present);
    const byFound = new Map(present.map((resource, i) => [resource, allowed[i]]));
    return found.map((resource) => (resource ? byFound.get(resource) : undefined));
  }

  async patch(resourceType: string, id: string, operations: Operation[], options?: WriteOptions): Promise<Resource> {
    await this.guard(await this.inner.find(resourceType, id));
    return this.inner.transaction(async (tx) => {
      const patched = await tx.patch(resourceType, id, operations, options);
      if (this.options.guardWrite) await this.options.guardWrite(patched, tx);
      return patched;
    });
  }

  async delete(resourceType: string, id: string, options?: WriteOptions): Promise<void> {
    await this.guard(await this.inner.find(resourceType, id));
    return this.inner.delete(resourceType, id, options);
  }

  lock(key: string): Promise<void> {
    return this.inner.lock(key);
  }
}

function hasIndirectFilters(query: SearchQuery): boolean {
  return query.filters.some((filter) => filter.has !== undefined || filter.chain !== undefined);
}

/** Searches that find what made `resource` match an indirect filter; empty for direct filters. */
function probeQueries(filter: ParamFilter, resource: Resource): SearchQuery[] {
  const base = { sort: [], count: 50, offset: 0, include: [], revinclude: [], total: 'none' as const };
  if (filter.has) {
    const reference: ParamFilter = { code: filter.has.referenceCode, type: 'reference', values: [`${resource.resourceType}/${resource.id}`] };
    return [{ ...base, resourceType: filter.has.sourceType, filters: [filter.has.filter, reference] }];
  }
  if (filter.chain) {
    const chain = filter.chain;
    return chain.targetTypes.map((targetType) => ({
      ...base,
      resourceType: targetType,
      filters: [chain.filter, { code: '_has', type: 'reference' as const, values: [], has: { sourceType: resource.resourceType, referenceCode: filter.code, filter: { code: '_id', type: 'id' as const, values: [resource.id ?? ''] } } }],
    }));
  }
  return [];
}
