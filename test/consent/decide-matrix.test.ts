/**
 * The consent decision matrix (DOMAIN.md §6; RELIABILITY.md cases 15–19): default opt-out / opt-in ×
 * consent scenario × requester × resource (unlabelled, PSY, ETH, SOC). Every cell states outcome/basis.
 */
import type { Consent } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { Requester } from '../../src/consent/types.ts';
import {
  ACO_A,
  ACO_B,
  ACO_B_BY_REF,
  actor,
  actorId,
  as,
  consent,
  decide,
  denyAll,
  denyExcept,
  label,
  ODS,
  permitAll,
  permitExcept,
  purpose,
  RES,
  resourceType,
  summary,
} from './consent-fixtures.ts';

const P_C = 'permit/consent';
const P_D = 'permit/default';
const D_C = 'deny/consent';
const D_D = 'deny/default';
const D_S = 'deny/sensitive-label';

type Cells = [plain: string, psy: string, eth: string, soc: string];

interface Row {
  scenario: string;
  consents: () => Consent[];
  requester: Requester;
  optOut: Cells;
  optIn: Cells;
}

const same = (cells: Cells): { optOut: Cells; optIn: Cells } => ({ optOut: cells, optIn: cells });
const ALL_DENIED: Cells = [D_C, D_C, D_C, D_C];
const PERMITTED_UNLABELLED: Cells = [P_C, D_S, D_S, D_S];
const NO_CONSENT = { optOut: [P_D, D_S, D_S, D_S] as Cells, optIn: [D_D, D_D, D_D, D_D] as Cells };

const permitNamingPsyEth = (): Consent =>
  consent({ type: 'permit', provision: [{ type: 'permit', securityLabel: [label('PSY'), label('ETH')] }] });
const denyPsy = (): Consent => permitExcept({ securityLabel: [label('PSY')] });
const lapsed = (changes: Partial<Consent>) => (): Consent[] => [consent({ type: 'deny' }, changes)];

