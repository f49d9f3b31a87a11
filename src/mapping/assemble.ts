/**
 * The FHIR transaction for a mapped message (https://hl7.org/fhir/R4/http.html#transaction): one `PUT Type/id`
 * entry per resource, in dependency order. Ids are deterministic, so replaying a message updates the same
 * resources instead of duplicating them (update-as-create).
 */
import type { Bundle, FhirResource } from 'fhir/r4.js';
import type { MappedMessage } from './types.ts';

/** Builds the transaction Bundle of a mapped message (the pipeline adds Provenance and the raw Binary). */
export function assembleTransaction(mapped: MappedMessage): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: mapped.resources.map(({ resource }) => ({
      resource: resource as FhirResource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
    })),
  };
}
