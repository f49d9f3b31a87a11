/**
 * `factsOf`: the facts a consent decision reads, extracted generically from any FHIR resource.
 * - codes: every Coding anywhere in the tree ("if this code is found in an instance, then the rule
 *   applies", R4 Consent.provision.code), contained resources and Bundle entries included, since they are
 *   disclosed with the resource; `meta` and `text` are skipped, and so are Quantities (UCUM units).
 * - elementLabels: `meta.security` of nested resources (contained, Bundle entries), for redaction.
 * - date: first present path of `mappings/consent/clinical-dates.json` for the type, else the `*` paths.
 */
import type { Coding, Resource } from 'fhir/r4.js';
import { isRecord } from '../shared/json.ts';
import { distinctCodings } from './codings.ts';
import type { ConsentRules, ResourceFacts } from './types.ts';

interface Collected {
  codes: Coding[];
  references: string[];
  elementLabels: Coding[];
}

function asCoding(value: Record<string, unknown>): Coding | undefined {
  const { system, code } = value;
  if (typeof code !== 'string' || code.trim() === '') return undefined;
  return typeof system === 'string' ? { system, code } : { code };
}

function securityOf(value: Record<string, unknown>): Coding[] {
  const meta = value.meta;
  if (!isRecord(meta) || !Array.isArray(meta.security)) return [];
  return meta.security.filter(isRecord).flatMap((item) => asCoding(item) ?? []);
}

function walk(value: unknown, nested: boolean, out: Collected): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, nested, out);
    return;
  }
  if (!isRecord(value)) return;
  if (nested && typeof value.resourceType === 'string') out.elementLabels.push(...securityOf(value));
  if (typeof value.reference === 'string') out.references.push(value.reference);
  const isQuantity = 'value' in value && typeof value.value === 'number';
  if (!isQuantity && typeof value.system === 'string' && typeof value.code === 'string') {
    const coding = asCoding(value);
    if (coding) out.codes.push(coding);
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === 'meta' || key === 'text') continue;
    walk(child, true, out);
  }
}

function readPath(resource: Resource, path: string): string | undefined {
  let current: unknown = resource;
  for (const step of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[step];
  }
  return typeof current === 'string' && current.trim() !== '' ? current : undefined;
}

/** The clinically relevant date of a resource, per the table in `mappings/consent/clinical-dates.json`. */
export function clinicalDateOf(resource: Resource, rules: Pick<ConsentRules, 'clinicalDates'>): string | undefined {
  const paths = [...(rules.clinicalDates[resource.resourceType] ?? []), ...(rules.clinicalDates['*'] ?? [])];
  for (const path of paths) {
    const value = readPath(resource, path);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Extracts `ResourceFacts` from any FHIR resource for `decideAccess`. */
export function factsOf(resource: Resource, rules: Pick<ConsentRules, 'clinicalDates' | 'aliases'>): ResourceFacts {
  const out: Collected = { codes: [], references: [], elementLabels: [] };
  for (const [key, child] of Object.entries(resource)) {
    if (key === 'meta' || key === 'text') continue;
    walk(child, true, out);
  }
  const facts: ResourceFacts = {
    resourceType: resource.resourceType,
    securityLabels: resource.meta?.security ?? [],
    codes: distinctCodings(out.codes, rules.aliases),
    profiles: resource.meta?.profile ?? [],
    references: [...new Set(out.references)],
    elementLabels: distinctCodings(out.elementLabels, rules.aliases),
  };
  if (resource.id !== undefined) {
    facts.id = resource.id;
    facts.reference = `${resource.resourceType}/${resource.id}`;
  }
  const date = clinicalDateOf(resource, rules);
  if (date !== undefined) facts.date = date;
  return facts;
}
