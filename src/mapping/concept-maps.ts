/**
 * Code translation with FHIR R4 ConceptMaps (mappings/codes/*.json, https://hl7.org/fhir/R4/conceptmap.html):
 * each map has one group from an HL7 v2 table (or a list of names) to a FHIR code system. A code without an
 * exact match is tried once more in upper case (v2 senders vary: `m` for `M`). `unmatched` and `disjoint`
 * targets record a known code with no equivalent: no translation and no warning.
 */
import type { ConceptMap } from 'fhir/r4.js';

/** The outcome of a lookup. */
export type Translation =
  | { readonly status: 'mapped'; readonly system: string; readonly code: string; readonly display?: string; readonly sourceDisplay?: string }
  | { readonly status: 'unmatched'; readonly sourceDisplay?: string }
  | { readonly status: 'unknown' };

interface IndexedMap {
  readonly source: string;
  readonly exact: ReadonlyMap<string, Translation>;
  readonly upper: ReadonlyMap<string, Translation>;
}

/** All loaded ConceptMaps by id. */
export interface ConceptMapIndex {
  has(id: string): boolean;
  /** The source code system of the map (the HL7 v2 table), e.g. `http://terminology.hl7.org/CodeSystem/v2-0001`. */
  sourceSystem(id: string): string | undefined;
  translate(id: string, code: string): Translation;
  ids(): string[];
}

function indexMap(map: ConceptMap): IndexedMap {
  const exact = new Map<string, Translation>();
  const upper = new Map<string, Translation>();
  const group = map.group?.[0];
  for (const element of group?.element ?? []) {
    if (element.code === undefined) continue;
    const target = element.target?.[0];
    const sourceDisplay = element.display;
    let translation: Translation;
    if (target?.code === undefined || target.equivalence === 'unmatched' || target.equivalence === 'disjoint') {
      translation = sourceDisplay === undefined ? { status: 'unmatched' } : { status: 'unmatched', sourceDisplay };
    } else {
      translation = { status: 'mapped', system: group?.target ?? '', code: target.code, ...(target.display === undefined ? {} : { display: target.display }), ...(sourceDisplay === undefined ? {} : { sourceDisplay }) };
    }
    exact.set(element.code, translation);
    if (!upper.has(element.code.toUpperCase())) upper.set(element.code.toUpperCase(), translation);
  }
  return { source: group?.source ?? '', exact, upper };
}

/** Indexes ConceptMaps (already checked against the mapping schema) by their `id`. */
export function createConceptMapIndex(maps: readonly ConceptMap[]): ConceptMapIndex {
  const byId = new Map<string, IndexedMap>();
  for (const map of maps) if (map.id !== undefined) byId.set(map.id, indexMap(map));
  return {
    has: (id) => byId.has(id),
    sourceSystem: (id) => byId.get(id)?.source,
    translate(id, code) {
      const map = byId.get(id);
      if (map === undefined) return { status: 'unknown' };
      const trimmed = code.trim();
      return map.exact.get(trimmed) ?? map.upper.get(trimmed.toUpperCase()) ?? { status: 'unknown' };
    },
    ids: () => [...byId.keys()].sort(),
  };
}
