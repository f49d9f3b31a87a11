/**
 * What consent enforcement reads: the Consent resources of a set of patients (any status; the decision
 * core picks those in force), and the identifiers of the requesting organization (consent actors may name
 * it by identifier). Read fresh for every request, so a withdrawal applies to the very next page.
 */
import type { Consent, Identifier, Organization } from 'fhir/r4.js';
import { createKeyedBatcher } from '../shared/batcher.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import type { SqlClient } from '../store/db.ts';

/** What the resources about to be disclosed need decided: whose record each is in, and those patients' consents. */
export interface ConsentFacts {
  /** The patients each stored resource belongs to, as recorded at write time (`Type/id` → patient ids). */
  compartments: Map<string, string[]>;
  /** Consents (any status) by patient id, for the patients asked for and every patient found in `compartments`. */
  consents: Map<string, Consent[]>;
}

export interface ConsentSource {
  /**
   * Reads the consent facts of `references` and of `patientIds` in one statement, through `sql` (the current
   * transaction's); throws 503 when they cannot be read (fail closed).
   */
  read(sql: SqlClient, references: readonly { type: string; id: string }[], patientIds: readonly string[]): Promise<ConsentFacts>;
  organizationIdentifiers(sql: SqlClient, organizationId: string): Promise<Identifier[]>;
}

export function createConsentSource(clock: Clock, organizationTtlMs = 60_000): ConsentSource {
  const organizations = new Map<string, { identifiers: Identifier[]; readAt: number }>();
  return {
    async read(sql, references, patientIds) {
      const facts: ConsentFacts = { compartments: new Map(), consents: new Map(patientIds.map((id) => [id, []])) };
      if (references.length === 0 && patientIds.length === 0) return facts;
      let rows: { resource: string | null; patient_id: string; content: Consent | null }[];
      try {
        rows = await sql.query(
          // Per-key index lookups (`offset 0` keeps them from becoming scans of the ever-growing tables).
          `with stored as (
             select k.resource_type || '/' || k.id as resource, c.patient_id from unnest($1::text[], $2::text[]) as k(resource_type, id)
             cross join lateral (select r.rid from resource r where r.resource_type = k.resource_type and r.id = k.id offset 0) r
             cross join lateral (select c.patient_id from resource_compartment c where c.rid = r.rid offset 0) c
           ), patients as (
             select unnest($3::text[]) as patient_id union select patient_id from stored
           )
           select resource, patient_id, null::jsonb as content from stored
           union all
           select null, ref.target_id, r.content from patients p
           cross join lateral (
             select ref.rid, ref.target_id from sp_reference ref
             where ref.resource_type = 'Consent' and ref.code = 'patient' and ref.target_type = 'Patient' and ref.target_id = p.patient_id offset 0
           ) ref
           join resource r on r.rid = ref.rid and not r.deleted`,
          [references.map((r) => r.type), references.map((r) => r.id), [...patientIds]],
        );
      } catch (error) {
        throw new GatewayError('CNS-UNAVAILABLE', 'unavailable', 'Consent cannot be checked; nothing was disclosed', { cause: error });
      }
      for (const row of rows) {
        if (row.resource !== null) {
          facts.compartments.set(row.resource, [...(facts.compartments.get(row.resource) ?? []), row.patient_id]);
          if (!facts.consents.has(row.patient_id)) facts.consents.set(row.patient_id, []);
        }
      }
      for (const row of rows) if (row.content) facts.consents.get(row.patient_id)?.push(row.content);
      return facts;
    },
    async organizationIdentifiers(sql, organizationId) {
      const now = clock.now().getTime();
      const cached = organizations.get(organizationId);
      if (cached && now - cached.readAt < organizationTtlMs) return cached.identifiers;
      const rows = await sql.query<{ content: Organization }>(`select content from resource where resource_type = 'Organization' and id = $1 and not deleted`, [organizationId]);
      const identifiers = rows[0]?.content.identifier ?? [];
      organizations.set(organizationId, { identifiers, readAt: now });
      return identifiers;
    },
  };
}

/**
 * `source` with the reads that run at the same time through the same SQL client (concurrent requests and
 * notification batches on the pool) served by one statement: each caller gets the facts of everything the
 * batch asked for, a superset of its own, read after its call was made.
 */
export function batchedConsentSource(source: ConsentSource, maxBatch = 64): ConsentSource {
  type Ask = { references: readonly { type: string; id: string }[]; patientIds: readonly string[] };
  const read = createKeyedBatcher(async (sql: SqlClient, asks: readonly Ask[]) => {
    if (asks.length === 1) return [await source.read(sql, asks[0]?.references ?? [], asks[0]?.patientIds ?? [])];
    const references = new Map(asks.flatMap((ask) => ask.references.map((r) => [`${r.type}/${r.id}`, r] as const)));
    const facts = await source.read(sql, [...references.values()], [...new Set(asks.flatMap((ask) => ask.patientIds))]);
    return asks.map(() => facts);
  }, { maxBatch });
  return {
    read: (sql, references, patientIds) => read(sql, { references, patientIds }),
    organizationIdentifiers: (sql, organizationId) => source.organizationIdentifiers(sql, organizationId),
  };
}
