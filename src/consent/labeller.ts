/**
 * Security labelling on every write, whatever the path (REST, HL7 v2, C-CDA, extracts): the labels the code
 * lists and the source kind give, plus the sensitivity labels of resources it references (an Encounter whose
 * diagnosis Condition is PSY reveals PSY data). Runs as the store's prepare hook, before validation.
 * https://hl7.org/fhir/R4/security-labels.html, DOMAIN.md §6
 */
import type { Resource } from 'fhir/r4.js';
import type { SqlClient } from '../store/db.ts';
import type { WriteActor } from '../store/fhir-store.ts';
import { parseReference } from '../store/references.ts';
import { factsOf } from './facts.ts';
import { type ReferencedLabels, labelResource, labelsRevealedBy, mergeSecurityLabels } from './labels.ts';
import type { ConsentRules } from './types.ts';

/** Resources that describe access or shared infrastructure, not care: never labelled. (Provenance is labelled: it inherits its targets' labels.) */
const UNLABELLED = new Set(['AuditEvent', 'Consent', 'Subscription', 'Basic', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Endpoint', 'Group']);

export function createLabeller(rules: ConsentRules, baseUrl: string) {
  return async function labelForWrite(resource: Resource, sql: SqlClient, actor: WriteActor | undefined): Promise<Resource> {
    if (UNLABELLED.has(resource.resourceType)) return resource;
    const own = labelResource(resource, rules, actor?.sourceKind ? { sourceKind: actor.sourceKind } : {});
    const referenced = await referencedLabels(resource, rules, sql, baseUrl);
    // A Provenance is about its targets: it carries all their labels, so it never points at withheld data.
    const inherited = resource.resourceType === 'Provenance' ? referenced.flatMap((r) => r.labels) : referenced.length > 0 ? labelsRevealedBy(resource, referenced, rules) : [];
    return mergeSecurityLabels(resource, [...own, ...inherited], rules);
  };
}

/** The labels of the stored resources this one references (Patients excluded: they never propagate; nor do the never-labelled types). */
async function referencedLabels(resource: Resource, rules: ConsentRules, sql: SqlClient, baseUrl: string): Promise<ReferencedLabels[]> {
  const targets = (factsOf(resource, rules).references ?? [])
    .map((reference) => ({ reference, local: parseReference(reference, baseUrl).local }))
    .filter((t) => t.local && t.local.type !== 'Patient' && !UNLABELLED.has(t.local.type));
  if (targets.length === 0) return [];
  const rows = await sql.query<{ resource_type: string; id: string; security: ReferencedLabels['labels'] | null }>(
    `select resource_type, id, content->'meta'->'security' as security from resource
     where not deleted and (resource_type, id) in (select * from unnest($1::text[], $2::text[]))`,
    [targets.map((t) => t.local?.type ?? ''), targets.map((t) => t.local?.id ?? '')],
  );
  return rows
    .filter((row) => Array.isArray(row.security) && row.security.length > 0)
    .map((row) => ({ reference: `${row.resource_type}/${row.id}`, labels: row.security ?? [] }));
}
