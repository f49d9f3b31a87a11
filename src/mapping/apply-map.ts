/**
 * Applying a ConceptMap (`map:` in a rule) to a code or a CodeableConcept. Output forms (`mapTo`):
 * - `code`: the target code (e.g. Patient.gender `female`), nothing when there is no equivalent;
 * - `coding`: the target Coding (e.g. Encounter.class);
 * - `concept`: a CodeableConcept with the target coding first and the sender's original coding kept
 *   (e.g. dischargeDisposition: FHIR `home` and v2-0112 `01`), so no information is lost.
 * Only codings from the map's source table (or without a system) are translated. A code missing from the table
 * gives a warning that names the element and the map, never the code (it may be patient data).
 */
import type { CodeableConcept, Coding } from 'fhir/r4.js';
import { isObject } from './helpers/context.ts';
import type { MapOutput } from './model.ts';
import type { MappingRun } from './run.ts';

function originalCodings(value: unknown): Coding[] {
  if (typeof value === 'string') return [{ code: value }];
  if (isObject(value) && Array.isArray(value['coding'])) return value['coding'].filter(isObject) as Coding[];
  return [];
}

/** Translates `value` (a code or a CodeableConcept) with ConceptMap `id`. */
export function applyMap(id: string, output: MapOutput, value: unknown, run: MappingRun, location: string): unknown {
  const maps = run.registry.conceptMaps;
  const source = maps.sourceSystem(id) ?? '';
  const originals = originalCodings(value).map((coding) => ({ ...coding }));
  const candidate = originals.find((coding) => coding.code !== undefined && (coding.system === undefined || coding.system === source));
  const translation = candidate?.code === undefined ? undefined : maps.translate(id, candidate.code);
  if (translation?.status === 'unknown') run.warn(`${location}: code not in ConceptMap ${id}`);
  if (candidate !== undefined && translation !== undefined && translation.status !== 'unknown') {
    if (candidate.system === undefined && source !== '') candidate.system = source;
    if (candidate.display === undefined && translation.sourceDisplay !== undefined) candidate.display = translation.sourceDisplay;
  }
  const target: Coding | undefined =
    translation?.status === 'mapped'
      ? { system: translation.system, code: translation.code, ...(translation.display === undefined ? {} : { display: translation.display }) }
      : undefined;
  if (output === 'code') return target?.code;
  if (output === 'coding') return target;
  const same = (c: Coding): boolean => target !== undefined && c.system === target.system && c.code === target.code;
  const concept: CodeableConcept = { coding: target === undefined ? originals : [target, ...originals.filter((c) => !same(c))] };
  const text = isObject(value) && typeof value['text'] === 'string' ? value['text'] : undefined;
  if (text !== undefined) concept.text = text;
  return concept;
}
