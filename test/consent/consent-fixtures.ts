/** Builders shared by the consent tests: requesters, consents, resource facts, and a one-call decide. */
import type { Coding, Consent, ConsentProvision, ConsentProvisionActor } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { loadConsentRules } from '../../src/consent/load-rules.ts';
import { decideAccess } from '../../src/consent/policy.ts';
import type { Decision, DefaultPolicy, Requester, ResourceFacts } from '../../src/consent/types.ts';

export const RULES = loadConsentRules();
export const NOW = new Date('2025-06-15T12:00:00Z');
export const ODS = 'https://example.org/ods';

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const CONF = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const label = (code: string): Coding => ({ system: ACT, code });
export const confidentiality = (code: string): Coding => ({ system: CONF, code });
export const purpose = (code: string): Coding => ({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code });
export const resourceType = (code: string): Coding => ({ system: 'http://hl7.org/fhir/resource-types', code });

const RECIPIENT = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] };
/** An information-recipient actor given by a reference string. */
export const actor = (reference: string): ConsentProvisionActor => ({ role: RECIPIENT, reference: { reference } });
/** An information-recipient actor given by an identifier (optionally typed). */
export const actorId = (system: string | undefined, value: string, type?: string): ConsentProvisionActor => ({
  role: RECIPIENT,
  reference: { identifier: system === undefined ? { value } : { system, value }, ...(type === undefined ? {} : { type }) },
});

export const ACO_A: Requester = {
  clientId: 'client-a',
  organization: { reference: 'Organization/aco-a', identifiers: [{ system: ODS, value: 'ACOA' }] },
  practitioner: 'Practitioner/dr-a',
  purposeOfUse: 'TREAT',
};

/** ACO-B is known here by a reference the consents do not use, and by two identifiers. */
export const ACO_B: Requester = {
  clientId: 'client-b',
  organization: {
    reference: 'Organization/aco-b-local',
    identifiers: [
      { system: ODS, value: 'ACOB' },
      { system: ODS, value: 'ACOB2' },
    ],
  },
  purposeOfUse: 'TREAT',
};

/** ACO-B as the consent names it, by reference. */
export const ACO_B_BY_REF: Requester = { ...ACO_B, organization: { ...ACO_B.organization, reference: 'Organization/aco-b' } };

export function as(requester: Requester, changes: Partial<Requester>): Requester {
  return { ...requester, ...changes };
}

let counter = 0;

/** An active patient-privacy Consent with the given root provision. */
export function consent(provision: ConsentProvision | undefined, changes: Partial<Consent> = {}): Consent {
  counter += 1;
  const base: Consent = {
    resourceType: 'Consent',
    id: `c${counter}`,
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-6' }] }],
    patient: { reference: 'Patient/x' },
  };
  return provision === undefined ? { ...base, ...changes } : { ...base, provision, ...changes };
}

export const permitAll = (): Consent => consent({ type: 'permit' });
export const denyAll = (): Consent => consent({ type: 'deny' });
/** Root permit with one nested deny. */
export const permitExcept = (nested: Omit<ConsentProvision, 'type'>): Consent =>
  consent({ type: 'permit', provision: [{ type: 'deny', ...nested }] });
/** Root deny with one nested permit. */
export const denyExcept = (nested: Omit<ConsentProvision, 'type'>): Consent =>
  consent({ type: 'deny', provision: [{ type: 'permit', ...nested }] });

function facts(resourceType: string, id: string, codes: Coding[], labels: Coding[], date: string): ResourceFacts {
  return { resourceType, id, reference: `${resourceType}/${id}`, codes, securityLabels: labels, date, references: [] };
}

export const RES = {
  plain: facts('Observation', 'obs-1', [{ system: 'http://loinc.org', code: '8867-4' }], [], '2025-01-10'),
  psy: facts('Condition', 'psy-1', [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'F32.1' }], [label('PSY')], '2024-03-01'),
  eth: facts(
    'Condition',
    'eth-1',
    [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'F10.2' }],
    [label('ETH'), label('42CFRPart2')],
    '2023-05-01',
  ),
  soc: facts('QuestionnaireResponse', 'soc-1', [], [label('SOC')], '2025-01-20'),
  v: facts('Condition', 'v-1', [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'T74.1' }], [confidentiality('V')], '2025-02-01'),
} as const;

export interface DecideOptions {
  defaultPolicy?: DefaultPolicy;
  breakGlass?: boolean;
  now?: Date;
}

export function decide(consents: Consent[], requester: Requester, resource: ResourceFacts, options: DecideOptions = {}): Decision {
  const policy = { defaultPolicy: options.defaultPolicy ?? 'opt-in', now: options.now ?? NOW, breakGlass: options.breakGlass ?? false };
  return decideAccess({ consents, requester, resource, policy }, RULES);
}

/** `permit/consent`-style summary, to keep table rows short. */
export function summary(decision: Decision): string {
  return `${decision.outcome}/${decision.basis}`;
}

/** A LEAP consent-processor scenario (RELIABILITY.md §3.2), restated against our rules. */
export interface LeapScenario {
  name: string;
  consents: () => Consent[];
  requester: Requester;
  resource: ResourceFacts;
  expected: string;
}

/** Runs LEAP scenarios in an opt-in jurisdiction, where LEAP's NO_CONSENT reads as `deny/default`. */
export function describeLeapScenarios(scenarios: readonly LeapScenario[]): void {
  describe('LEAP consent-processor scenarios (opt-in jurisdiction)', () => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, s) => {
      expect(summary(decide(s.consents(), s.requester, s.resource, { defaultPolicy: 'opt-in' }))).toBe(s.expected);
    });
  });
}
