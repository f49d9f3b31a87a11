/**
 * Matching clinical codes against the code lists of `mappings/security-labels/*.codes.json`.
 * `codes` are exact (after normalisation); a range `from`..`to` holds every code at or after `from` and at
 * or before `to`, where `to` is an inclusive prefix: `F10`..`F19` holds `F19.99` and `F1020`, not `F20`.
 * ICD-10 and ICD-10-CM codes compare without dots and case, so `F10.20` and `F1020` are the same code.
 */
import type { Coding } from 'fhir/r4.js';
import { canonicalSystem, normalizeCode } from './codings.ts';
import type { CodeList, CodeMatcher } from './types.ts';

/** True when the coding is one the matcher describes. A coding without a system never matches a list. */
export function matchesCodeMatcher(coding: Coding, matcher: CodeMatcher, aliases: Record<string, string>): boolean {
  const system = canonicalSystem(coding.system, aliases);
  if (system === undefined || coding.code === undefined) return false;
  if (system !== canonicalSystem(matcher.system, aliases)) return false;
  const code = normalizeCode(system, coding.code);
  if (code === '') return false;
  if (matcher.codes) return matcher.codes.some((listed) => normalizeCode(system, listed) === code);
  if (matcher.from === undefined || matcher.to === undefined) return false;
  const from = normalizeCode(system, matcher.from);
  const to = normalizeCode(system, matcher.to);
  return code >= from && (code <= to || code.startsWith(to));
}

/** True when the coding is included by the list and not excluded by it. */
export function matchesCodeList(coding: Coding, list: CodeList, aliases: Record<string, string>): boolean {
  const included = list.include.some((matcher) => matchesCodeMatcher(coding, matcher, aliases));
  return included && !list.exclude.some((matcher) => matchesCodeMatcher(coding, matcher, aliases));
}
