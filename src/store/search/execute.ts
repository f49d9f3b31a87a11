/**
 * Runs a {@link SearchQuery}: one SQL statement for the page of matches (plus one look-ahead row to know
 * whether there is a next page), an optional count, then `_include`/`_revinclude` resolution.
 */
import type { Resource } from 'fhir/r4.js';
import type { SqlClient } from '../db.ts';
import type { SearchEntry, SearchResult } from '../fhir-store.ts';
import type { SearchParamRegistry } from '../search-parameters.ts';
import { type ConditionContext, filterCondition } from './conditions.ts';
import type { IncludeSpec, SearchQuery, SortKey } from './query.ts';
import { SqlParams } from './sql-params.ts';

export interface SearchContext {
  sql: SqlClient;
  registry: SearchParamRegistry;
  baseUrl: string;
  now: Date;
  maxIncludes: number;
}

interface ResourceRow {
  rid: number;
  resource_type: string;
  id: string;
  content: Resource;
}

export async function executeSearch(query: SearchQuery, ctx: SearchContext): Promise<SearchResult> {
  const params = new SqlParams();
  let aliasCount = 0;
  const conditionContext: ConditionContext = { params, baseUrl: ctx.baseUrl, now: ctx.now, alias: (prefix) => `${prefix}${++aliasCount}` };
  const where = whereClause(query, conditionContext);
  const total =
    query.total === 'accurate' || query.countOnly
      ? Number((await ctx.sql.query<{ n: number }>(`select count(*)::int as n from resource r where ${where}`, params.values))[0]?.n ?? 0)
      : undefined;
  if (query.countOnly) return { entries: [], hasMore: false, total };

  const order = [...query.sort.map((key) => sortExpression(key, query.resourceType, params)), 'r.rid'].join(', ');
  const limit = params.add(query.count + 1);
  const offset = params.add(query.offset);
  const rows = await ctx.sql.query<ResourceRow>(
    `select r.rid, r.resource_type, r.id, r.content from resource r where ${where} order by ${order} limit ${limit} offset ${offset}`,
    params.values,
  );
  const hasMore = rows.length > query.count;
  const matches = rows.slice(0, query.count);
  const entries: SearchEntry[] = matches.map((row) => ({ resource: row.content, mode: 'match' }));
  const included = await resolveIncludes(matches, query, ctx);
  for (const row of included) entries.push({ resource: row.content, mode: 'include' });
  const result: SearchResult = { entries, hasMore };
  if (total !== undefined) result.total = total;
  return result;
}

function whereClause(query: SearchQuery, ctx: ConditionContext): string {
  const p = ctx.params;
  const parts = [`r.resource_type = ${p.add(query.resourceType)}`, 'not r.deleted'];
  if (query.compartmentPatientId !== undefined) {
    parts.push(`exists (select 1 from resource_compartment rc where rc.rid = r.rid and rc.patient_id = ${p.add(query.compartmentPatientId)})`);
  }
  for (const filter of query.filters) parts.push(filterCondition(filter, 'r', query.resourceType, ctx));
  return parts.join(' and ');
}

const SORT_COLUMNS = {
  string: ['sp_string', 'value_norm', 'value_norm'],
  token: ['sp_token', 'value', 'value'],
  date: ['sp_date', 'low', 'high'],
  number: ['sp_number', 'value', 'value'],
  quantity: ['sp_quantity', 'value', 'value'],
  uri: ['sp_uri', 'value', 'value'],
} as const;

function sortExpression(key: SortKey, resourceType: string, params: SqlParams): string {
  const direction = key.descending ? 'desc' : 'asc';
  if (key.type === 'id') return `r.id ${direction}`;
  if (key.type === 'lastUpdated') return `r.last_updated ${direction}`;
  if (key.type === 'reference') return 'r.rid';
  const [table, ascColumn, descColumn] = SORT_COLUMNS[key.type];
  const aggregate = key.descending ? `max(s.${descColumn})` : `min(s.${ascColumn})`;
  return `(select ${aggregate} from ${table} s where s.rid = r.rid and s.resource_type = ${params.add(resourceType)} and s.code = ${params.add(key.code)}) ${direction} nulls last`;
}

/** Follows `_include` and `_revinclude` from the page; `:iterate` specs repeat on what they found. */
async function resolveIncludes(matches: ResourceRow[], query: SearchQuery, ctx: SearchContext): Promise<ResourceRow[]> {
  if (query.include.length === 0 && query.revinclude.length === 0) return [];
  const seen = new Set(matches.map((row) => row.rid));
  const included: ResourceRow[] = [];
  let frontier = matches;
  for (let depth = 0; depth < 4 && frontier.length > 0 && included.length < ctx.maxIncludes; depth++) {
    const found: ResourceRow[] = [];
    const active = (spec: IncludeSpec) => depth === 0 || spec.iterate;
    for (const spec of query.include.filter(active)) found.push(...(await includeTargets(frontier, spec, ctx)));
    for (const spec of query.revinclude.filter(active)) found.push(...(await revincludeSources(frontier, spec, ctx)));
    frontier = [];
    for (const row of found) {
      if (seen.has(row.rid) || included.length >= ctx.maxIncludes) continue;
      seen.add(row.rid);
      included.push(row);
      frontier.push(row);
    }
  }
  return included;
}

async function includeTargets(from: ResourceRow[], spec: IncludeSpec, ctx: SearchContext): Promise<ResourceRow[]> {
  const rids = from.filter((row) => row.resource_type === spec.sourceType).map((row) => row.rid);
  if (rids.length === 0) return [];
  const params = new SqlParams();
  const conditions = [`ref.rid = any(${params.add(rids)}::bigint[])`, `ref.resource_type = ${params.add(spec.sourceType)}`, 'ref.target_id is not null'];
  if (spec.code !== '*') conditions.push(`ref.code = ${params.add(spec.code)}`);
  if (spec.targetType) conditions.push(`ref.target_type = ${params.add(spec.targetType)}`);
  return ctx.sql.query<ResourceRow>(
    `select r.rid, r.resource_type, r.id, r.content from resource r
     where not r.deleted and (r.resource_type, r.id) in (select ref.target_type, ref.target_id from sp_reference ref where ${conditions.join(' and ')})
     limit ${params.add(ctx.maxIncludes)}`,
    params.values,
  );
}

async function revincludeSources(from: ResourceRow[], spec: IncludeSpec, ctx: SearchContext): Promise<ResourceRow[]> {
  const targets = spec.targetType ? from.filter((row) => row.resource_type === spec.targetType) : from;
  if (targets.length === 0) return [];
  const params = new SqlParams();
  const types = params.add(targets.map((row) => row.resource_type));
  const ids = params.add(targets.map((row) => row.id));
  const codeCondition = spec.code === '*' ? '' : `and ref.code = ${params.add(spec.code)}`;
  const sourceCondition = spec.sourceType === '*' ? '' : `and ref.resource_type = ${params.add(spec.sourceType)}`;
  return ctx.sql.query<ResourceRow>(
    `select r.rid, r.resource_type, r.id, r.content from resource r
     where not r.deleted and r.rid in (
       select ref.rid from sp_reference ref join unnest(${types}::text[], ${ids}::text[]) as t(type, id)
         on ref.target_type = t.type and ref.target_id = t.id
       where true ${sourceCondition} ${codeCondition})
     limit ${params.add(ctx.maxIncludes)}`,
    params.values,
  );
}
