/**
 * Where AuditEvents live. The audit trail is append-only and grows with every access, so it is kept apart
 * from the versioned resource store: one row per event (no versions, no index rows), written for a whole
 * batch in one statement. Each row carries its search keys — the values of the official R4 AuditEvent
 * search parameters, found by the same indexer as every resource, as `code=value` strings — behind a single
 * GIN index, which is what AuditEvent search, `$access-log` and `_revinclude=AuditEvent:…` read.
 *
 * Key forms (the migration that moved existing events builds the same ones in SQL):
 * token `code=value`, `code=system|value`, `code=|value` (no system), `code=system|`; reference
 * `code=Type/id` and `code=id`, or `code=url` when external; uri `code=value`; string `code~normalized` and
 * `code==exact`; compartment membership `_compartment=patientId`. Dates: the `recorded` column.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Resource } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { SqlClient } from './db.ts';
import type { HistoryPage, HistoryQuery } from './fhir-store.ts';
import { type IndexRows, indexResource } from './indexer.ts';
import type { SearchParamRegistry } from './search-parameters.ts';
import { SqlParams } from './search/sql-params.ts';

export const AUDIT_TYPE = 'AuditEvent';

export interface AuditLogOptions {
  registry: SearchParamRegistry;
  baseUrl: string;
}

export const COMPARTMENT_KEY = '_compartment';

/** The search keys of one event's index rows. */
export function auditKeys(rows: IndexRows): string[] {
  const keys = new Set<string>();
  for (const { code, system, value } of rows.token) {
    if (value !== null) {
      keys.add(`${code}=${value}`);
      keys.add(`${code}=${system ?? ''}|${value}`);
    }
    if (system !== null) keys.add(`${code}=${system}|`);
  }
  for (const { code, targetType, targetId, url } of rows.reference) {
    if (targetId !== null) {
      if (targetType !== null) keys.add(`${code}=${targetType}/${targetId}`);
      keys.add(`${code}=${targetId}`);
    } else if (url !== null) keys.add(`${code}=${url}`);
  }
  for (const { code, value } of rows.uri) keys.add(`${code}=${value}`);
  for (const { code, norm, exact } of rows.string) {
    keys.add(`${code}~${norm}`);
    keys.add(`${code}==${exact}`);
  }
  for (const patientId of rows.compartments) keys.add(`${COMPARTMENT_KEY}=${patientId}`);
  return [...keys];
}

/**
 * Appends events (ids assigned when absent; `meta.versionId` 1 and `meta.lastUpdated` set) in one statement,
 * which is atomic on its own. An id that is already taken is refused: audit records are never replaced.
 * Events are not schema-validated here: only the gateway writes them (the API refuses client AuditEvents),
 * from src/audit/balp.ts, and the suites that exercise each kind check every event they leave behind.
 */
export async function appendAuditEvents<T extends Resource>(sql: SqlClient, events: readonly T[], lastUpdated: string, options: AuditLogOptions): Promise<T[]> {
  const stored = events.map((event) => ({ ...event, id: event.id ?? randomUUID(), meta: { ...event.meta, versionId: '1', lastUpdated } }) as T);
  const rows = stored.map((resource) => ({
    id: resource.id,
    recorded: recordedOf(resource) ?? lastUpdated,
    last_updated: lastUpdated,
    keys: auditKeys(indexResource(resource, options.registry, options.baseUrl)),
    content: resource,
  }));
  try {
    await sql.query(
      `insert into audit_event (id, recorded, last_updated, keys, content)
       select x.id, x.recorded, x.last_updated, array(select jsonb_array_elements_text(x.keys)), x.content
       from jsonb_to_recordset($1::jsonb) as x(id text, recorded timestamptz, last_updated timestamptz, keys jsonb, content jsonb)`,
      [JSON.stringify(rows)],
    );
  } catch (error) {
    // The whole statement fails on a taken id, so nothing of the batch is written.
    if (error instanceof GatewayError && error.code === 'STO-DUPLICATE') throw appendOnly();
    throw error;
  }
  return stored;
}

function recordedOf(resource: Resource): string | undefined {
  const recorded = (resource as AuditEvent).recorded;
  return typeof recorded === 'string' && !Number.isNaN(Date.parse(recorded)) ? recorded : undefined;
}

/** Events by id, in the order asked; undefined where none exists. */
export async function readAuditEvents(sql: SqlClient, ids: readonly string[]): Promise<(Resource | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string; content: Resource }>('select id, content from audit_event where id = any($1::text[])', [[...ids]]);
  const byId = new Map(rows.map((row) => [row.id, row.content]));
  return ids.map((id) => byId.get(id));
}

/** Type- and instance-level history: each event has its one version, newest first. */
export async function auditHistory(sql: SqlClient, query: HistoryQuery): Promise<HistoryPage> {
  const p = new SqlParams();
  const where = ['true'];
  if (query.id !== undefined) where.push(`id = ${p.add(query.id)}`);
  if (query.since) where.push(`last_updated >= ${p.add(query.since)}::timestamptz`);
  if (query.before) where.push(`last_updated < ${p.add(query.before)}::timestamptz`);
  const rows = await sql.query<{ id: string; last_updated: Date; content: Resource }>(
    `select id, last_updated, content from audit_event where ${where.join(' and ')}
     order by seq desc limit ${p.add(query.count + 1)} offset ${p.add(query.offset)}`,
    p.values,
  );
  return {
    entries: rows.slice(0, query.count).map((row) => ({
      resourceType: AUDIT_TYPE, id: row.id, versionId: '1', lastUpdated: new Date(row.last_updated).toISOString(), method: 'POST' as const, resource: row.content,
    })),
    hasMore: rows.length > query.count,
  };
}

export function appendOnly(): GatewayError {
  return new GatewayError('STO-AUDIT-APPEND-ONLY', 'forbidden', 'AuditEvents are append-only: an audit record is never changed or deleted');
}
