/**
 * AuditEvent search over the audit log's key sets (src/store/audit-log.ts): token, reference, uri and string
 * parameters become key lookups in the GIN index, `date` compares `recorded`. What a key set cannot answer
 * (chains, `_has`, `:text`, `:above`/`:below`, `_revinclude` from audit events, sorts other than date,
 * `_id` and `_lastUpdated`) is refused with a 400 rather than answered wrongly.
 * https://hl7.org/fhir/R4/auditevent.html#search
 */
import type { Resource } from 'fhir/r4.js';
import { GatewayError } from '../../shared/errors.ts';
import { AUDIT_TYPE, COMPARTMENT_KEY } from '../audit-log.ts';
import type { SqlClient } from '../db.ts';
import { normalizeString } from '../normalize.ts';
import type { SearchEntry, SearchResult } from '../fhir-store.ts';
import type { SearchParamRegistry } from '../search-parameters.ts';
import { type ConditionContext, idCondition, instantCondition } from './conditions.ts';
import type { IncludeSpec, ParamFilter, SearchQuery, SortKey } from './query.ts';
import { SqlParams, escapeLike } from './sql-params.ts';
import { parseMissing, parseReferenceValue, splitToken, unescape } from './values.ts';

export interface AuditSearchContext {
  sql: SqlClient;
  registry: SearchParamRegistry;
  baseUrl: string;
  now: Date;
  maxIncludes: number;
  /** Reads what `_include` names from the resource store. */
  readMany(refs: readonly { resourceType: string; id: string }[]): Promise<(Resource | undefined)[]>;
}

export async function searchAuditLog(query: SearchQuery, ctx: AuditSearchContext): Promise<SearchResult> {
  if (query.revinclude.length > 0) throw unsupported('_revinclude');
  const params = new SqlParams();
  const where = auditWhere(query, { params, baseUrl: ctx.baseUrl, now: ctx.now, alias: (prefix) => prefix });
  const total =
    query.total === 'accurate' || query.countOnly
      ? Number((await ctx.sql.query<{ n: number }>(`select count(*)::int as n from audit_event a where ${where}`, params.values))[0]?.n ?? 0)
      : undefined;
  if (query.countOnly) return { entries: [], hasMore: false, total };
  const rows = await ctx.sql.query<{ keys: string[]; content: Resource }>(
    `select a.keys, a.content from audit_event a where ${where}
     order by ${orderBy(query.sort)} limit ${params.add(query.count + 1)} offset ${params.add(query.offset)}`,
    params.values,
  );
  const matches = rows.slice(0, query.count);
  const entries: SearchEntry[] = matches.map((row) => ({ resource: row.content, mode: 'match' }));
  for (const resource of await includedTargets(matches.map((row) => row.keys), query.include, ctx)) entries.push({ resource, mode: 'include' });
  const result: SearchResult = { entries, hasMore: rows.length > query.count };
  if (total !== undefined) result.total = total;
  return result;
}

/**
 * AuditEvents that reference any of `targets` through `spec` (`_revinclude=AuditEvent:entity` on a search
 * of other types), at most `limit`.
 */
export async function auditEventsReferencing(sql: SqlClient, targets: readonly Resource[], spec: IncludeSpec, registry: SearchParamRegistry, limit: number): Promise<Resource[]> {
  const codes = spec.code === '*' ? referenceCodes(registry) : [spec.code];
  const keys = targets.filter((t) => !spec.targetType || t.resourceType === spec.targetType).flatMap((t) => codes.map((code) => `${code}=${t.resourceType}/${t.id}`));
  if (keys.length === 0) return [];
  const rows = await sql.query<{ content: Resource }>('select content from audit_event where keys && $1::text[] order by seq limit $2', [keys, limit]);
  return rows.map((row) => row.content);
}

function auditWhere(query: SearchQuery, ctx: ConditionContext): string {
  const p = ctx.params;
  const parts = ['true'];
  if (query.compartmentPatientId !== undefined) parts.push(`a.keys @> ${p.add([`${COMPARTMENT_KEY}=${query.compartmentPatientId}`])}::text[]`);
  for (const filter of query.filters) parts.push(filterCondition(filter, ctx));
  return parts.join(' and ');
}

