/**
 * The LEAP consent-processor scenarios of RELIABILITY.md §3.2 (validity, recipients, purposes), restated against our rules (FHIR R4
 * nested provisions, deny-first). LEAP answers NO_CONSENT where we apply the jurisdiction default (opt-in
 * here), so NO_CONSENT reads as `deny/default`.
 */
import type { Consent } from 'fhir/r4.js';
import type { Requester, ResourceFacts } from '../../src/consent/types.ts';
import { ACO_A, ACO_B, ACO_B_BY_REF, actor, actorId, as, consent, decide, denyExcept, ODS, permitExcept, purpose, RES, summary, describeLeapScenarios, type LeapScenario } from './consent-fixtures.ts';


const SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
const optIn = (changes: Partial<Consent> = {}) =>
  consent(undefined, { policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] }, ...changes });

const SCENARIOS: LeapScenario[] = [
  { name: 'active opt-in consent', consents: () => [optIn()], requester: ACO_A, resource: RES.plain, expected: 'permit/consent' },
  {
    name: 'active opt-in with scope stored in category[0]',
    consents: () => [optIn({ scope: undefined, category: [{ coding: [{ system: SCOPE, code: 'patient-privacy' }] }] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'permit/consent',
  },
  {
    name: 'active but expired opt-in',
    consents: () => [optIn({ provision: { period: { end: '2025-01-01' } } })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/default',
  },
  {
    name: 'active but not yet valid opt-in',
    consents: () => [optIn({ provision: { period: { start: '2026-01-01' } } })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/default',
  },
  {
    name: 'opt-in with a blacklisted recipient actor',
    consents: () => [permitExcept({ actor: [actor('Organization/aco-b')] })],
    requester: ACO_B_BY_REF,
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'blacklisted actor matched on one of several identifiers',
    consents: () => [permitExcept({ actor: [actorId(ODS, 'ACOB2', 'Organization')] })],
    requester: ACO_B,
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'blacklisted actor of type practitioner',
    consents: () => [permitExcept({ actor: [actor('Practitioner/dr-a')] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'blacklisted purpose of use, asking with it',
    consents: () => [permitExcept({ purpose: [purpose('HPAYMT')] })],
    requester: as(ACO_A, { purposeOfUse: 'HPAYMT' }),
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'blacklisted purpose of use, asking with another',
    consents: () => [permitExcept({ purpose: [purpose('HPAYMT')] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'permit/consent',
  },
  {
    name: 'purpose in the root provision not matching the request',
    consents: () => [consent({ type: 'permit', purpose: [purpose('ETREAT')] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/default',
  },
  {
    name: 'purpose in the root provision matching the request',
    consents: () => [consent({ type: 'permit', purpose: [purpose('ETREAT')] })],
    requester: as(ACO_A, { purposeOfUse: 'ETREAT' }),
    resource: RES.plain,
    expected: 'permit/consent',
  },
  {
    name: 'array of provisions matching some purposes (asks TREAT)',
    consents: () => [consent({ type: 'deny', provision: [{ type: 'permit', purpose: [purpose('HPAYMT')] }, { type: 'permit', purpose: [purpose('TREAT')] }] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'permit/consent',
  },
  {
    name: 'array of provisions matching some purposes (asks HOPERAT)',
    consents: () => [consent({ type: 'deny', provision: [{ type: 'permit', purpose: [purpose('HPAYMT')] }, { type: 'permit', purpose: [purpose('TREAT')] }] })],
    requester: as(ACO_A, { purposeOfUse: 'HOPERAT' }),
    resource: RES.plain,
    expected: 'deny/consent',
  },
  { name: 'no active opt-in consent', consents: () => [optIn({ status: 'inactive' })], requester: ACO_A, resource: RES.plain, expected: 'deny/default' },
  {
    name: 'active opt-in with a different scope',
    consents: () => [optIn({ scope: { coding: [{ system: SCOPE, code: 'research' }] } })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/default',
  },
  {
    name: 'opt-out consent (policyRule OPTOUT)',
    consents: () => [consent(undefined, { policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] } })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'deny all except emergency treatment, asks ETREAT',
    consents: () => [denyExcept({ purpose: [purpose('ETREAT')] })],
    requester: as(ACO_A, { purposeOfUse: 'ETREAT' }),
    resource: RES.plain,
    expected: 'permit/consent',
  },
];

describeLeapScenarios(SCENARIOS);
