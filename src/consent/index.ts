/**
 * The consent core (DOMAIN.md §6): pure decision and labelling functions. No I/O except `loadConsentRules`,
 * which reads the rule tables once at boot.
 */
export { decideAccess } from './policy.ts';
export { factsOf, clinicalDateOf } from './facts.ts';
export { labelResource, labelsRevealedBy, mergeSecurityLabels } from './labels.ts';
export type { LabelOptions, ReferencedLabels } from './labels.ts';
export { loadConsentRules } from './load-rules.ts';
export type {
  AccessPolicy,
  AccessRequest,
  ConsentRules,
  Decision,
  DefaultPolicy,
  Obligations,
  Requester,
  ResourceFacts,
  SourceKind,
} from './types.ts';