function filterCondition(filter: ParamFilter, ctx: ConditionContext): string {
  const p = ctx.params;
  if (filter.chain || filter.has) throw unsupported('chained and _has parameters');
  if (filter.type === 'id') return idCondition(filter, 'a.id', ctx);
  if (filter.type === 'lastUpdated') return instantCondition(filter, 'a.last_updated', ctx);
  if (filter.code === 'date') return instantCondition(filter, 'a.recorded', ctx);
  if (filter.modifier === 'missing') {
    const missing = parseMissing(filter.code, filter.values[0] ?? '');
    const marker = filter.type === 'string' ? '~' : '=';
    return `${missing ? 'not ' : ''}exists (select 1 from unnest(a.keys) k where k like ${p.add(`${escapeLike(filter.code)}${marker}%`)})`;
  }
  switch (filter.type) {
    case 'token': {
      if (filter.modifier !== undefined && filter.modifier !== 'not') throw unsupported(`:${filter.modifier}`);
      const matches = `a.keys && ${p.add(filter.values.map((value) => tokenKey(filter.code, value)))}::text[]`;
      return filter.modifier === 'not' ? `not (${matches})` : matches;
    }
    case 'reference': {
      const keys = filter.values.flatMap((value) => referenceKey(filter, unescape(value), ctx.baseUrl));
      return keys.length === 0 ? 'false' : `a.keys && ${p.add(keys)}::text[]`;
    }
    case 'uri':
      if (filter.modifier !== undefined) throw unsupported(`:${filter.modifier}`);
      return `a.keys && ${p.add(filter.values.map((value) => `${filter.code}=${unescape(value)}`))}::text[]`;
    case 'string': {
      if (filter.modifier === 'exact') return `a.keys && ${p.add(filter.values.map((value) => `${filter.code}==${unescape(value)}`))}::text[]`;
      const contains = filter.modifier === 'contains';
      const patterns = filter.values.map((value) => `${escapeLike(filter.code)}~${contains ? '%' : ''}${escapeLike(normalizeString(unescape(value)))}%`);
      return `exists (select 1 from unnest(a.keys) k where k like any(${p.add(patterns)}::text[]))`;
    }
    default:
      throw unsupported(`${filter.type} parameters`);
  }
}

function tokenKey(code: string, value: string): string {
  const { system, code: token } = splitToken(value);
  if (system === undefined) return `${code}=${token}`;
  if (token === '') return `${code}=${system}|`;
  return `${code}=${system}|${token}`;
}

function referenceKey(filter: ParamFilter, value: string, baseUrl: string): string[] {
  const type = filter.modifier;
  if (type !== undefined && !/^[A-Z][A-Za-z]+$/.test(type)) throw unsupported(`:${type}`);
  const reference = parseReferenceValue(filter.code, value, type, baseUrl);
  if (!reference) return [];
  if ('url' in reference) return [`${filter.code}=${reference.url}`];
  return [reference.type ? `${filter.code}=${reference.type}/${reference.id}` : `${filter.code}=${reference.id}`];
}

function orderBy(sort: readonly SortKey[]): string {
  const columns = sort.map((key) => {
    const direction = key.descending ? 'desc' : 'asc';
    if (key.type === 'id') return `a.id ${direction}`;
    if (key.type === 'lastUpdated') return `a.last_updated ${direction}`;
    if (key.code === 'date') return `a.recorded ${direction}`;
    throw unsupported(`_sort=${key.code}`);
  });
  return [...columns, `a.seq ${sort[0]?.descending ? 'desc' : 'asc'}`].join(', ');
}

/** `_include` from the page's events: the resources their reference keys name, read from the resource store. */
async function includedTargets(pageKeys: readonly string[][], include: readonly IncludeSpec[], ctx: AuditSearchContext): Promise<Resource[]> {
  if (include.length === 0) return [];
  const references = new Map<string, { resourceType: string; id: string }>();
  for (const spec of include) {
    const codes = new Set(spec.code === '*' ? referenceCodes(ctx.registry) : [spec.code]);
    for (const key of pageKeys.flat()) {
      const [, code = '', type = '', id = ''] = /^([a-z][\w-]*)=([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(key) ?? [];
      if (!codes.has(code) || (spec.targetType && spec.targetType !== type) || type === AUDIT_TYPE) continue;
      references.set(`${type}/${id}`, { resourceType: type, id });
    }
  }
  const found = await ctx.readMany([...references.values()].slice(0, ctx.maxIncludes));
  return found.filter((resource): resource is Resource => resource !== undefined);
}

function referenceCodes(registry: SearchParamRegistry): string[] {
  return [...registry.forType(AUDIT_TYPE).values()].filter((def) => def.type === 'reference').map((def) => def.code);
}

function unsupported(what: string): GatewayError {
  return new GatewayError('API-AUDIT-SEARCH', 'not-supported', `AuditEvent search does not support ${what}`);
}
