/**
 * Sensitive-data labelling at ingest (DOMAIN.md §6): `meta.security` labels from the code lists kept as data
 * in `mappings/security-labels/`, and from the kind of source (social care → SOC). Labels are only ever added.
 * FHIR R4 security labels: https://hl7.org/fhir/R4/security-labels.html
 */
import type { Coding, Resource } from 'fhir/r4.js';
import { distinctCodings, includesCoding } from './codings.ts';
import { matchesCodeList } from './code-lists.ts';
import { factsOf } from './facts.ts';
import { parseReference, referenceKey } from './references.ts';
import { propagatingLabels } from './sensitivity.ts';
import type { ConsentRules, SourceKind } from './types.ts';

export interface LabelOptions {
  /** Where the record came from; `social-care` adds SOC whatever the codes. */
  sourceKind?: SourceKind;
}

/** Labels of resources this one references, as known to the caller. */
export interface ReferencedLabels {
  reference: string;
  labels: Coding[];
}

function missingFrom(resource: Resource, labels: Coding[], rules: ConsentRules): Coding[] {
  const present = resource.meta?.security ?? [];
  return distinctCodings(labels, rules.aliases).filter((label) => !includesCoding(present, label, rules.aliases));
}

/**
 * The security labels to add to `resource`: every code list one of its codes falls in, plus the labels of
 * its source kind, minus the labels it already carries. Never proposes removing a label.
 */
export function labelResource(resource: Resource, rules: ConsentRules, options: LabelOptions = {}): Coding[] {
  const { codes } = factsOf(resource, rules);
  const fromCodes = rules.codeLists
    .filter((list) => codes.some((coding) => matchesCodeList(coding, list, rules.aliases)))
    .flatMap((list) => list.labels);
  const fromSource = options.sourceKind === undefined ? [] : rules.sourceLabels[options.sourceKind];
  return missingFrom(resource, [...fromCodes, ...fromSource], rules);
}

/** A copy of `resource` whose `meta.security` also holds `labels` (existing labels kept, no duplicates). */
export function mergeSecurityLabels<T extends Resource>(resource: T, labels: Coding[], rules: ConsentRules): T {
  const added = missingFrom(resource, labels, rules);
  if (added.length === 0) return resource;
  const security = [...(resource.meta?.security ?? []), ...added];
  return { ...resource, meta: { ...(resource.meta ?? {}), security } };
}

/**
 * The labels `resource` inherits from resources it references (an Encounter whose diagnosis is a PSY
 * Condition reveals PSY data): the labels of categories flagged `propagates` (all sensitivity categories and
 * confidentiality V; not SOC, which says where a record came from, not what it says), from referenced
 * resources the resource actually points at, minus labels it already has. References to the Patient do not
 * propagate: patient-level labels would otherwise spread to the whole record.
 */
export function labelsRevealedBy(resource: Resource, referenced: ReferencedLabels[], rules: ConsentRules): Coding[] {
  const own = new Set((factsOf(resource, rules).references ?? []).map(referenceKey));
  const inherited = referenced
    .filter((entry) => own.has(referenceKey(entry.reference)))
    .filter((entry) => {
      const parsed = parseReference(entry.reference);
      return !(parsed.kind === 'literal' && parsed.type === 'Patient');
    })
    .flatMap((entry) => propagatingLabels(entry.labels, rules));
  return missingFrom(resource, inherited, rules);
}
