/**
 * `MeasureReport/$compute` over a small hand-built world (DOMAIN.md §7; mappings/measures/). An ACO roster of
 * seven patients, March 2026, every stay written through REST so the TCM episodes arise as in production.
 *
 * | patient | March 2026 | counts as |
 * | --- | --- | --- |
 * | A | stay 2–5 home; seen at the practice 6th; readmitted 20th; home 25th; seen 20 April (late) | 2 discharges: the 1st readmitted and visited, the 2nd visited (day 26); episodes: 1st on time, 2nd late |
 * | B | stay 8–10 home; practice call on the 11th | 1 discharge, no readmission, no visit; episode: contact on time, no visit |
 * | C | stay 9–12, died | nothing |
 * | D | home 20 Feb; readmitted 2 March, to a nursing home 6 March | nothing (February discharge, SNF discharge) |
 * | E | stay 12–15 home; consent denies the ACO | withheld: left out, counted as withheld |
 * | F | stay 8–10 home; joined the roster on the 20th | nothing (not a member on the discharge day) |
 * | G | stay 15–18 home; practice call 19th; seen by another practice at home 20th; readmitted 22nd | 1 discharge, readmitted, visited; episode suspended (excluded) |
 *
 * Hand-computed: discharges 4; readmissions 2/4 = 500 per 1,000; visits 3/4 = 750 per 1,000; TCM contact
 * 2/(4−1) = 66.7 %; TCM visit 1/(4−1) = 33.3 %.
 */
import type { MeasureReport } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { ACT, ORG, type TcmWorld, buildTcmWorld } from '../tcm/tcm-world.ts';

const ROSTER = `Group/roster-${ORG.aco}`;
const PERIOD = 'periodStart=2026-03-01&periodEnd=2026-03-31';

