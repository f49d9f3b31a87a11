/**
 * Comparing Codings the way the consent core needs: system aliases (legacy FHIR URLs, OIDs) folded to the
 * R4 URI, ICD-10 codes compared without dots or case, and a missing system matching on the code alone.
 */
import type { Coding } from 'fhir/r4.js';

export const SYSTEMS = {
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  consentAction: 'http://terminology.hl7.org/CodeSystem/consentaction',
  resourceTypes: 'http://hl7.org/fhir/resource-types',
} as const;

/** Confidentiality codes from least to most restricted (FHIR R4 security-labels: a high-water mark). */
const CONFIDENTIALITY_RANK: Readonly<Record<string, number>> = { U: 0, L: 1, M: 2, N: 3, R: 4, V: 5 };

/** The canonical URI of a system, or undefined when none is given. */
export function canonicalSystem(system: string | undefined, aliases: Record<string, string>): string | undefined {
  if (system === undefined) return undefined;
  const trimmed = system.trim();
  if (trimmed === '') return undefined;
  return aliases[trimmed] ?? trimmed;
}

/** True for the ICD-10 family (WHO ICD-10, ICD-10-CM), whose codes are compared without dots. */
export function isIcd10System(system: string | undefined): boolean {
  return system !== undefined && system.startsWith('http://hl7.org/fhir/sid/icd-10');
}

/** A code in comparable form: trimmed; for ICD-10 also upper-cased with dots removed (`f10.20` → `F1020`). */
export function normalizeCode(system: string | undefined, code: string): string {
  const trimmed = code.trim();
  return isIcd10System(system) ? trimmed.toUpperCase().replaceAll('.', '') : trimmed;
}

/**
 * Same concept? Codes must be equal (normalised); systems must be equal when both are given.
 * A Coding without a system matches on its code alone.
 */
export function sameCoding(a: Coding, b: Coding, aliases: Record<string, string>): boolean {
  if (a.code === undefined || b.code === undefined) return false;
  const systemA = canonicalSystem(a.system, aliases);
  const systemB = canonicalSystem(b.system, aliases);
  if (systemA !== undefined && systemB !== undefined && systemA !== systemB) return false;
  const system = systemA ?? systemB;
  return normalizeCode(system, a.code) === normalizeCode(system, b.code);
}

/** True when `codings` holds a Coding equal to `target`. */
export function includesCoding(codings: readonly Coding[], target: Coding, aliases: Record<string, string>): boolean {
  return codings.some((coding) => sameCoding(coding, target, aliases));
}

/** Codings without duplicates (first wins), keeping only system and code. */
export function distinctCodings(codings: readonly Coding[], aliases: Record<string, string>): Coding[] {
  const result: Coding[] = [];
  for (const coding of codings) {
    if (coding.code === undefined || includesCoding(result, coding, aliases)) continue;
    result.push(coding.system === undefined ? { code: coding.code } : { system: coding.system, code: coding.code });
  }
  return result;
}

/**
 * Does a provision's security label cover a resource's label? Equal codings do; for confidentiality the
 * provision's code is a high-water mark (`R` covers `R`, `N`, `M`, `L`, `U`), per the R4 comment on
 * `Consent.provision.securityLabel`.
 */
export function labelCovers(provisionLabel: Coding, resourceLabel: Coding, aliases: Record<string, string>): boolean {
  if (sameCoding(provisionLabel, resourceLabel, aliases)) return true;
  const provisionSystem = canonicalSystem(provisionLabel.system, aliases);
  const resourceSystem = canonicalSystem(resourceLabel.system, aliases);
  if (provisionSystem !== SYSTEMS.confidentiality || resourceSystem !== SYSTEMS.confidentiality) return false;
  const ceiling = CONFIDENTIALITY_RANK[provisionLabel.code ?? ''];
  const level = CONFIDENTIALITY_RANK[resourceLabel.code ?? ''];
  return ceiling !== undefined && level !== undefined && level <= ceiling;
}

/** True when the coding is in `system` (after aliases) or has no system, and its code is one of `codes`. */
export function isCodeOf(coding: Coding, system: string, codes: readonly string[], aliases: Record<string, string>): boolean {
  const own = canonicalSystem(coding.system, aliases);
  return (own === undefined || own === system) && coding.code !== undefined && codes.includes(coding.code.trim());
}
