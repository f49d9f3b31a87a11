/**
 * `Patient/$everything`: the patient, every resource in the patient's compartment, and the resources those
 * reference (practitioners, organizations, locations, medications…), in a stable order for paging.
 * https://hl7.org/fhir/R4/patient-operation-everything.html
 */
import type { Resource } from 'fhir/r4.js';
import type { SqlClient } from './db.ts';
import type { SearchResult } from './fhir-store.ts';
import { AUDIT_TYPE, COMPARTMENT_KEY } from './audit-log.ts';
import { SqlParams } from './search/sql-params.ts';

export interface EverythingQuery {
  patientId: string;
  /** Only resources updated at or after this instant. */
  since?: string;
  /** Only these resource types. */
  types?: string[];
  count: number;
  offset: number;
}

export async function readEverything(sql: SqlClient, query: EverythingQuery): Promise<SearchResult> {
  const p = new SqlParams();
  const patient = p.add(query.patientId);
  const since = query.since ? p.add(query.since) : undefined;
  const filters: string[] = ['not r.deleted'];
  if (since) filters.push(`r.last_updated >= ${since}::timestamptz`);
  if (query.types && query.types.length > 0) filters.push(`r.resource_type = any(${p.add(query.types)}::text[])`);
  const filter = filters.join(' and ');
  // The access log (src/store/audit-log.ts) is not part of the record: the patient's AuditEvents come after
  // it, only when _type asks for them, and what they reference (the requesters) is not walked.
  const auditLog = query.types?.includes(AUDIT_TYPE)
    ? `union all select a.content, 3, a.seq from audit_event a
       where a.keys @> ${p.add([`${COMPARTMENT_KEY}=${query.patientId}`])}::text[]${since ? ` and a.last_updated >= ${since}::timestamptz` : ''}`
    : '';
  const rows = await sql.query<{ content: Resource }>(
    // Every step is driven from the patient's compartment rows through per-row index lookups (`offset 0` keeps
    // the planner from turning them into scans of the whole index tables, which grow with every write).
    `with compartment as (
       select c.rid from resource_compartment c where c.patient_id = ${patient}
     ), referenced as (
       -- Shared resources only (practitioners, organizations, locations, medications): anything in some
       -- patient's compartment belongs to that patient's record, not to this one.
       select distinct t.rid from compartment m
       cross join lateral (select ref.target_type, ref.target_id from sp_reference ref where ref.rid = m.rid and ref.target_id is not null offset 0) ref
       cross join lateral (select t.rid from resource t where t.resource_type = ref.target_type and t.id = ref.target_id offset 0) t
       where not exists (select 1 from resource_compartment other where other.rid = t.rid)
     ), members as (
       select rid, 1 as grp from compartment union all select rid, 2 from referenced
     )
     select r.content, case when r.resource_type = 'Patient' and r.id = ${patient} then 0 else m.grp end as grp, r.rid as ord
     from members m
     cross join lateral (select * from resource r where r.rid = m.rid offset 0) r
     where ${filter}
     ${auditLog}
     order by grp, ord
     limit ${p.add(query.count + 1)} offset ${p.add(query.offset)}`,
    p.values,
  );
  const hasMore = rows.length > query.count;
  return {
    entries: rows.slice(0, query.count).map((row) => ({ resource: row.content, mode: 'match' as const })),
    hasMore,
  };
}
