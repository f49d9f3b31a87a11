/**
 * Patient identity at ingest, behind an interface so probabilistic matching can replace it: a message's
 * patient is the existing Patient with the same facility identifier (system and value), else the one with
 * the same verified national identifier (NHS number, MBI) — never an unverified one, and never across
 * facilities by a local identifier alone (RELIABILITY.md case 32) — else a new Patient.
 */
import type { Identifier, Patient } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';

export type MatchResult =
  | { kind: 'matched'; patientId: string; by: 'local-identifier' | 'national-identifier' }
  | { kind: 'new' };

export interface PatientMatcher {
  /** Finds the Patient the identifiers denote, reading through `store` (the ingest transaction's). */
  match(store: FhirStore, identifiers: readonly Identifier[]): Promise<MatchResult>;
}

export const VERIFICATION_URL = 'https://carebridge.dev/fhir/StructureDefinition/identifier-verification';
const NATIONAL_SYSTEMS = new Set(['https://fhir.nhs.uk/Id/nhs-number', 'http://hl7.org/fhir/sid/us-mbi']);

export function createDeterministicMatcher(): PatientMatcher {
  return {
    async match(store, identifiers) {
      const local = identifiers.filter((id) => id.system && id.value && !NATIONAL_SYSTEMS.has(id.system));
      for (const identifier of local) {
        const found = await findActive(store, identifier);
        if (found.length === 1) return { kind: 'matched', patientId: found[0]?.id as string, by: 'local-identifier' };
      }
      const national = identifiers.filter((id) => id.system && NATIONAL_SYSTEMS.has(id.system) && isVerified(id));
      for (const identifier of national) {
        const found = await findActive(store, identifier);
        if (found.length === 1) return { kind: 'matched', patientId: found[0]?.id as string, by: 'national-identifier' };
      }
      return { kind: 'new' };
    },
  };
}

export function isVerified(identifier: Identifier): boolean {
  return (identifier.extension ?? []).some((e) => e.url === VERIFICATION_URL && e.valueCode === 'verified');
}

/** Active Patients carrying the identifier (a merged-away record, `active=false` with replaced-by, does not count). */
async function findActive(store: FhirStore, identifier: Identifier): Promise<Patient[]> {
  const result = await store.search({
    resourceType: 'Patient',
    filters: [{ code: 'identifier', type: 'token', values: [`${escape(identifier.system ?? '')}|${escape(identifier.value ?? '')}`] }],
    sort: [],
    count: 3,
    offset: 0,
    include: [],
    revinclude: [],
    total: 'none',
  });
  return result.entries
    .map((entry) => entry.resource as Patient)
    .filter((patient) => patient.active !== false || !(patient.link ?? []).some((link) => link.type === 'replaced-by'));
}

function escape(text: string): string {
  return text.replace(/[\\,|$]/g, (char) => `\\${char}`);
}
