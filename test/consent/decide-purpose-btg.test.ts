/**
 * Purpose of use (RELIABILITY.md case 17) and break-the-glass (case 21; DOMAIN.md §6): which purposes the
 * defaults and a TREAT-only consent accept, and what an ETREAT override may and may not reach.
 */
import type { Consent } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { DefaultPolicy } from '../../src/consent/types.ts';
import { ACO_A, as, confidentiality, consent, decide, denyAll, denyExcept, permitAll, purpose, RES, summary } from './consent-fixtures.ts';

const PURPOSES = ['TREAT', 'ETREAT', 'BTG', 'COC', 'CAREMGT', 'HPAYMT', 'COVERAGE', 'HOPERAT', 'PUBHLTH'] as const;
type Expected = Record<(typeof PURPOSES)[number], string>;

const rootPermitTreat = (): Consent[] => [consent({ type: 'permit', purpose: [purpose('TREAT')] })];
const denyExceptTreat = (): Consent[] => [denyExcept({ purpose: [purpose('TREAT')] })];

const PURPOSE_ROWS: { consents: string; make: () => Consent[]; defaultPolicy: DefaultPolicy; expected: Expected }[] = [
  {
    consents: 'none',
    make: () => [],
    defaultPolicy: 'opt-out',
    expected: {
      TREAT: 'permit/default', ETREAT: 'permit/default', BTG: 'permit/default', COC: 'permit/default', CAREMGT: 'permit/default',
      HPAYMT: 'deny/default', COVERAGE: 'deny/default', HOPERAT: 'deny/default', PUBHLTH: 'deny/default',
    },
  },
  {
    consents: 'none',
    make: () => [],
    defaultPolicy: 'opt-in',
    expected: {
      TREAT: 'deny/default', ETREAT: 'deny/default', BTG: 'deny/default', COC: 'deny/default', CAREMGT: 'deny/default',
      HPAYMT: 'deny/default', COVERAGE: 'deny/default', HOPERAT: 'deny/default', PUBHLTH: 'deny/default',
    },
  },
  {
    consents: 'root permit, purpose TREAT',
    make: rootPermitTreat,
    defaultPolicy: 'opt-out',
    expected: {
      TREAT: 'permit/consent', ETREAT: 'permit/consent', BTG: 'permit/consent', COC: 'permit/consent', CAREMGT: 'permit/default',
      HPAYMT: 'deny/default', COVERAGE: 'deny/default', HOPERAT: 'deny/default', PUBHLTH: 'deny/default',
    },
  },
  {
    consents: 'root permit, purpose TREAT',
    make: rootPermitTreat,
    defaultPolicy: 'opt-in',
    expected: {
      TREAT: 'permit/consent', ETREAT: 'permit/consent', BTG: 'permit/consent', COC: 'permit/consent', CAREMGT: 'deny/default',
      HPAYMT: 'deny/default', COVERAGE: 'deny/default', HOPERAT: 'deny/default', PUBHLTH: 'deny/default',
    },
  },
  ...(['opt-out', 'opt-in'] as const).map((defaultPolicy) => ({
    consents: 'deny except TREAT',
    make: denyExceptTreat,
    defaultPolicy,
    expected: {
      TREAT: 'permit/consent', ETREAT: 'permit/consent', BTG: 'permit/consent', COC: 'permit/consent', CAREMGT: 'deny/consent',
      HPAYMT: 'deny/consent', COVERAGE: 'deny/consent', HOPERAT: 'deny/consent', PUBHLTH: 'deny/consent',
    },
  })),
  ...(['opt-out', 'opt-in'] as const).map((defaultPolicy) => ({
    consents: 'deny except HPAYMT (covers its children)',
    make: () => [denyExcept({ purpose: [purpose('HPAYMT')] })],
    defaultPolicy,
    expected: {
      TREAT: 'deny/consent', ETREAT: 'deny/consent', BTG: 'deny/consent', COC: 'deny/consent', CAREMGT: 'deny/consent',
      HPAYMT: 'permit/consent', COVERAGE: 'permit/consent', HOPERAT: 'deny/consent', PUBHLTH: 'deny/consent',
    },
  })),
];

describe('purpose of use', () => {
  for (const row of PURPOSE_ROWS) {
    it.each(PURPOSES.map((code) => [code, row.expected[code]] as const))(
      `${row.consents} | ${row.defaultPolicy} | asks %s → %s`,
      (code, expected) => {
        const decision = decide(row.make(), as(ACO_A, { purposeOfUse: code }), RES.plain, { defaultPolicy: row.defaultPolicy });
        expect(summary(decision)).toBe(expected);
      },
    );
  }

  it('accepts a purpose coded with the legacy ActReason URL or without a system, not another system', () => {
    const legacy = [denyExcept({ purpose: [{ system: 'http://hl7.org/fhir/v3/ActReason', code: 'TREAT' }] })];
    const bare = [denyExcept({ purpose: [{ code: 'TREAT' }] })];
    const foreign = [denyExcept({ purpose: [{ system: 'http://example.org/purposes', code: 'TREAT' }] })];
    expect(summary(decide(legacy, ACO_A, RES.plain))).toBe('permit/consent');
    expect(summary(decide(bare, ACO_A, RES.plain))).toBe('permit/consent');
    expect(summary(decide(foreign, ACO_A, RES.plain))).toBe('deny/consent');
  });
});

