/** Reference parsing and `provision.actor` matching, including the three-valued 'unknown' cases. */
import { describe, expect, it } from 'vitest';
import { matchActor } from '../../src/consent/actors.ts';
import { parseReference, referenceKey } from '../../src/consent/references.ts';
import { ACO_A, ACO_B, actor, actorId, as, decide, ODS, permitExcept, RES, summary } from './consent-fixtures.ts';

describe('parseReference', () => {
  it.each([
    ['Organization/x', 'Organization/x'],
    ['https://gw.example/fhir/Organization/x', 'Organization/x'],
    ['Organization/x/_history/3', 'Organization/x'],
    ['  Practitioner/p-1 ', 'Practitioner/p-1'],
    ['urn:uuid:2b1e8c3c-0000-4000-8000-000000000000', 'urn:uuid:2b1e8c3c-0000-4000-8000-000000000000'],
    ['#contained', '#contained'],
  ])('%s → key %s', (reference, key) => {
    expect(referenceKey(reference)).toBe(key);
  });

  it('reads conditional references with identifier tokens', () => {
    expect(parseReference(`Organization?identifier=${encodeURIComponent(ODS)}|A1,B2&name=x`)).toEqual({
      kind: 'conditional',
      type: 'Organization',
      identifiers: [{ system: ODS, value: 'A1' }, { value: 'B2' }],
    });
  });
});

describe('matchActor', () => {
  it.each([
    ['same organisation reference', actor('Organization/aco-a'), 'yes'],
    ['absolute reference to the organisation', actor('https://gw.example/fhir/Organization/aco-a'), 'yes'],
    ['another organisation', actor('Organization/aco-z'), 'no'],
    ['the requesting practitioner', actor('Practitioner/dr-a'), 'yes'],
    ['a care team the requester is not in', actor('CareTeam/ct-1'), 'no'],
    ['identifier with system, matching', actorId(ODS, 'ACOA'), 'yes'],
    ['identifier with another system', actorId('urn:other', 'ACOA'), 'no'],
    ['identifier without system, same value (ambiguous)', actorId(undefined, 'ACOA'), 'unknown'],
    ['identifier without system, other value', actorId(undefined, 'ZZZ'), 'no'],
    ['identifier of a practitioner (not known here)', actorId('http://hl7.org/fhir/sid/us-npi', '123', 'Practitioner'), 'unknown'],
    ['conditional organisation reference', actor(`Organization?identifier=${ODS}|ACOA`), 'yes'],
    ['conditional reference of another type', actor(`Practitioner?identifier=${ODS}|ACOA`), 'unknown'],
    ['display only', { role: { text: 'recipient' }, reference: { display: 'Someone' } }, 'unknown'],
  ])('%s → %s', (_name, given, expected) => {
    expect(matchActor(given, ACO_A)).toBe(expected);
  });

  it('matches a care-team membership', () => {
    expect(matchActor(actor('CareTeam/ct-1'), as(ACO_A, { careTeams: ['CareTeam/ct-1'] }))).toBe('yes');
  });

  it('lets an ambiguous actor trigger a deny but never a permit', () => {
    const ambiguousDeny = permitExcept({ actor: [actorId(undefined, 'ACOB2')] });
    const ambiguousPermit = { ...ambiguousDeny, provision: { type: 'deny' as const, provision: [{ type: 'permit' as const, actor: [actorId(undefined, 'ACOB2')] }] } };
    expect(summary(decide([ambiguousDeny], ACO_B, RES.plain))).toBe('deny/consent');
    expect(summary(decide([ambiguousPermit], ACO_B, RES.plain))).toBe('deny/consent');
  });
});
