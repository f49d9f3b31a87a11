/**
 * A FHIR search, parsed into structure: AND across filters, OR across each filter's values.
 * https://hl7.org/fhir/R4/search.html
 */
import type { SearchParamType } from '../search-parameters.ts';

export interface ParamFilter {
  code: string;
  type: SearchParamType | 'id' | 'lastUpdated';
  /** `missing`, `exact`, `contains`, `text`, `not`, `below`, `above`, or a resource type on a reference. */
  modifier?: string;
  /** OR-ed values, already split on unescaped commas. */
  values: string[];
  /** One level of chaining: `subject:Patient.name=x` (the filter applies to the referenced resource). */
  chain?: { targetTypes: string[]; filter: ParamFilter };
  /** Reverse chaining: `_has:Observation:patient:code=x`. */
  has?: { sourceType: string; referenceCode: string; filter: ParamFilter };
}

export interface SortKey {
  code: string;
  type: SearchParamType | 'id' | 'lastUpdated';
  descending: boolean;
}

export interface IncludeSpec {
  sourceType: string;
  /** `*` means every reference parameter of the source type. */
  code: string;
  targetType?: string;
  iterate: boolean;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchQuery {
  resourceType: string;
  filters: ParamFilter[];
  sort: SortKey[];
  count: number;
  offset: number;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  total: TotalMode;
  /** Restricts to one patient's compartment (`Patient/{id}/{type}`, `$everything`). */
  compartmentPatientId?: string;
  /** Only count; no entries (`_summary=count`). */
  countOnly?: boolean;
}
