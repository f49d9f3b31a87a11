/**
 * Writes new versions of many resources in ONE statement: each resource row updated (existing rid) or
 * inserted, a version row for each in input order (history is ordered by insertion), the index and
 * compartment rows of previous versions removed and the new ones inserted, all joined on (type, id) so new
 * rows get their rids inside the statement. What `put` does resource by resource, in one round trip.
 */
import { GatewayError } from '../shared/errors.ts';
import type { SqlClient } from './db.ts';
import type { WriteMethod } from './fhir-store.ts';
import { type Column, INDEX_COLUMNS, INDEX_TABLES, tableColumns } from './index-writer.ts';
import type { IndexRows } from './indexer.ts';
import { SqlParams } from './search/sql-params.ts';

/** One resource version to write. */
export interface VersionWrite {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: WriteMethod;
  /** The stored JSON. */
  json: string;
  rows: IndexRows;
  /** The row to update; undefined to insert a new one. */
  rid: number | undefined;
}

/**
 * Writes `writes` (distinct resources) and returns the rid of each, in order. A new id another transaction
 * created first fails the statement (`insert`: STO-DUPLICATE, as a plain insert) or is detected after it
 * (`upsert`: STO-CONCURRENT-CREATE, which tells the caller to retry as an update); both are conflicts.
 */
export async function writeVersions(sql: SqlClient, writes: readonly VersionWrite[], mode: 'insert' | 'upsert' = 'upsert'): Promise<number[]> {
  if (writes.length === 0) return [];
  const p = new SqlParams();
  const input = [
    `${p.add(writes.map((w) => w.resourceType))}::text[]`,
    `${p.add(writes.map((w) => w.id))}::text[]`,
    `${p.add(writes.map((w) => w.versionId))}::int[]`,
    `${p.add(writes.map((w) => w.lastUpdated))}::timestamptz[]`,
    `${p.add(writes.map((w) => w.method))}::text[]`,
    `${p.add(writes.map((w) => w.json))}::jsonb[]`,
    `${p.add(writes.map((w) => w.rid ?? null))}::bigint[]`,
  ].join(', ');
  const ctes = [
    `input as (select * from unnest(${input}) with ordinality as t(resource_type, id, version_id, last_updated, method, content, rid, ord))`,
    `upd as (update resource r set version_id = i.version_id, last_updated = i.last_updated, deleted = false, content = i.content
       from input i where i.rid is not null and r.rid = i.rid returning r.rid, r.resource_type, r.id)`,
    `ins as (insert into resource (resource_type, id, version_id, last_updated, content)
       select resource_type, id, version_id, last_updated, content from input where rid is null order by ord
       ${mode === 'upsert' ? 'on conflict (resource_type, id) do nothing ' : ''}returning rid, resource_type, id)`,
    'written as (select * from upd union all select * from ins)',
    `ver as (insert into resource_version (rid, resource_type, id, version_id, last_updated, method, content)
       select w.rid, i.resource_type, i.id, i.version_id, i.last_updated, i.method, i.content from input i join written w using (resource_type, id) order by i.ord)`,
  ];
  const replaced = writes.flatMap((w) => (w.rid === undefined ? [] : [w.rid]));
  if (replaced.length > 0) {
    const rids = p.add(replaced);
    for (const table of INDEX_TABLES) ctes.push(`d_${table} as (delete from ${table} where rid = any(${rids}::bigint[]))`);
  }
  for (const spec of INDEX_COLUMNS) {
    const columns = tableColumns(spec, writes, (w, count): Column[] => [[Array(count).fill(w.resourceType), 'text'], [Array(count).fill(w.id), 'text']]);
    if (!columns) continue;
    const names = ['resource_type', 'id', ...spec.columns];
    const unnest = columns.map(([values, type]) => `${p.add(values as string[])}::${type}[]`).join(', ');
    const selected = spec.columns.map((c) => `x.${c}`).join(', ');
    ctes.push(
      `i_${spec.table} as (insert into ${spec.table} (rid, resource_type, ${spec.columns.join(', ')})
         select w.rid, x.resource_type, ${selected} from unnest(${unnest}) as x(${names.join(', ')}) join written w using (resource_type, id))`,
    );
  }
  const rows = await sql.query<{ rid: number; resource_type: string; id: string }>(`with ${ctes.join(',\n')} select rid, resource_type, id from written`, p.values);
  const rids = new Map(rows.map((row) => [`${row.resource_type}/${row.id}`, Number(row.rid)]));
  return writes.map((w) => {
    const rid = rids.get(`${w.resourceType}/${w.id}`);
    // A concurrent transaction created the same id first: the caller retries as an update.
    if (rid === undefined) throw new GatewayError('STO-CONCURRENT-CREATE', 'conflict', 'The resource was created concurrently; retry');
    return rid;
  });
}
