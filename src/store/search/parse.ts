/**
 * Query string → {@link SearchQuery}. Unknown parameters are returned, not thrown, so the API can report
 * them (lenient) or refuse them (`Prefer: handling=strict`). https://hl7.org/fhir/R4/search.html
 */
import { GatewayError } from '../../shared/errors.ts';
import type { SearchParamDef, SearchParamRegistry } from '../search-parameters.ts';
import type { IncludeSpec, ParamFilter, SearchQuery, SortKey, TotalMode } from './query.ts';

export interface ParseOptions {
  defaultCount: number;
  maxCount: number;
}

export interface ParsedSearch {
  query: SearchQuery;
  /** Parameters the server does not know or support, as given. */
  unknown: string[];
}

/** Result-shaping parameters handled by the API layer rather than the store. */
export const RESULT_PARAMS = new Set(['_format', '_pretty', '_elements', '_summary', '_cursor']);
const STRING_MODIFIERS = new Set(['exact', 'contains', 'missing']);
const TOKEN_MODIFIERS = new Set(['not', 'text', 'missing']);
const URI_MODIFIERS = new Set(['below', 'above', 'missing']);
const PLAIN_MODIFIERS = new Set(['missing']);

export function parseSearch(
  resourceType: string,
  params: readonly (readonly [string, string])[],
  registry: SearchParamRegistry,
  options: ParseOptions,
): ParsedSearch {
  const query: SearchQuery = {
    resourceType,
    filters: [],
    sort: [],
    count: options.defaultCount,
    offset: 0,
    include: [],
    revinclude: [],
    total: 'none',
  };
  const unknown: string[] = [];
  for (const [key, value] of params) {
    if (RESULT_PARAMS.has(key)) {
      if (key === '_summary' && value === 'count') query.countOnly = true;
      continue;
    }
    switch (key) {
      case '_count':
        query.count = Math.min(parseNonNegative(key, value), options.maxCount);
        continue;
      case '_offset':
        query.offset = parseNonNegative(key, value);
        continue;
      case '_sort':
        query.sort.push(...parseSort(resourceType, value, registry));
        continue;
      case '_total':
        query.total = parseTotal(value);
        continue;
      case '_include':
      case '_include:iterate':
      case '_include:recurse':
        query.include.push(value === '*' ? { sourceType: resourceType, code: '*', iterate: false } : parseInclude(value, key !== '_include', registry, 'include'));
        continue;
      case '_revinclude':
      case '_revinclude:iterate':
      case '_revinclude:recurse':
        query.revinclude.push(value === '*' ? { sourceType: '*', code: '*', iterate: false } : parseInclude(value, key !== '_revinclude', registry, 'revinclude'));
        continue;
    }
    const filter = parseFilter(resourceType, key, value, registry);
    if (filter) query.filters.push(filter);
    else unknown.push(key);
  }
  return { query, unknown };
}

function parseFilter(resourceType: string, key: string, value: string, registry: SearchParamRegistry): ParamFilter | undefined {
  if (key.startsWith('_has:')) return parseHas(resourceType, key, value, registry);
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  const [code = '', modifier] = head.split(':', 2);
  if (code === '_id') return modifierAllowed(modifier, PLAIN_MODIFIERS) ? withModifier({ code, type: 'id', values: splitOr(value) }, modifier) : undefined;
  if (code === '_lastUpdated') return modifierAllowed(modifier, PLAIN_MODIFIERS) ? withModifier({ code, type: 'lastUpdated', values: splitOr(value) }, modifier) : undefined;
  const def = registry.get(resourceType, code);
  if (!def) return undefined;
  if (dot >= 0) return parseChain(def, modifier, key.slice(dot + 1), value, registry);
  if (!modifierAllowedFor(def, modifier, registry)) return undefined;
  return withModifier({ code, type: def.type, values: splitOr(value) }, modifier);
}

