/**
 * Resources whose patient is the patient of what they point at: a Provenance about an Observation belongs to
 * that Observation's patient, and a Binary to the patient of its security context (the raw HL7 message a
 * hospital sent). The Patient compartment definition follows neither, so without this a record of who wrote
 * a withheld resource, or the raw message behind it, would escape the consent that withholds it.
 */
import type { Binary, Provenance, Reference, Resource } from 'fhir/r4.js';
import type { SqlClient } from './db.ts';
import type { IndexRows } from './indexer.ts';
import { parseReference } from './references.ts';

function pointers(resource: Resource): Reference[] {
  if (resource.resourceType === 'Provenance') return (resource as Provenance).target ?? [];
  if (resource.resourceType === 'Binary') return (resource as Binary).securityContext ? [(resource as Binary).securityContext as Reference] : [];
  return [];
}

/**
 * Adds to each entry's compartments the patients of what it points at. `known` answers for resources whose
 * compartments the caller already knows (written earlier in the same transaction), so only the others are
 * looked up.
 */
export async function addTargetCompartments(
  sql: SqlClient,
  entries: { resource: Resource; rows: IndexRows }[],
  baseUrl: string,
  known?: (type: string, id: string) => readonly string[] | undefined,
): Promise<void> {
  const targets: { entry: { rows: IndexRows }; type: string; id: string }[] = [];
  for (const entry of entries) {
    for (const pointer of pointers(entry.resource)) {
      const local = pointer.reference ? parseReference(pointer.reference, baseUrl).local : undefined;
      if (!local) continue;
      const patients = local.type === 'Patient' ? undefined : known?.(local.type, local.id);
      if (local.type === 'Patient') addPatient(entry.rows, local.id);
      else if (patients !== undefined) for (const patient of patients) addPatient(entry.rows, patient);
      else targets.push({ entry, type: local.type, id: local.id });
    }
  }
  if (targets.length === 0) return;
  const rows = await sql.query<{ resource_type: string; id: string; patient_id: string }>(
    `select r.resource_type, r.id, c.patient_id from resource r join resource_compartment c on c.rid = r.rid
     where (r.resource_type, r.id) in (select * from unnest($1::text[], $2::text[]))`,
    [targets.map((t) => t.type), targets.map((t) => t.id)],
  );
  for (const target of targets) {
    for (const row of rows) if (row.resource_type === target.type && row.id === target.id) addPatient(target.entry.rows, row.patient_id);
  }
}

function addPatient(rows: IndexRows, patientId: string): void {
  if (!rows.compartments.includes(patientId)) rows.compartments.push(patientId);
}
