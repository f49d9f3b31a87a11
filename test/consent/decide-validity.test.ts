/**
 * Consent validity and input handling (R4 consent.html; DOMAIN.md §6; RELIABILITY.md cases 19, 22): which
 * consents are in force, actions, the confidentiality high-water mark, and malformed input (fail closed).
 */
import type { Consent } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { ResourceFacts } from '../../src/consent/types.ts';
import { GatewayError } from '../../src/shared/errors.ts';
import { ACO_A, actor, as, confidentiality, consent, decide, denyAll, permitExcept, RES, summary } from './consent-fixtures.ts';

describe('actions (we decide disclosure: access, use, disclose)', () => {
  const action = (...codes: string[]) =>
    codes.map((code) => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code }] }));
  it.each([
    ['deny collect only → does not apply', permitExcept({ action: action('collect') }), 'permit/consent'],
    ['deny correct only → does not apply', permitExcept({ action: action('correct') }), 'permit/consent'],
    ['deny access → applies', permitExcept({ action: action('access') }), 'deny/consent'],
    ['deny disclose → applies', permitExcept({ action: action('disclose') }), 'deny/consent'],
    ['deny use + collect → applies', permitExcept({ action: action('collect', 'use') }), 'deny/consent'],
    ['deny with an unknown action system → applies (doubt denies)', permitExcept({ action: [{ coding: [{ system: 'urn:x', code: 'read' }] }] }), 'deny/consent'],
    ['root permit for correct only → not applicable, default', consent({ type: 'permit', action: action('correct') }), 'deny/default'],
  ])('%s', (_name, made, expected) => {
    expect(summary(decide([made], ACO_A, RES.plain))).toBe(expected);
  });
});

describe('which consents are in force', () => {
  const scope = (system: string | undefined, code: string) => ({ coding: [system === undefined ? { code } : { system, code }] });
  const SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
  it.each([
    ['scope patient-privacy', { scope: scope(SCOPE, 'patient-privacy') }, 'deny/consent'],
    ['scope patient-privacy with the legacy URL', { scope: scope('http://hl7.org/fhir/consentscope', 'patient-privacy') }, 'deny/consent'],
    ['scope patient-privacy without system', { scope: scope(undefined, 'patient-privacy') }, 'deny/consent'],
    ['scope research', { scope: scope(SCOPE, 'research') }, 'permit/default'],
    ['scope treatment', { scope: scope(SCOPE, 'treatment') }, 'permit/default'],
    ['no scope, patient-privacy in category', { scope: undefined, category: [scope(SCOPE, 'patient-privacy')] }, 'deny/consent'],
    ['no scope, no privacy category', { scope: undefined }, 'permit/default'],
    ['period ending today (whole day)', { provision: { type: 'deny', period: { end: '2025-06-15' } } }, 'deny/consent'],
    ['period starting today', { provision: { type: 'deny', period: { start: '2025-06-15T12:00:00Z' } } }, 'deny/consent'],
    ['period ended a second ago', { provision: { type: 'deny', period: { end: '2025-06-15T11:59:59Z' } } }, 'permit/default'],
    ['dateTime yesterday, no period', { dateTime: '2025-06-14' }, 'deny/consent'],
    ['dateTime tomorrow, no period', { dateTime: '2025-06-16T00:00:00Z' }, 'permit/default'],
    ['dateTime tomorrow but period started', { dateTime: '2025-06-16', provision: { type: 'deny', period: { start: '2025-01-01' } } }, 'deny/consent'],
  ] as const)('%s', (_name, changes, expected) => {
    const made = consent({ type: 'deny' }, changes as Partial<Consent>);
    expect(summary(decide([made], ACO_A, RES.plain, { defaultPolicy: 'opt-out' }))).toBe(expected);
  });

  it('checks a nested provision period against now', () => {
    const lapsed = permitExcept({ period: { end: '2025-01-01' }, actor: [actor('Organization/aco-a')] });
    const current = permitExcept({ period: { start: '2025-01-01' }, actor: [actor('Organization/aco-a')] });
    expect(summary(decide([lapsed], ACO_A, RES.plain))).toBe('permit/consent');
    expect(summary(decide([current], ACO_A, RES.plain))).toBe('deny/consent');
  });
});

describe('confidentiality labels are a high-water mark (R4 Consent.provision.securityLabel)', () => {
  const denyR = () => permitExcept({ securityLabel: [confidentiality('R')] });
  const labelled = (code: string): ResourceFacts => ({ ...RES.plain, securityLabels: [confidentiality(code)] });
  it.each([
    ['N', 'deny/consent'],
    ['R', 'deny/consent'],
    ['V (above R: not covered, and sensitive)', 'deny/sensitive-label'],
  ])('deny R, resource %s → %s', (code, expected) => {
    expect(summary(decide([denyR()], ACO_A, labelled(code.slice(0, 1))))).toBe(expected);
  });
});

describe('bad input is refused, never guessed (fail closed)', () => {
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return error instanceof GatewayError ? error.code : 'not a GatewayError';
    }
    return 'no error';
  };
  it.each([
    ['malformed period in a consent in force', () => decide([consent({ type: 'deny', period: { start: 'yesterday' } })], ACO_A, RES.plain), 'CNS-CONSENT-INVALID'],
    ['malformed dataPeriod', () => decide([permitExcept({ dataPeriod: { end: '2025-13-01' } })], ACO_A, RES.plain), 'CNS-CONSENT-INVALID'],
    ['malformed dateTime', () => decide([consent({ type: 'deny' }, { dateTime: 'soon' })], ACO_A, RES.plain), 'CNS-CONSENT-INVALID'],
    ['unknown provision type', () => decide([consent({ type: 'allow' as 'permit' })], ACO_A, RES.plain), 'CNS-CONSENT-INVALID'],
    ['no purpose of use', () => decide([], as(ACO_A, { purposeOfUse: ' ' }), RES.plain), 'CNS-NO-PURPOSE'],
    ['no client', () => decide([], as(ACO_A, { clientId: '' }), RES.plain), 'CNS-NO-CLIENT'],
    ['no organization', () => decide([], as(ACO_A, { organization: { reference: '', identifiers: [] } }), RES.plain), 'CNS-NO-ORGANIZATION'],
    ['invalid decision time', () => decide([], ACO_A, RES.plain, { now: new Date('nope') }), 'CNS-INVALID-NOW'],
    ['no resource type', () => decide([], ACO_A, { ...RES.plain, resourceType: '' }), 'CNS-INVALID-FACTS'],
  ])('%s → %s', (_name, fn, expected) => {
    expect(code(fn)).toBe(expected);
  });

  it('ignores malformed dates in consents that are not in force', () => {
    const inactive = consent({ type: 'deny', period: { start: 'yesterday' } }, { status: 'inactive' });
    expect(summary(decide([inactive, denyAll()], ACO_A, RES.plain))).toBe('deny/consent');
    expect(summary(decide([inactive], ACO_A, RES.plain))).toBe('deny/default');
  });
});
