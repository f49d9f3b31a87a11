/**
 * `_summary` and `_elements`: returning part of each resource, marked SUBSETTED.
 * https://hl7.org/fhir/R4/search.html#summary and #elements
 */
import fs from 'node:fs';
import type { Coding, Resource } from 'fhir/r4.js';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

export interface Shape {
  summary?: SummaryMode;
  elements?: string[];
}

interface SummaryElements {
  summary: string[];
  mandatory: string[];
}

const SUBSETTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const ALWAYS = ['resourceType', 'id', 'meta'];

export type SummaryTable = Record<string, SummaryElements>;

export function loadSummaryTable(): SummaryTable {
  return JSON.parse(fs.readFileSync(projectPath('profiles', 'summary-elements.json'), 'utf8')) as SummaryTable;
}

export function parseShape(query: readonly (readonly [string, string])[]): Shape {
  const shape: Shape = {};
  for (const [key, value] of query) {
    if (key === '_summary') {
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) {
        throw new GatewayError('API-BAD-SUMMARY', 'invalid', '_summary must be true, text, data, count or false');
      }
      shape.summary = value as SummaryMode;
    } else if (key === '_elements') {
      shape.elements = [...(shape.elements ?? []), ...value.split(',').map((e) => e.trim()).filter(Boolean)];
    }
  }
  return shape;
}

/** Applies the shape; returns the resource unchanged when nothing is asked for. */
export function applyShape(resource: Resource, shape: Shape, table: SummaryTable): Resource {
  const keep = keptElements(resource, shape, table);
  if (!keep) return resource;
  const source = resource as unknown as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (ALWAYS.includes(key) || keep(baseName(resource.resourceType, key))) result[key] = value;
  }
  const meta = { ...(resource.meta ?? {}) };
  meta.tag = [...(meta.tag ?? []).filter((t) => t.code !== SUBSETTED.code), SUBSETTED];
  result.meta = meta;
  return result as unknown as Resource;
}

function keptElements(resource: Resource, shape: Shape, table: SummaryTable): ((name: string) => boolean) | undefined {
  const info = table[resource.resourceType];
  const mandatory = new Set(info?.mandatory ?? []);
  if (shape.elements && shape.elements.length > 0) {
    const wanted = new Set(shape.elements.map((e) => e.replace(/^[A-Z]\w*\./, '')));
    return (name) => wanted.has(name) || mandatory.has(name);
  }
  switch (shape.summary) {
    case 'true': {
      const summary = new Set(info?.summary ?? []);
      return (name) => summary.has(name) || mandatory.has(name);
    }
    case 'text':
      return (name) => name === 'text' || mandatory.has(name);
    case 'data':
      return (name) => name !== 'text';
    default:
      return undefined;
  }
}

/** `valueQuantity` → `value` for the type's choice elements; `_birthDate` (primitive extension) → `birthDate`. */
function baseName(resourceType: string, key: string): string {
  const name = key.startsWith('_') ? key.slice(1) : key;
  for (const [choice, types] of CHOICE_PATHS) {
    if (!choice.startsWith(`${resourceType}.`)) continue;
    const base = choice.slice(resourceType.length + 1);
    if (!base.includes('.') && name.startsWith(base) && types.some((type) => name === base + capitalize(type))) return base;
  }
  return name;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const CHOICE_PATHS = Object.entries((r4Model as { choiceTypePaths: Record<string, string[]> }).choiceTypePaths);
