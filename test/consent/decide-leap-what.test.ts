/**
 * The LEAP consent-processor scenarios of RELIABILITY.md §3.2 (which data: labels, classes, codes), restated against our rules (FHIR R4
 * nested provisions, deny-first). LEAP answers NO_CONSENT where we apply the jurisdiction default (opt-in
 * here), so NO_CONSENT reads as `deny/default`.
 */
import type { Consent } from 'fhir/r4.js';
import type { Requester, ResourceFacts } from '../../src/consent/types.ts';
import { ACO_A, actor, confidentiality, consent, decide, label, permitExcept, RES, resourceType, summary, describeLeapScenarios, type LeapScenario } from './consent-fixtures.ts';


const restricted = (resource: ResourceFacts): ResourceFacts => ({ ...resource, securityLabels: [confidentiality('R')] });
const medicationStatement: ResourceFacts = { resourceType: 'MedicationStatement', id: 'ms-1', codes: [], securityLabels: [] };
const hiv: ResourceFacts = { ...RES.psy, id: 'hiv-1', securityLabels: [label('HIV')] };

const SCENARIOS: LeapScenario[] = [
  {
    name: 'security label provision',
    consents: () => [permitExcept({ securityLabel: [confidentiality('R')] })],
    requester: ACO_A,
    resource: restricted(RES.plain),
    expected: 'deny/consent',
  },
  {
    name: 'several security label provisions',
    consents: () => [
      consent({ type: 'permit', provision: [{ type: 'deny', securityLabel: [label('PSY')] }, { type: 'deny', securityLabel: [label('HIV')] }] }),
    ],
    requester: ACO_A,
    resource: hiv,
    expected: 'deny/consent',
  },
  {
    name: 'an array of security labels in one provision',
    consents: () => [permitExcept({ securityLabel: [label('PSY'), label('HIV')] })],
    requester: ACO_A,
    resource: hiv,
    expected: 'deny/consent',
  },
  {
    name: 'security label + content class, both matching',
    consents: () => [permitExcept({ securityLabel: [confidentiality('R')], class: [resourceType('Observation')] })],
    requester: ACO_A,
    resource: restricted(RES.plain),
    expected: 'deny/consent',
  },
  {
    name: 'security label + content class, class not matching',
    consents: () => [permitExcept({ securityLabel: [confidentiality('R')], class: [resourceType('Observation')] })],
    requester: ACO_A,
    resource: restricted(medicationStatement),
    expected: 'permit/consent',
  },
  {
    name: 'content class provision, request of that class',
    consents: () => [permitExcept({ class: [resourceType('MedicationStatement')] })],
    requester: ACO_A,
    resource: medicationStatement,
    expected: 'deny/consent',
  },
  {
    name: 'content class provision, request of another class',
    consents: () => [permitExcept({ class: [resourceType('MedicationStatement')] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'permit/consent',
  },
  {
    name: 'content class given as a profile',
    consents: () => [permitExcept({ class: [{ system: 'urn:ietf:rfc:3986', code: 'http://example.org/StructureDefinition/vitals' }] })],
    requester: ACO_A,
    resource: { ...RES.plain, profiles: ['http://example.org/StructureDefinition/vitals|1.0'] },
    expected: 'deny/consent',
  },
  {
    name: 'clinical code provision',
    consents: () => [permitExcept({ code: [{ coding: [{ system: 'http://loinc.org', code: '8867-4' }] }] })],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/consent',
  },
  {
    name: 'an array of provisions, one matching',
    consents: () => [
      consent({ type: 'permit', provision: [{ type: 'deny', actor: [actor('Organization/zzz')] }, { type: 'deny', class: [resourceType('Observation')] }] }),
    ],
    requester: ACO_A,
    resource: RES.plain,
    expected: 'deny/consent',
  },
];

describeLeapScenarios(SCENARIOS);
