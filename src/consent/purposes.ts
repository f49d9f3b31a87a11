/**
 * v3 PurposeOfUse (ActReason) subsumption: a provision naming TREAT covers a request for ETREAT, because
 * ETREAT is-a TREAT. The hierarchy is data (`mappings/consent/purpose-of-use.json`). DOMAIN.md §6.
 */
import type { PurposeTable } from './types.ts';

/** The purpose and all its ancestors, most specific first. */
export function purposeLineage(purpose: string, table: PurposeTable): string[] {
  const lineage: string[] = [];
  for (let code: string | undefined = purpose.trim(); code !== undefined && !lineage.includes(code); code = table.parents[code]) {
    lineage.push(code);
  }
  return lineage;
}

/** True when `requested` equals `named` or is one of its descendants. */
export function isPurposeWithin(requested: string, named: string, table: PurposeTable): boolean {
  return purposeLineage(requested, table).includes(named.trim());
}

/** Direct care (TREAT, CAREMGT and their children): the only purposes the opt-out default permits. */
export function isDirectCare(purpose: string, table: PurposeTable): boolean {
  return table.directCare.some((named) => isPurposeWithin(purpose, named, table));
}

/** Emergency treatment (ETREAT and its children, such as BTG): the only purposes break-the-glass honours. */
export function isEmergency(purpose: string, table: PurposeTable): boolean {
  return table.emergency.some((named) => isPurposeWithin(purpose, named, table));
}
