/**
 * Turns a resource into search-index rows by evaluating every search parameter's FHIRPath expression and
 * reading the resulting FHIR values by the parameter's type. https://hl7.org/fhir/R4/search.html#ptypes
 * There is no per-resource-type code here: what gets indexed is decided by the SearchParameter definitions.
 */
import type { Resource } from 'fhir/r4.js';
import { dateRange } from './fhir-dates.ts';
import { normalizeString } from './normalize.ts';
import { parseReference } from './references.ts';
import type { SearchParamDef, SearchParamRegistry } from './search-parameters.ts';

export interface TokenRow { code: string; system: string | null; value: string | null; text: string | null }
export interface StringRow { code: string; norm: string; exact: string }
export interface DateRow { code: string; low: string; high: string }
export interface ReferenceRow { code: string; targetType: string | null; targetId: string | null; url: string | null }
export interface NumberRow { code: string; value: number }
export interface QuantityRow { code: string; value: number; system: string | null; unitCode: string | null; unit: string | null }
export interface UriRow { code: string; value: string }

export interface IndexRows {
  token: TokenRow[];
  string: StringRow[];
  date: DateRow[];
  reference: ReferenceRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  uri: UriRow[];
  /** Ids of the patients whose compartment holds this resource. */
  compartments: string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function indexResource(resource: Resource, registry: SearchParamRegistry, baseUrl: string): IndexRows {
  const rows: IndexRows = { token: [], string: [], date: [], reference: [], number: [], quantity: [], uri: [], compartments: [] };
  for (const def of registry.forType(resource.resourceType).values()) {
    let values: unknown[];
    try {
      values = def.evaluate(resource);
    } catch {
      continue; // an expression that cannot apply to this instance indexes nothing
    }
    for (const value of values) addValue(rows, def, value, baseUrl);
  }
  rows.compartments = compartmentsOf(resource, rows, registry);
  return rows;
}

function addValue(rows: IndexRows, def: SearchParamDef, value: unknown, baseUrl: string): void {
  switch (def.type) {
    case 'token':
      return addToken(rows.token, def.code, value);
    case 'string':
      return addString(rows.string, def.code, value);
    case 'date':
      return addDate(rows.date, def.code, value);
    case 'reference':
      return addReference(rows.reference, def, value, baseUrl);
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) rows.number.push({ code: def.code, value });
      return;
    case 'quantity':
      return addQuantity(rows.quantity, def.code, value);
    case 'uri': {
      const uri = str(value);
      if (uri) rows.uri.push({ code: def.code, value: uri });
      return;
    }
  }
}

function addToken(out: TokenRow[], code: string, value: unknown): void {
  if (typeof value === 'boolean') return void out.push({ code, system: null, value: String(value), text: null });
  if (typeof value === 'string' || typeof value === 'number') {
    return void out.push({ code, system: null, value: String(value), text: null });
  }
  if (!isObject(value)) return;
  if (Array.isArray(value.coding) || typeof value.text === 'string') {
    // CodeableConcept: one row per coding, the concept text searchable with :text on each.
    const text = str(value.text);
    const codings = (Array.isArray(value.coding) ? value.coding : []).filter(isObject);
    for (const coding of codings) {
      out.push({ code, system: str(coding.system), value: str(coding.code), text: normOrNull(text ?? str(coding.display)) });
    }
    if (codings.length === 0 && text) out.push({ code, system: null, value: null, text: normalizeString(text) });
    return;
  }
  if ('code' in value) {
    return void out.push({ code, system: str(value.system), value: str(value.code), text: normOrNull(str(value.display)) });
  }
  if ('value' in value) {
    // Identifier (system|value, type text searchable) or ContactPoint (system is phone/email/...).
    const typeText = isObject(value.type) ? str(value.type.text) : null;
    out.push({ code, system: str(value.system), value: str(value.value), text: normOrNull(typeText) });
  }
}

function normOrNull(text: string | null): string | null {
  return text ? normalizeString(text) : null;
}

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'];
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'];

function addString(out: StringRow[], code: string, value: unknown): void {
  const push = (text: unknown) => {
    if (typeof text === 'string' && text.trim() !== '') out.push({ code, norm: normalizeString(text), exact: text });
  };
  if (typeof value === 'string') return push(value);
  if (!isObject(value)) return;
  const parts = 'family' in value || 'given' in value ? NAME_PARTS : ADDRESS_PARTS;
  for (const part of parts) {
    const field = value[part];
    if (Array.isArray(field)) field.forEach(push);
    else push(field);
  }
}

function addDate(out: DateRow[], code: string, value: unknown): void {
  if (typeof value === 'string') {
    const range = dateRange(value);
    if (range) out.push({ code, low: range.low, high: range.high });
    return;
  }
  if (!isObject(value)) return;
  if ('start' in value || 'end' in value) {
    const start = typeof value.start === 'string' ? dateRange(value.start) : undefined;
    const end = typeof value.end === 'string' ? dateRange(value.end) : undefined;
    if (!start && !end) return;
    out.push({ code, low: start?.low ?? '-infinity', high: end?.high ?? 'infinity' });
    return;
  }
  if (Array.isArray(value.event)) for (const event of value.event) addDate(out, code, event); // Timing
}

function addReference(out: ReferenceRow[], def: SearchParamDef, value: unknown, baseUrl: string): void {
  const raw = typeof value === 'string' ? value : isObject(value) ? str(value.reference) : null;
  if (!raw || raw.startsWith('#')) return;
  const parsed = parseReference(raw, baseUrl);
  if (parsed.local) {
    // `.where(resolve() is X)` in the definition narrows which targets this parameter means.
    if (def.targets.length > 0 && !def.targets.includes(parsed.local.type)) return;
    out.push({ code: def.code, targetType: parsed.local.type, targetId: parsed.local.id, url: null });
  } else {
    out.push({ code: def.code, targetType: null, targetId: null, url: raw });
  }
}

function addQuantity(out: QuantityRow[], code: string, value: unknown): void {
  if (!isObject(value) || typeof value.value !== 'number' || !Number.isFinite(value.value)) return;
  if (typeof value.currency === 'string') {
    return void out.push({ code, value: value.value, system: 'urn:iso:std:iso:4217', unitCode: value.currency, unit: null });
  }
  out.push({ code, value: value.value, system: str(value.system), unitCode: str(value.code), unit: str(value.unit) });
}

/** Ids of the patients whose compartment holds `resource`, evaluating only the compartment's parameters. */
export function patientsOf(resource: Resource, registry: SearchParamRegistry, baseUrl: string): string[] {
  const rows: IndexRows = { token: [], string: [], date: [], reference: [], number: [], quantity: [], uri: [], compartments: [] };
  for (const code of registry.compartmentParams(resource.resourceType)) {
    const def = registry.get(resource.resourceType, code);
    if (!def || def.type !== 'reference') continue;
    try {
      for (const value of def.evaluate(resource)) addReference(rows.reference, def, value, baseUrl);
    } catch {
      // an expression that cannot apply to this instance names no patient
    }
  }
  return compartmentsOf(resource, rows, registry);
}

function compartmentsOf(resource: Resource, rows: IndexRows, registry: SearchParamRegistry): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) ids.add(resource.id);
  const params = new Set(registry.compartmentParams(resource.resourceType));
  for (const row of rows.reference) {
    if (params.has(row.code) && row.targetType === 'Patient' && row.targetId) ids.add(row.targetId);
  }
  return [...ids];
}
