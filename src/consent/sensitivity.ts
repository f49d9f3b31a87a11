/**
 * Sensitive data (DOMAIN.md §6): labels grouped in categories (`mappings/security-labels/categories.json`).
 * Data carrying a category's label is shared only under a permit whose provisions name a label of that
 * category, whatever the default (US 42 CFR Part 2 for substance-use records).
 */
import type { Coding } from 'fhir/r4.js';
import { sameCoding } from './codings.ts';
import type { ConsentRules, SensitivityCategory } from './types.ts';

/** The categories any of these labels belong to (a label without a system matches on its code). */
export function categoriesOf(labels: readonly Coding[], rules: ConsentRules): SensitivityCategory[] {
  return rules.categories.filter((category) =>
    category.labels.some((known) => labels.some((label) => sameCoding(known, label, rules.aliases))),
  );
}

/** Ids of the categories named by a provision's `securityLabel`. */
export function categoryIdsNamedBy(labels: readonly Coding[] | undefined, rules: ConsentRules): string[] {
  return categoriesOf(labels ?? [], rules).map((category) => category.id);
}

/** The labels of `labels` that belong to a category flagged `propagates`. */
export function propagatingLabels(labels: readonly Coding[], rules: ConsentRules): Coding[] {
  const propagating = rules.categories.filter((category) => category.propagates);
  return labels.filter((label) =>
    propagating.some((category) => category.labels.some((known) => sameCoding(known, label, rules.aliases))),
  );
}
