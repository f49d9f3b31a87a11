/**
 * Checks a resource inside a Bundle against the key constraints of a StructureDefinition's differential, read
 * from the Da Vinci IG files in ../shared/corpus/davinci-alerts/resources: cardinality (min ≥ 1 and max 0),
 * fixed codes, slices on resource type (a Bundle entry slice) and on resolved profile (a focus slice), and
 * references with aggregation "bundled", which must resolve to an entry of the Bundle. Not a full FHIR
 * validator (no FHIRPath invariants, no terminology beyond the event ValueSets): the IG's must-haves.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Resource, StructureDefinition } from 'fhir/r4.js';

export const DAVINCI_RESOURCES = path.resolve(import.meta.dirname, '../../../../shared/corpus/davinci-alerts/resources');

export function loadDefinition(name: string): StructureDefinition {
  return JSON.parse(fs.readFileSync(path.join(DAVINCI_RESOURCES, `StructureDefinition-${name}.json`), 'utf8')) as StructureDefinition;
}

/** Codes a Da Vinci event ValueSet allows (is-a filters over the notification-event CodeSystem, or listed codes). */
export function valueSetCodes(url: string): Set<string> {
  const name = url.slice(url.lastIndexOf('/') + 1);
  const file = path.join(DAVINCI_RESOURCES, `ValueSet-${name}.json`);
  const codes = new Set<string>();
  if (!fs.existsSync(file)) return codes;
  const vs = JSON.parse(fs.readFileSync(file, 'utf8')) as { compose?: { include?: { concept?: { code: string }[]; filter?: { op: string; value: string }[] }[] } };
  const system = JSON.parse(fs.readFileSync(path.join(DAVINCI_RESOURCES, 'CodeSystem-notification-event.json'), 'utf8')) as { concept?: Concept[] };
  for (const include of vs.compose?.include ?? []) {
    for (const concept of include.concept ?? []) codes.add(concept.code);
    for (const filter of include.filter ?? []) if (filter.op === 'is-a') for (const code of descendants(system.concept ?? [], filter.value)) codes.add(code);
    if (!include.concept && !include.filter) for (const code of descendants(system.concept ?? [], undefined)) codes.add(code);
  }
  return codes;
}

interface Concept {
  code: string;
  concept?: Concept[];
}

function descendants(concepts: Concept[], root: string | undefined): string[] {
  const out: string[] = [];
  const walk = (list: Concept[], inside: boolean) => {
    for (const c of list) {
      const here = inside || root === undefined || c.code === root;
      if (here) out.push(c.code);
      walk(c.concept ?? [], here);
    }
  };
  walk(concepts, false);
  return out;
}

/** Values at a dotted element path (arrays flattened), `[x]` choices matched by prefix. */
function valuesAt(root: unknown, steps: string[]): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      if (typeof item !== 'object' || item === null) continue;
      const record = item as Record<string, unknown>;
      const keys = step.endsWith('[x]') ? Object.keys(record).filter((k) => k.startsWith(step.slice(0, -3))) : [step];
      for (const key of keys) {
        const value = record[key];
        if (Array.isArray(value)) next.push(...value);
        else if (value !== undefined) next.push(value);
      }
    }
    current = next;
  }
  return current;
}

/** The Bundle entry a reference in `bundle` resolves to (absolute fullUrl, urn:uuid, or relative against the base). */
export function resolveIn(bundle: Bundle, reference: string, fhirBase: string): Resource | undefined {
  const entries = bundle.entry ?? [];
  const exact = entries.find((e) => e.fullUrl === reference);
  if (exact) return exact.resource;
  return entries.find((e) => e.fullUrl === `${fhirBase}/${reference}`)?.resource;
}

/** Problems of `resource` (an entry of `bundle`) against the differential of `definition`. */
export function checkDifferential(resource: Resource, definition: StructureDefinition, bundle: Bundle, fhirBase: string): string[] {
  const problems: string[] = [];
  for (const element of definition.differential?.element ?? []) {
    const id = element.id ?? element.path;
    const parts = id.split('.').slice(1);
    const slice = parts.findIndex((p) => p.includes(':'));
    if (slice >= 0) {
      problems.push(...checkSlice(resource, element, parts, slice, bundle, fhirBase));
      continue;
    }
    if (parts.length === 0) continue;
    const parents = valuesAt(resource, parts.slice(0, -1));
    for (const parent of parents) {
      const values = valuesAt(parent, parts.slice(-1));
      if ((element.min ?? 0) > values.length) problems.push(`${id}: at least ${element.min} required`);
      if (element.max === '0' && values.length > 0) problems.push(`${id}: not allowed`);
      if (element.fixedCode !== undefined && values.some((v) => v !== element.fixedCode)) problems.push(`${id}: must be ${element.fixedCode}`);
      if (element.binding?.valueSet && parts.at(-1) === 'eventCoding') {
        const allowed = valueSetCodes(element.binding.valueSet);
        for (const v of values) if (!allowed.has((v as { code?: string }).code ?? '')) problems.push(`${id}: code not in ${element.binding.valueSet}`);
      }
      const bundled = element.type?.some((t) => t.code === 'Reference' && t.aggregation?.includes('bundled'));
      if (bundled) {
        for (const v of values) {
          const reference = (v as { reference?: string }).reference;
          if (reference && !resolveIn(bundle, reference, fhirBase)) problems.push(`${id}: ${reference} does not resolve in the Bundle`);
        }
      }
    }
  }
  return problems;
}

function checkSlice(resource: Resource, element: NonNullable<StructureDefinition['differential']>['element'][number], parts: string[], at: number, bundle: Bundle, fhirBase: string): string[] {
  const [name, sliceName] = (parts[at] as string).split(':') as [string, string];
  if (parts.length !== at + 1 || name === 'extension' || name.endsWith('extension')) return [];
  const values = valuesAt(resource, [...parts.slice(0, at), name]);
  const problems: string[] = [];
  if (name === 'entry') {
    const type = sliceName === 'messageheader' ? 'MessageHeader' : sliceName;
    const matching = values.filter((v) => (v as { resource?: Resource }).resource?.resourceType === type);
    if (matching.length < (element.min ?? 0)) problems.push(`${element.id}: at least ${element.min} ${type} entry`);
    if (element.max !== '*' && matching.length > Number(element.max)) problems.push(`${element.id}: at most ${element.max} ${type} entry`);
    return problems;
  }
  const targets = element.type?.flatMap((t) => t.targetProfile ?? []) ?? [];
  const matching = values.filter((v) => {
    const target = resolveIn(bundle, (v as { reference?: string }).reference ?? '', fhirBase);
    return target !== undefined && targets.every((profile) => target.meta?.profile?.includes(profile));
  });
  if (matching.length < (element.min ?? 0)) problems.push(`${element.id}: at least ${element.min} reference resolving in the Bundle to ${targets.join(', ')}`);
  return problems;
}
