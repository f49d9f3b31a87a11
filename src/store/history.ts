/** History at instance, type and system level. https://hl7.org/fhir/R4/http.html#history */
import type { Resource } from 'fhir/r4.js';
import type { SqlClient } from './db.ts';
import type { HistoryEntry, HistoryPage, HistoryQuery, WriteMethod } from './fhir-store.ts';
import { SqlParams } from './search/sql-params.ts';

interface VersionRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date;
  method: WriteMethod;
  content: Resource | null;
}

export async function readHistory(sql: SqlClient, query: HistoryQuery): Promise<HistoryPage> {
  const p = new SqlParams();
  const where: string[] = [];
  if (query.resourceType) where.push(`v.resource_type = ${p.add(query.resourceType)}`);
  if (query.id !== undefined) where.push(`v.id = ${p.add(query.id)}`);
  if (query.since) where.push(`v.last_updated >= ${p.add(query.since)}::timestamptz`);
  if (query.before) where.push(`v.last_updated < ${p.add(query.before)}::timestamptz`);
  const rows = await sql.query<VersionRow>(
    `select v.resource_type, v.id, v.version_id, v.last_updated, v.method, v.content from resource_version v
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by v.seq desc limit ${p.add(query.count + 1)} offset ${p.add(query.offset)}`,
    p.values,
  );
  const entries = rows.slice(0, query.count).map((row): HistoryEntry => {
    const entry: HistoryEntry = {
      resourceType: row.resource_type,
      id: row.id,
      versionId: String(row.version_id),
      lastUpdated: new Date(row.last_updated).toISOString(),
      method: row.method,
    };
    if (row.content) entry.resource = row.content;
    return entry;
  });
  return { entries, hasMore: rows.length > query.count };
}
