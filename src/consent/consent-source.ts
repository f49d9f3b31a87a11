/**
 * What consent enforcement reads: the Consent resources of a set of patients (any status; the decision
 * core picks those in force), and the identifiers of the requesting organization (consent actors may name
 * it by identifier). Read fresh for every request, so a withdrawal applies to the very next page.
 */
import type { Consent, Identifier, Organization } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import type { SqlClient } from '../store/db.ts';

export interface ConsentSource {
  /** Consents by patient id, read through `sql` (the current transaction's); throws 503 when they cannot be read (fail closed). */
  consentsOf(sql: SqlClient, patientIds: readonly string[]): Promise<Map<string, Consent[]>>;
  organizationIdentifiers(sql: SqlClient, organizationId: string): Promise<Identifier[]>;
  /** The patients each stored resource belongs to, as recorded at write time (`Type/id` → patient ids). */
  compartmentsOf(sql: SqlClient, references: readonly { type: string; id: string }[]): Promise<Map<string, string[]>>;
}

export function createConsentSource(clock: Clock, organizationTtlMs = 60_000): ConsentSource {
  const organizations = new Map<string, { identifiers: Identifier[]; readAt: number }>();
  return {
    async consentsOf(sql, patientIds) {
      const result = new Map<string, Consent[]>(patientIds.map((id) => [id, []]));
      if (patientIds.length === 0) return result;
      let rows: { patient_id: string; content: Consent }[];
      try {
        rows = await sql.query<{ patient_id: string; content: Consent }>(
          `select ref.target_id as patient_id, r.content from sp_reference ref join resource r on r.rid = ref.rid
           where ref.resource_type = 'Consent' and ref.code = 'patient' and ref.target_type = 'Patient'
             and ref.target_id = any($1::text[]) and not r.deleted`,
          [[...patientIds]],
        );
      } catch (error) {
        throw new GatewayError('CNS-UNAVAILABLE', 'unavailable', 'Consent cannot be checked; nothing was disclosed', { cause: error });
      }
      for (const row of rows) result.get(row.patient_id)?.push(row.content);
      return result;
    },
    async compartmentsOf(sql, references) {
      const result = new Map<string, string[]>();
      if (references.length === 0) return result;
      let rows: { resource_type: string; id: string; patient_id: string }[];
      try {
        rows = await sql.query<{ resource_type: string; id: string; patient_id: string }>(
          // Per-key index lookups (`offset 0` keeps them from becoming scans of the ever-growing tables).
          `select k.resource_type, k.id, c.patient_id from unnest($1::text[], $2::text[]) as k(resource_type, id)
           cross join lateral (select r.rid from resource r where r.resource_type = k.resource_type and r.id = k.id offset 0) r
           cross join lateral (select c.patient_id from resource_compartment c where c.rid = r.rid offset 0) c`,
          [references.map((r) => r.type), references.map((r) => r.id)],
        );
      } catch (error) {
        throw new GatewayError('CNS-UNAVAILABLE', 'unavailable', 'Consent cannot be checked; nothing was disclosed', { cause: error });
      }
      for (const row of rows) {
        const key = `${row.resource_type}/${row.id}`;
        result.set(key, [...(result.get(key) ?? []), row.patient_id]);
      }
      return result;
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