describe.each(enginesUnderTest())('MeasureReport/$compute (%s)', (engine) => {
  let world: TcmWorld;

  async function member(tag: string, since = '2026-01-01'): Promise<string> {
    const patient = await world.createPatient(tag);
    await world.enrol(ORG.gp, patient, { period: { start: '2025-01-01' } });
    await world.enrol(ORG.aco, patient, { period: { start: since } }, 'aco');
    return patient;
  }
  async function stay(patient: string, start: string, end?: string, disposition = '01') {
    const admitted = await world.admit(patient, `${start}T10:00:00Z`);
    if (end) await world.discharge(admitted, `${end}T11:00:00Z`, disposition);
  }
  const seen = (patient: string, day: string, cls = 'AMB', provider: string = ORG.gp) =>
    world.write(provider === ORG.gp ? 'gp' : 'gp2', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: cls }, subject: { reference: `Patient/${patient}` }, serviceProvider: { reference: `Organization/${provider}` }, period: { start: `${day}T09:30:00Z`, end: `${day}T09:50:00Z` } });
  const call = (patient: string, day: string) =>
    world.write('gp', { resourceType: 'Communication', status: 'completed', subject: { reference: `Patient/${patient}` }, sender: { reference: `Organization/${ORG.gp}` }, sent: `${day}T14:00:00Z` });

  async function compute(measure: string, who: Parameters<TcmWorld['fhir']>[0] = 'aco', subject = ROSTER): Promise<MeasureReport> {
    const response = await world.fhir(who, `/MeasureReport/$compute?measure=${measure}&subject=${subject}&${PERIOD}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as MeasureReport;
  }
  const counts = (report: MeasureReport) => Object.fromEntries((report.group?.[0]?.population ?? []).map((p) => [p.code?.coding?.[0]?.code, p.count]));

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
    const a = await member('A');
    await stay(a, '2026-03-02', '2026-03-05');
    await seen(a, '2026-03-06');
    await stay(a, '2026-03-20', '2026-03-25');
    await seen(a, '2026-04-20');
    const b = await member('B');
    await stay(b, '2026-03-08', '2026-03-10');
    await call(b, '2026-03-11');
    await seen(b, '2026-03-11', 'VR');
    const c = await member('C');
    await stay(c, '2026-03-09', '2026-03-12', '20');
    const d = await member('D');
    await stay(d, '2026-02-15', '2026-02-20');
    await stay(d, '2026-03-02', '2026-03-06', '03');
    const e = await member('E');
    await stay(e, '2026-03-12', '2026-03-15');
    await world.write('admin', {
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${e}` },
      policyRule: { coding: [{ system: ACT, code: 'OPTIN' }] },
      provision: { type: 'permit', provision: [{ type: 'deny', actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.aco}` } }] }] },
    });
    const f = await member('F', '2026-03-20');
    await stay(f, '2026-03-08', '2026-03-10');
    const g = await member('G');
    await stay(g, '2026-03-15', '2026-03-18');
    await call(g, '2026-03-19');
    await seen(g, '2026-03-20', 'HH', ORG.gp2);
    await stay(g, '2026-03-22');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('discharges: 4', async () => {
    const report = await compute('discharges');
    expect(report).toMatchObject({
      resourceType: 'MeasureReport',
      status: 'complete',
      type: 'summary',
      measure: `${world.t.fhirBase}/Measure/discharges`,
      subject: { reference: ROSTER },
      period: { start: '2026-03-01', end: '2026-03-31' },
    });
    expect(counts(report)).toEqual({ 'initial-population': 4 });
    expect(report.group?.[0]?.measureScore?.value).toBe(4);
    const extension = Object.fromEntries((report.extension ?? []).map((x) => [x.url.split('/').pop(), x.valueInteger]));
    expect(extension).toEqual({ 'measure-roster-members': 7, 'measure-patients-withheld': 1 });
    expect(world.t.app.validator.validate(report)).toEqual([]);
  });

  it.each([
    ['readmissions-30d', { 'initial-population': 4, denominator: 4, 'denominator-exclusion': 0, numerator: 2 }, 500, '/10*3'],
    ['post-discharge-visits-30d', { 'initial-population': 4, denominator: 4, 'denominator-exclusion': 0, numerator: 3 }, 750, '/10*3'],
    ['tcm-contact-2-business-days', { 'initial-population': 4, denominator: 4, 'denominator-exclusion': 1, numerator: 2 }, 66.7, '%'],
    ['tcm-visit-on-time', { 'initial-population': 4, denominator: 4, 'denominator-exclusion': 1, numerator: 1 }, 33.3, '%'],
  ])('%s', async (measure, populations, score, unit) => {
    const report = await compute(measure);
    expect(counts(report)).toEqual(populations);
    expect(report.group?.[0]?.measureScore).toMatchObject({ value: score, code: unit });
  });

  it('accepts the measure canonical and a practice computing over its own roster', async () => {
    expect(counts(await compute(`${world.t.fhirBase}/Measure/discharges`))).toEqual({ 'initial-population': 4 });
    const practice = await compute('discharges', 'gp', `Group/roster-${ORG.gp}`);
    // The practice roster also holds E (visible to the practice) and F (member since 2025): 6 discharges.
    expect(practice.group?.[0]?.measureScore?.value).toBe(6);
  });

  it('answers the ACO’s care team; refuses another organisation’s roster, missing scopes, unknown measures, bad periods', async () => {
    const status = async (who: Parameters<TcmWorld['fhir']>[0], query: string) => (await world.fhir(who, `/MeasureReport/$compute?${query}`)).status;
    expect(await status('gp', `measure=discharges&subject=${ROSTER}&${PERIOD}`)).toBe(404);
    expect(await status('team', `measure=discharges&subject=${ROSTER}&${PERIOD}`)).toBe(200);
    const narrow = await registerClient(world.t.app, { organizationId: ORG.aco, organizationKind: 'aco', scopes: 'system/Patient.rs system/Encounter.rs' });
    const token = await tokenFor(world.t.baseUrl, narrow, undefined, undefined, world.clock.now());
    const refused = await fetch(`${world.t.fhirBase}/MeasureReport/$compute?measure=discharges&subject=${ROSTER}&${PERIOD}`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(403);
    expect(await status('aco', `measure=nope&subject=${ROSTER}&${PERIOD}`)).toBe(404);
    expect(await status('aco', `measure=discharges&subject=${ROSTER}&periodStart=2026-04-01&periodEnd=2026-03-01`)).toBe(400);
    expect(await status('aco', `measure=discharges&${PERIOD}`)).toBe(400);
  });
});
