/**
 * Redaction obligations (RELIABILITY.md case 18; LEAP `REDACT` obligation): a permitted resource whose parts
 * (contained resources, Bundle entries) carry labels that would be denied comes back with `redact`.
 */
import { describe, expect, it } from 'vitest';
import type { Coding } from 'fhir/r4.js';
import type { ResourceFacts } from '../../src/consent/types.ts';
import {
  ACO_A,
  as,
  confidentiality,
  consent,
  decide,
  denyAll,
  label,
  permitAll,
  permitExcept,
  RES,
} from './consent-fixtures.ts';

const withParts = (...labels: Coding[]): ResourceFacts => ({ ...RES.plain, elementLabels: labels });

describe('redaction obligations', () => {
  it.each([
    ['permit all, PSY part → redact PSY (not named)', [permitAll()], [label('PSY')], [label('PSY')]],
    ['permit naming PSY, PSY part → nothing to redact', [consent({ type: 'permit', provision: [{ type: 'permit', securityLabel: [label('PSY')] }] })], [label('PSY')], []],
    ['permit all, deny R, R part → redact R', [permitExcept({ securityLabel: [confidentiality('R')] })], [confidentiality('R')], [confidentiality('R')]],
    ['permit all, deny R, N part → redact N (high-water)', [permitExcept({ securityLabel: [confidentiality('R')] })], [confidentiality('N')], [confidentiality('N')]],
    ['permit all, unlabelled-category part → nothing', [permitAll()], [{ system: 'urn:example', code: 'X' }], []],
    ['permit all, PSY and ETH parts → redact both', [permitAll()], [label('PSY'), label('ETH'), label('PSY')], [label('PSY'), label('ETH')]],
  ])('%s', (_name, consents, parts, redact) => {
    const decision = decide(consents, ACO_A, withParts(...parts));
    expect(decision.outcome).toBe('permit');
    expect(decision.outcome === 'permit' ? (decision.obligations?.redact ?? []) : undefined).toEqual(redact);
  });

  it('does not redact a label the whole resource already carries and is permitted for', () => {
    const named = consent({ type: 'permit', securityLabel: [label('PSY')] });
    const decision = decide([named], ACO_A, { ...RES.psy, elementLabels: [label('PSY')] });
    expect(decision).toEqual({ outcome: 'permit', basis: 'consent', consentIds: [named.id], reason: expect.any(String) });
  });

  it('redacts by default too: opt-out default, PSY part', () => {
    const decision = decide([], ACO_A, withParts(label('PSY')), { defaultPolicy: 'opt-out' });
    expect(decision).toMatchObject({ outcome: 'permit', basis: 'default', obligations: { redact: [label('PSY')] } });
  });

  it('under break-the-glass, keeps very restricted parts out and lets sensitive parts through', () => {
    const emergency = as(ACO_A, { purposeOfUse: 'ETREAT' });
    const decision = decide([denyAll()], emergency, withParts(label('PSY'), confidentiality('V')), { breakGlass: true });
    expect(decision).toMatchObject({ outcome: 'permit', basis: 'break-glass', obligations: { redact: [confidentiality('V')] } });
  });

  it('has no obligations on a deny', () => {
    expect(decide([denyAll()], ACO_A, withParts(label('PSY')))).not.toHaveProperty('obligations');
  });
});
