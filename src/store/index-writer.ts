/**
 * Writes search-index rows and compartment membership for one or many resources in a single statement:
 * the rows of previous versions are removed and the new ones inserted, each table filled from arrays with
 * `unnest` (one round trip however many resources). {@link INDEX_COLUMNS} describes each table's columns, so
 * the multi-resource write (batch-write.ts) fills them the same way inside its own statement.
 */
import type { SqlClient } from './db.ts';
import type { IndexRows } from './indexer.ts';
import { SqlParams } from './search/sql-params.ts';

export const INDEX_TABLES = ['sp_token', 'sp_string', 'sp_date', 'sp_reference', 'sp_number', 'sp_quantity', 'sp_uri', 'resource_compartment'];

export interface IndexedResource {
  rid: number;
  resourceType: string;
  /** Undefined to only remove the rows (delete). */
  rows: IndexRows | undefined;
}

/** One column: its values for one resource's rows, and its SQL type. */
export type Column = [values: unknown[], sqlType: string];

/** An index table: its own columns (after `rid` and `resource_type`) and how to fill them. */
export interface IndexTable {
  table: string;
  columns: string[];
  build(rows: IndexRows): Column[];
}

export const INDEX_COLUMNS: readonly IndexTable[] = [
  { table: 'sp_token', columns: ['code', 'system', 'value', 'text_norm'], build: (rows) => [
    [rows.token.map((r) => r.code), 'text'],
    [rows.token.map((r) => r.system), 'text'],
    [rows.token.map((r) => r.value), 'text'],
    [rows.token.map((r) => r.text), 'text'],
  ] },
  { table: 'sp_string', columns: ['code', 'value_norm', 'value_exact'], build: (rows) => [
    [rows.string.map((r) => r.code), 'text'],
    [rows.string.map((r) => r.norm), 'text'],
    [rows.string.map((r) => r.exact), 'text'],
  ] },
  { table: 'sp_date', columns: ['code', 'low', 'high'], build: (rows) => [
    [rows.date.map((r) => r.code), 'text'],
    [rows.date.map((r) => r.low), 'timestamptz'],
    [rows.date.map((r) => r.high), 'timestamptz'],
  ] },
  { table: 'sp_reference', columns: ['code', 'target_type', 'target_id', 'url'], build: (rows) => [
    [rows.reference.map((r) => r.code), 'text'],
    [rows.reference.map((r) => r.targetType), 'text'],
    [rows.reference.map((r) => r.targetId), 'text'],
    [rows.reference.map((r) => r.url), 'text'],
  ] },
  { table: 'sp_number', columns: ['code', 'value'], build: (rows) => [
    [rows.number.map((r) => r.code), 'text'],
    [rows.number.map((r) => r.value), 'numeric'],
  ] },
  { table: 'sp_quantity', columns: ['code', 'value', 'system', 'unit_code', 'unit'], build: (rows) => [
    [rows.quantity.map((r) => r.code), 'text'],
    [rows.quantity.map((r) => r.value), 'numeric'],
    [rows.quantity.map((r) => r.system), 'text'],
    [rows.quantity.map((r) => r.unitCode), 'text'],
    [rows.quantity.map((r) => r.unit), 'text'],
  ] },
  { table: 'sp_uri', columns: ['code', 'value'], build: (rows) => [
    [rows.uri.map((r) => r.code), 'text'],
    [rows.uri.map((r) => r.value), 'text'],
  ] },
  { table: 'resource_compartment', columns: ['patient_id'], build: (rows) => [[rows.compartments, 'text']] },
];

/**
 * The rows of every resource for one table as column arrays, each resource's rows led by `leading(resource)`
 * columns (its rid and type, or its type and id); undefined when no resource has a row there.
 */
export function tableColumns<R extends { rows: IndexRows | undefined }>(spec: IndexTable, resources: readonly R[], leading: (resource: R, count: number) => Column[]): Column[] | undefined {
  const arrays: unknown[][] = [];
  const types: string[] = [];
  for (const resource of resources) {
    if (!resource.rows) continue;
    const built = spec.build(resource.rows);
    const count = built[0]?.[0].length ?? 0;
    if (count === 0) continue;
    [...leading(resource, count), ...built].forEach(([values, type], i) => {
      const column = arrays[i] ?? (arrays[i] = []);
      for (const value of values) column.push(value);
      types[i] = type;
    });
  }
  return arrays.length === 0 ? undefined : arrays.map((values, i) => [values, types[i] as string]);
}

export async function writeIndexRows(sql: SqlClient, resources: readonly IndexedResource[], replace: boolean): Promise<void> {
  const p = new SqlParams();
  const ctes: string[] = [];
  if (replace) {
    const rids = p.add(resources.map((r) => r.rid));
    for (const table of INDEX_TABLES) ctes.push(`d_${table} as (delete from ${table} where rid = any(${rids}::bigint[]))`);
  }
  for (const spec of INDEX_COLUMNS) {
    const columns = tableColumns(spec, resources, (resource, count): Column[] =>
      [[Array(count).fill(resource.rid), 'bigint'], [Array(count).fill(resource.resourceType), 'text']],
    );
    if (!columns) continue;
    const unnest = columns.map(([values, type]) => `${p.add(values as string[])}::${type}[]`).join(', ');
    const leadingColumns = ['rid', 'resource_type'];
    ctes.push(`i_${spec.table} as (insert into ${spec.table} (${[...leadingColumns, ...spec.columns].join(', ')}) select * from unnest(${unnest}))`);
  }
  if (ctes.length === 0) return;
  await sql.query(`with ${ctes.join(',\n')} select 1`, p.values);
}
