/**
 * Shapes of the consent core: what a decision needs (requester, resource facts, policy), what it returns,
 * and the rule tables loaded from `mappings/consent/` and `mappings/security-labels/`.
 * Rules: DOMAIN.md §6; FHIR R4 https://hl7.org/fhir/R4/consent.html
 */
import type { Coding, Consent } from 'fhir/r4.js';

/** Who asks: the client, its organisation (by reference and identifiers), care teams, clinician, purpose. */
export interface Requester {
  clientId: string;
  organization: { reference: string; identifiers: { system?: string; value?: string }[] };
  /** References (`CareTeam/x`, or pre-resolved `Group/y` memberships) the requester acts within. */
  careTeams?: string[];
  /** `Practitioner/x` when a clinician is identified; break-the-glass needs one. */
  practitioner?: string;
  /** One v3 PurposeOfUse code (TREAT, ETREAT, CAREMGT, HPAYMT, HOPERAT, PUBHLTH, …). */
  purposeOfUse: string;
}

/** What the decision looks at in the resource; build it with `factsOf`. */
export interface ResourceFacts {
  resourceType: string;
  id?: string;
  /** `Type/id` of the resource, for `provision.data` (meaning `instance`). */
  reference?: string;
  /** `meta.security` of the resource itself. */
  securityLabels: Coding[];
  /** Clinical codes found anywhere in the resource (for `provision.code`). */
  codes: Coding[];
  /** The clinically relevant date (for `provision.dataPeriod`). */
  date?: string;
  /** `meta.profile` (for `provision.class` given as a profile URL). */
  profiles?: string[];
  /** References the resource makes (for `provision.data` meanings related/dependents/authoredby). */
  references?: string[];
  /** Labels on parts of the resource (contained resources, Bundle entries): candidates for redaction. */
  elementLabels?: Coding[];
}

export type DefaultPolicy = 'opt-in' | 'opt-out';

export interface AccessPolicy {
  defaultPolicy: DefaultPolicy;
  /** The decision time; the core never reads the clock. */
  now: Date;
  /** An active break-the-glass override exists for this requester and patient. */
  breakGlass?: boolean;
}

export interface AccessRequest {
  /** Every Consent of the patient, any status; the core picks the ones in force. */
  consents: Consent[];
  requester: Requester;
  resource: ResourceFacts;
  policy: AccessPolicy;
}

/** What an enforcement layer must still do with a permitted resource. */
export interface Obligations {
  /** Drop the parts of the resource (contained resources, entries) carrying any of these labels. */
  redact: Coding[];
}

/** The outcome of one access decision. `consentIds` names the consents that decided (or were overridden). */
export type Decision =
  | {
      outcome: 'permit';
      basis: 'consent' | 'default' | 'break-glass';
      consentIds: string[];
      reason: string;
      obligations?: Obligations;
    }
  | {
      outcome: 'deny';
      basis: 'consent' | 'default' | 'sensitive-label';
      consentIds: string[];
      reason: string;
    };

/** A group of labels treated alike: a permit must name one of them before data carrying any is disclosed. */
export interface SensitivityCategory {
  id: string;
  labels: Coding[];
  /** An ETREAT break-the-glass override may disclose it without a naming permit. */
  breakGlass: boolean;
  /** A resource referencing data of this category inherits its labels. */
  propagates: boolean;
}

/** v3 PurposeOfUse hierarchy and the purposes the default and break-the-glass rules accept. */
export interface PurposeTable {
  parents: Record<string, string>;
  directCare: string[];
  emergency: string[];
}

/** One code-list rule: either an explicit list of codes or an inclusive prefix range `from`..`to`. */
export interface CodeMatcher {
  system: string;
  codes?: string[];
  from?: string;
  to?: string;
}

/** Codes that earn labels at ingest. */
export interface CodeList {
  id: string;
  labels: Coding[];
  include: CodeMatcher[];
  exclude: CodeMatcher[];
}

export type SourceKind = 'hospital' | 'gp-practice' | 'social-care' | 'aco' | 'care-team';

/** Every table the consent core reads, validated by `loadConsentRules`. */
export interface ConsentRules {
  categories: SensitivityCategory[];
  purposes: PurposeTable;
  /** Alternative system URIs → canonical R4 URI. */
  aliases: Record<string, string>;
  codeLists: CodeList[];
  sourceLabels: Record<SourceKind, Coding[]>;
  /** Resource type (or `*`) → dotted paths of its clinical date, first present wins. */
  clinicalDates: Record<string, string[]>;
}