function parseChain(def: SearchParamDef, modifier: string | undefined, rest: string, value: string, registry: SearchParamRegistry): ParamFilter | undefined {
  if (def.type !== 'reference' || rest.includes('.')) return undefined; // one level of chaining
  const targets = modifier ? [modifier] : def.targets;
  const [code = '', innerModifier] = rest.split(':', 2);
  const inner = targets
    .map((target) => (code === '_id' ? ({ type: 'id' } as const) : registry.get(target, code)))
    .filter((found) => found !== undefined);
  const first = inner[0];
  if (!first || targets.length === 0 || (modifier && !def.targets.includes(modifier))) return undefined;
  const types = code === '_id' ? targets : targets.filter((target) => registry.get(target, code));
  const filter = withModifier({ code, type: first.type, values: splitOr(value) }, innerModifier);
  return { code: def.code, type: 'reference', values: [], chain: { targetTypes: types, filter } };
}

function parseHas(resourceType: string, key: string, value: string, registry: SearchParamRegistry): ParamFilter | undefined {
  const [, sourceType = '', referenceCode = '', innerKey = ''] = key.split(':', 4);
  if (!registry.isResourceType(sourceType)) return undefined;
  const reference = registry.get(sourceType, referenceCode);
  if (!reference || reference.type !== 'reference' || !reference.targets.includes(resourceType)) return undefined;
  const filter = parseFilter(sourceType, innerKey, value, registry);
  if (!filter || filter.has) return undefined;
  return { code: key, type: 'reference', values: [], has: { sourceType, referenceCode, filter } };
}

function modifierAllowedFor(def: SearchParamDef, modifier: string | undefined, registry: SearchParamRegistry): boolean {
  switch (def.type) {
    case 'string':
      return modifierAllowed(modifier, STRING_MODIFIERS);
    case 'token':
      return modifierAllowed(modifier, TOKEN_MODIFIERS);
    case 'uri':
      return modifierAllowed(modifier, URI_MODIFIERS);
    case 'reference':
      return modifier === undefined || modifier === 'missing' || (registry.isResourceType(modifier) && def.targets.includes(modifier));
    default:
      return modifierAllowed(modifier, PLAIN_MODIFIERS);
  }
}

function modifierAllowed(modifier: string | undefined, allowed: ReadonlySet<string>): boolean {
  return modifier === undefined || allowed.has(modifier);
}

function withModifier(filter: ParamFilter, modifier: string | undefined): ParamFilter {
  if (modifier !== undefined) filter.modifier = modifier;
  return filter;
}

/** Splits on commas that are not escaped as `\,`. https://hl7.org/fhir/R4/search.html#escaping */
export function splitOr(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && i + 1 < value.length) {
      current += char + value[++i];
    } else if (char === ',') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function parseNonNegative(key: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new GatewayError('API-BAD-PARAM', 'invalid', `${key} must be a non-negative integer`);
  return Number(value);
}

function parseTotal(value: string): TotalMode {
  if (value === 'none' || value === 'estimate' || value === 'accurate') return value;
  throw new GatewayError('API-BAD-PARAM', 'invalid', '_total must be none, estimate or accurate');
}

function parseSort(resourceType: string, value: string, registry: SearchParamRegistry): SortKey[] {
  return value.split(',').map((raw) => {
    const descending = raw.startsWith('-');
    const code = descending ? raw.slice(1) : raw;
    if (code === '_id') return { code, type: 'id', descending };
    if (code === '_lastUpdated') return { code, type: 'lastUpdated', descending };
    const def = registry.get(resourceType, code);
    if (!def || def.type === 'reference') {
      throw new GatewayError('API-BAD-SORT', 'invalid', `Cannot sort ${resourceType} by "${code.slice(0, 64)}"`);
    }
    return { code, type: def.type, descending };
  });
}

function parseInclude(value: string, iterate: boolean, registry: SearchParamRegistry, kind: 'include' | 'revinclude'): IncludeSpec {
  const [sourceType = '', code = '', targetType] = value.split(':');
  const bad = () => new GatewayError('API-BAD-INCLUDE', 'invalid', `Invalid _${kind} "${value.slice(0, 100)}"`);
  if (!registry.isResourceType(sourceType) || !code) throw bad();
  if (code !== '*') {
    const def = registry.get(sourceType, code);
    if (!def || def.type !== 'reference') throw bad();
    if (targetType !== undefined && !def.targets.includes(targetType)) throw bad();
  }
  const spec: IncludeSpec = { sourceType, code, iterate };
  if (targetType !== undefined) spec.targetType = targetType;
  return spec;
}