const EMERGENCY = as(ACO_A, { purposeOfUse: 'ETREAT' });
const BTG_RESOURCES = [
  ['unlabelled', RES.plain],
  ['PSY', RES.psy],
  ['ETH', RES.eth],
  ['SOC', RES.soc],
  ['V', RES.v],
] as const;

type Five = [string, string, string, string, string];
const BTG_ROWS: { consents: string; make: () => Consent[]; defaultPolicy: DefaultPolicy; off: Five; on: Five }[] = [
  {
    consents: 'none',
    make: () => [],
    defaultPolicy: 'opt-in',
    off: ['deny/default', 'deny/default', 'deny/default', 'deny/default', 'deny/default'],
    on: ['permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'deny/sensitive-label'],
  },
  {
    consents: 'none',
    make: () => [],
    defaultPolicy: 'opt-out',
    off: ['permit/default', 'deny/sensitive-label', 'deny/sensitive-label', 'deny/sensitive-label', 'deny/sensitive-label'],
    on: ['permit/default', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'deny/sensitive-label'],
  },
  ...(['opt-out', 'opt-in'] as const).map((defaultPolicy) => ({
    consents: 'deny all',
    make: () => [denyAll()],
    defaultPolicy,
    off: ['deny/consent', 'deny/consent', 'deny/consent', 'deny/consent', 'deny/consent'] as Five,
    on: ['permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'deny/sensitive-label'] as Five,
  })),
  ...(['opt-out', 'opt-in'] as const).map((defaultPolicy) => ({
    consents: 'permit all + deny all',
    make: () => [permitAll(), denyAll()],
    defaultPolicy,
    off: ['deny/consent', 'deny/consent', 'deny/consent', 'deny/consent', 'deny/consent'] as Five,
    on: ['permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'deny/sensitive-label'] as Five,
  })),
  ...(['opt-out', 'opt-in'] as const).map((defaultPolicy) => ({
    consents: 'permit naming V + deny all',
    make: () => [consent({ type: 'permit', securityLabel: [confidentiality('V')] }), denyAll()],
    defaultPolicy,
    off: ['deny/consent', 'deny/consent', 'deny/consent', 'deny/consent', 'deny/consent'] as Five,
    on: ['permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass', 'permit/break-glass'] as Five,
  })),
];

describe('break-the-glass', () => {
  for (const row of BTG_ROWS) {
    for (const [breakGlass, cells] of [[false, row.off], [true, row.on]] as const) {
      it.each(BTG_RESOURCES.map(([name, resource], i) => [name, resource, cells[i]] as const))(
        `${row.consents} | ${row.defaultPolicy} | ETREAT | breakGlass ${breakGlass} | %s → %s`,
        (_name, resource, expected) => {
          expect(summary(decide(row.make(), EMERGENCY, resource, { defaultPolicy: row.defaultPolicy, breakGlass }))).toBe(expected);
        },
      );
    }
  }

  it('records which consents it overrode', () => {
    const refuse = denyAll();
    const decision = decide([permitAll(), refuse], EMERGENCY, RES.plain, { breakGlass: true });
    expect(decision).toMatchObject({ outcome: 'permit', basis: 'break-glass', consentIds: [refuse.id] });
  });

  it.each([
    ['a system client (no practitioner)', as(EMERGENCY, { practitioner: undefined }), 'deny/consent'],
    ['a blank practitioner', as(EMERGENCY, { practitioner: '  ' }), 'deny/consent'],
    ['purpose TREAT', as(EMERGENCY, { purposeOfUse: 'TREAT' }), 'deny/consent'],
    ['purpose CAREMGT', as(EMERGENCY, { purposeOfUse: 'CAREMGT' }), 'deny/consent'],
    ['purpose BTG (a child of ETREAT)', as(EMERGENCY, { purposeOfUse: 'BTG' }), 'permit/break-glass'],
    ['purpose ERTREAT (a child of ETREAT)', as(EMERGENCY, { purposeOfUse: 'ERTREAT' }), 'permit/break-glass'],
  ])('with %s and an active override → %s', (_name, requester, expected) => {
    expect(summary(decide([denyAll()], requester, RES.plain, { breakGlass: true }))).toBe(expected);
  });

  it('is not needed, and not reported, when a consent already permits', () => {
    expect(summary(decide([permitAll()], EMERGENCY, RES.plain, { breakGlass: true }))).toBe('permit/consent');
  });
});
