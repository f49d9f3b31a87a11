/**
 * Provision structure (R4 consent.html; DOMAIN.md §6): nested exceptions three levels deep, depth and
 * deny-over-permit, which provisions name a sensitive category, and a root provision without a type.
 */
import type { Consent } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { ResourceFacts } from '../../src/consent/types.ts';
import {
  ACO_A,
  ACO_B_BY_REF,
  actor,
  consent,
  decide,
  label,
  RES,
  resourceType,
  summary,
} from './consent-fixtures.ts';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const condition = (code: string): ResourceFacts => ({
  resourceType: 'Condition',
  id: `cond-${code}`,
  reference: `Condition/cond-${code}`,
  codes: [{ system: ICD10, code }],
  securityLabels: [],
});

describe('nested provisions, three levels deep', () => {
  // Deny everyone; except ACO-A; but not its Conditions; except hypertension (I10).
  const layered = (): Consent =>
    consent({
      type: 'deny',
      provision: [
        {
          type: 'permit',
          actor: [actor('Organization/aco-a')],
          provision: [
            {
              type: 'deny',
              class: [resourceType('Condition')],
              provision: [{ type: 'permit', code: [{ coding: [{ system: ICD10, code: 'I10' }] }] }],
            },
          ],
        },
      ],
    });

  it.each([
    ['ACO-A, Observation (level 1 permit)', ACO_A, RES.plain, 'permit/consent'],
    ['ACO-A, Condition E11 (level 2 deny)', ACO_A, condition('E11'), 'deny/consent'],
    ['ACO-A, Condition I10 (level 3 permit)', ACO_A, condition('I10'), 'permit/consent'],
    ['ACO-B, Observation (root deny)', ACO_B_BY_REF, RES.plain, 'deny/consent'],
    ['ACO-B, Condition I10 (exceptions of ACO-A only)', ACO_B_BY_REF, condition('I10'), 'deny/consent'],
  ])('%s → %s', (_name, requester, resource, expected) => {
    for (const defaultPolicy of ['opt-in', 'opt-out'] as const) {
      expect(summary(decide([layered()], requester, resource, { defaultPolicy }))).toBe(expected);
    }
  });
});

describe('depth and deny-over-permit', () => {
  const sameLevel = (): Consent =>
    consent({
      type: 'permit',
      provision: [
        { type: 'permit', actor: [actor('Organization/aco-a')] },
        { type: 'deny', class: [resourceType('Observation')] },
      ],
    });
  const deeperPermit = (): Consent =>
    consent({
      type: 'deny',
      provision: [
        { type: 'deny', class: [resourceType('Observation')] },
        {
          type: 'permit',
          actor: [actor('Organization/aco-a')],
          provision: [{ type: 'permit', code: [{ coding: [{ system: 'http://loinc.org', code: '8867-4' }] }] }],
        },
      ],
    });

  it.each([
    ['same level: permit actor vs deny class, Observation', sameLevel, RES.plain, 'deny/consent'],
    ['same level: permit actor vs deny class, Condition', sameLevel, condition('I10'), 'permit/consent'],
    ['deeper permit (level 2) beats a shallower deny (level 1) in another branch', deeperPermit, RES.plain, 'permit/consent'],
    ['shallower deny stands when the deeper permit does not match', deeperPermit, { ...RES.plain, codes: [] }, 'deny/consent'],
  ])('%s → %s', (_name, make, resource, expected) => {
    expect(summary(decide([make()], ACO_A, resource))).toBe(expected);
  });
});

describe('which provisions name a sensitive category', () => {
  it.each([
    ['a deny ancestor naming PSY with a nested permit for ACO-A', consent({ type: 'deny', securityLabel: [label('PSY')], provision: [{ type: 'permit', actor: [actor('Organization/aco-a')] }] }), 'permit/consent'],
    ['a permit ancestor naming PSY with a narrower nested permit', consent({ type: 'permit', securityLabel: [label('PSY')], provision: [{ type: 'permit', actor: [actor('Organization/aco-a')] }] }), 'permit/consent'],
    ['a sibling branch naming PSY for another organisation', consent({ type: 'permit', provision: [{ type: 'permit', actor: [actor('Organization/aco-z')], securityLabel: [label('PSY')] }] }), 'deny/sensitive-label'],
    ['a permit naming MH (same category as PSY)', consent({ type: 'permit', securityLabel: [label('MH')] }), 'deny/default'],
    ['a root permit naming PSY and MH', consent({ type: 'permit', securityLabel: [label('MH'), label('PSY')] }), 'permit/consent'],
  ])('%s → %s', (_name, made, expected) => {
    expect(summary(decide([made], ACO_A, RES.psy))).toBe(expected);
  });

  it('needs every category of a resource named', () => {
    const both = { ...RES.psy, securityLabels: [label('PSY'), label('HIV')] };
    const namesPsy = consent({ type: 'permit', provision: [{ type: 'permit', securityLabel: [label('PSY')] }] });
    const namesHiv = consent({ type: 'permit', provision: [{ type: 'permit', securityLabel: [label('HIV')] }] });
    expect(summary(decide([namesPsy], ACO_A, both))).toBe('deny/sensitive-label');
    expect(summary(decide([namesPsy, namesHiv], ACO_A, both))).toBe('permit/consent');
  });
});

describe('root provision without a type (R4: not permitted in the root rule)', () => {
  const exceptionsOnly = (type: 'permit' | 'deny') =>
    consent({ provision: [{ type, actor: [actor('Organization/aco-a')] }] });
  const policyRule = (code: string, nested?: Consent['provision']) =>
    consent(nested, { policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code }] } });

  it.each([
    ['nested deny for ACO-A, opt-out, ACO-A', exceptionsOnly('deny'), ACO_A, 'opt-out', 'deny/consent'],
    ['nested deny for ACO-A, opt-out, ACO-B (default stands)', exceptionsOnly('deny'), ACO_B_BY_REF, 'opt-out', 'permit/default'],
    ['nested permit for ACO-A, opt-in, ACO-A', exceptionsOnly('permit'), ACO_A, 'opt-in', 'permit/consent'],
    ['nested permit for ACO-A, opt-in, ACO-B (default stands)', exceptionsOnly('permit'), ACO_B_BY_REF, 'opt-in', 'deny/default'],
    ['no provision, policyRule OPTOUT', policyRule('OPTOUT'), ACO_A, 'opt-out', 'deny/consent'],
    ['no provision, policyRule OPTIN', policyRule('OPTIN'), ACO_A, 'opt-in', 'permit/consent'],
    ['policyRule OPTINR with a nested deny', policyRule('OPTINR', { provision: [{ type: 'deny', actor: [actor('Organization/aco-a')] }] }), ACO_A, 'opt-in', 'deny/consent'],
    ['no provision and no policyRule', consent(undefined), ACO_A, 'opt-in', 'deny/default'],
  ] as const)('%s → %s', (_name, made, requester, defaultPolicy, expected) => {
    expect(summary(decide([made], requester, RES.plain, { defaultPolicy }))).toBe(expected);
  });

  it('treats a nested provision without a type as a deny', () => {
    const untyped = consent({ type: 'permit', provision: [{ actor: [actor('Organization/aco-a')] }] });
    expect(summary(decide([untyped], ACO_A, RES.plain))).toBe('deny/consent');
  });
});