const ROWS: Row[] = [
  { scenario: 'no consent', consents: () => [], requester: ACO_A, ...NO_CONSENT },
  { scenario: 'permit all', consents: () => [permitAll()], requester: ACO_A, ...same(PERMITTED_UNLABELLED) },
  { scenario: 'deny all', consents: () => [denyAll()], requester: ACO_A, ...same(ALL_DENIED) },
  { scenario: 'permit naming PSY+ETH', consents: () => [permitNamingPsyEth()], requester: ACO_A, ...same([P_C, P_C, P_C, D_S]) },
  {
    scenario: 'actor deny by reference, other org',
    consents: () => [permitExcept({ actor: [actor('Organization/aco-b')] })],
    requester: ACO_A,
    ...same(PERMITTED_UNLABELLED),
  },
  {
    scenario: 'actor deny by reference, that org',
    consents: () => [permitExcept({ actor: [actor('Organization/aco-b')] })],
    requester: ACO_B_BY_REF,
    ...same(ALL_DENIED),
  },
  {
    scenario: 'actor deny by second identifier',
    consents: () => [permitExcept({ actor: [actorId(ODS, 'ACOB2')] })],
    requester: ACO_B,
    ...same(ALL_DENIED),
  },
  {
    scenario: 'actor deny by second identifier, other org',
    consents: () => [permitExcept({ actor: [actorId(ODS, 'ACOB2')] })],
    requester: ACO_A,
    ...same(PERMITTED_UNLABELLED),
  },
  {
    scenario: 'actor deny by conditional identifier reference',
    consents: () => [permitExcept({ actor: [actor(`Organization?identifier=${ODS}|ACOB2`)] })],
    requester: ACO_B,
    ...same(ALL_DENIED),
  },
  {
    scenario: 'practitioner-type actor deny, that practitioner',
    consents: () => [permitExcept({ actor: [actor('Practitioner/dr-x')] })],
    requester: as(ACO_A, { practitioner: 'Practitioner/dr-x' }),
    ...same(ALL_DENIED),
  },
  {
    scenario: 'practitioner-type actor deny, another practitioner',
    consents: () => [permitExcept({ actor: [actor('Practitioner/dr-x')] })],
    requester: ACO_A,
    ...same(PERMITTED_UNLABELLED),
  },
  {
    scenario: 'care-team actor deny, member',
    consents: () => [permitExcept({ actor: [actor('CareTeam/ct-9')] })],
    requester: as(ACO_A, { careTeams: ['CareTeam/ct-9'] }),
    ...same(ALL_DENIED),
  },
  { scenario: 'TREAT only, asks TREAT', consents: () => [denyExcept({ purpose: [purpose('TREAT')] })], requester: ACO_A, ...same(PERMITTED_UNLABELLED) },
  {
    scenario: 'TREAT only, asks ETREAT',
    consents: () => [denyExcept({ purpose: [purpose('TREAT')] })],
    requester: as(ACO_A, { purposeOfUse: 'ETREAT' }),
    ...same(PERMITTED_UNLABELLED),
  },
  {
    scenario: 'TREAT only, asks CAREMGT',
    consents: () => [denyExcept({ purpose: [purpose('TREAT')] })],
    requester: as(ACO_A, { purposeOfUse: 'CAREMGT' }),
    ...same(ALL_DENIED),
  },
  {
    scenario: 'TREAT only, asks HPAYMT',
    consents: () => [denyExcept({ purpose: [purpose('TREAT')] })],
    requester: as(ACO_A, { purposeOfUse: 'HPAYMT' }),
    ...same(ALL_DENIED),
  },
  { scenario: 'label-limited deny PSY', consents: () => [denyPsy()], requester: ACO_A, ...same([P_C, D_C, D_S, D_S]) },
  {
    scenario: 'class-limited deny Observation',
    consents: () => [permitExcept({ class: [resourceType('Observation')] })],
    requester: ACO_A,
    ...same([D_C, D_S, D_S, D_S]),
  },
  {
    scenario: 'code-limited deny LOINC 8867-4',
    consents: () => [permitExcept({ code: [{ coding: [{ system: 'http://loinc.org', code: '8867-4' }] }] })],
    requester: ACO_A,
    ...same([D_C, D_S, D_S, D_S]),
  },
  {
    scenario: 'code-limited deny ICD-10 F102 (undotted)',
    consents: () => [permitExcept({ code: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'F102' }] }] })],
    requester: ACO_A,
    ...same([P_C, D_S, D_C, D_S]),
  },
  {
    scenario: 'dataPeriod deny January 2025',
    consents: () => [permitExcept({ dataPeriod: { start: '2025-01-01', end: '2025-01-31' } })],
    requester: ACO_A,
    ...same([D_C, D_S, D_S, D_C]),
  },
  {
    scenario: 'data reference deny Observation/obs-1',
    consents: () => [permitExcept({ data: [{ meaning: 'instance', reference: { reference: 'Observation/obs-1' } }] })],
    requester: ACO_A,
    ...same([D_C, D_S, D_S, D_S]),
  },
  { scenario: 'expired permit', consents: () => [consent({ type: 'permit', period: { end: '2025-06-14' } })], requester: ACO_A, ...NO_CONSENT },
  { scenario: 'expired deny', consents: lapsed({ provision: { type: 'deny', period: { end: '2025-06-14' } } }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'not-yet-valid deny', consents: lapsed({ provision: { type: 'deny', period: { start: '2025-06-16' } } }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'inactive deny', consents: lapsed({ status: 'inactive' }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'draft deny', consents: lapsed({ status: 'draft' }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'proposed deny', consents: lapsed({ status: 'proposed' }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'rejected deny', consents: lapsed({ status: 'rejected' }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'entered-in-error deny', consents: lapsed({ status: 'entered-in-error' }), requester: ACO_A, ...NO_CONSENT },
  { scenario: 'two conflicting: permit all + deny all', consents: () => [permitAll(), denyAll()], requester: ACO_A, ...same(ALL_DENIED) },
  {
    scenario: 'two conflicting: permit naming PSY+ETH + deny PSY',
    consents: () => [permitNamingPsyEth(), denyPsy()],
    requester: ACO_A,
    ...same([P_C, D_C, P_C, D_S]),
  },
];

const RESOURCES = [RES.plain, RES.psy, RES.eth, RES.soc] as const;
const NAMES = ['unlabelled', 'PSY', 'ETH', 'SOC'] as const;

describe('decideAccess matrix', () => {
  for (const row of ROWS) {
    for (const [defaultPolicy, cells] of [['opt-out', row.optOut], ['opt-in', row.optIn]] as const) {
      it.each(RESOURCES.map((resource, i) => [NAMES[i], resource, cells[i]] as const))(
        `${row.scenario} | ${defaultPolicy} | %s → %s`,
        (_name, resource, expected) => {
          expect(summary(decide(row.consents(), row.requester, resource, { defaultPolicy }))).toBe(expected);
        },
      );
    }
  }
});
