/**
 * `GET /tcm/worklist` (DOMAIN.md §5): the fields of each row, status filters, sorting, paging, consent (a
 * patient whose consent denies the practice is absent) and who may list what; the same data through FHIR
 * Task search. The gateway clock is pinned at Wed 17 June 2026 12:00 BST.
 */
import type { AuditEvent, Bundle, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { ACT, ORG, TASK_SYSTEM, type TcmWorld, buildTcmWorld } from './tcm-world.ts';

interface Row {
  episode: string;
  patient: { reference: string; name: string; birthDate: string; identifiers: { system: string; value: string }[] };
  discharge: string;
  fromFacility: { reference: string; display: string };
  disposition: { code: string };
  lace: number;
  complexity: string;
  contactDue: string;
  contactDone: string | null;
  visitDue: string;
  visitDone: string | null;
  episodeEnd: string;
  attempts: number;
  status: string;
}
interface Page {
  total: number;
  count: number;
  items: Row[];
  next?: string;
}

describe.each(enginesUnderTest())('TCM worklist (%s)', (engine) => {
  let world: TcmWorld;
  const patients: Record<string, string> = {};

  async function episodeFor(tag: string, start: string, end: string, options: { gp?: string; aco?: boolean } = {}): Promise<string> {
    const patient = await world.createPatient(tag);
    patients[tag] = patient;
    await world.enrol(options.gp ?? ORG.gp, patient);
    if (options.aco) await world.enrol(ORG.aco, patient, {}, 'aco');
    const stay = await world.admit(patient, start);
    await world.discharge(stay, end);
    return stay.id as string;
  }

  async function list(who: Parameters<TcmWorld['root']>[0], query: string): Promise<Page> {
    const response = await world.root(who, `/tcm/worklist${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  }

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
    world.clock.set('2026-06-17T11:00:00Z');
    await episodeFor('overdue', '2026-06-08T10:00:00+01:00', '2026-06-12T15:00:00+01:00', { aco: true });
    await episodeFor('open', '2026-06-13T10:00:00+01:00', '2026-06-15T09:00:00+01:00');
    const done = await episodeFor('done', '2026-06-01T10:00:00+01:00', '2026-06-03T09:00:00+01:00');
    await world.write('gp', { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'AMB' }, subject: { reference: `Patient/${patients.done}` }, serviceProvider: { reference: `Organization/${ORG.gp}` }, period: { start: '2026-06-04T10:00:00+01:00', end: '2026-06-04T10:20:00+01:00' } });
    const cancelled = await episodeFor('cancelled', '2026-06-10T10:00:00+01:00', '2026-06-14T09:00:00+01:00');
    const reopened = await world.read<{ resourceType: 'Encounter'; status: string; period: { start: string } }>('Encounter', cancelled);
    await world.write('hospital', { ...reopened, status: 'in-progress', period: { start: reopened.period.start }, hospitalization: undefined });
    await episodeFor('suspended', '2026-06-02T10:00:00+01:00', '2026-06-05T09:00:00+01:00');
    await world.admit(patients.suspended as string, '2026-06-16T10:00:00+01:00');
    await episodeFor('other-practice', '2026-06-10T10:00:00+01:00', '2026-06-12T09:00:00+01:00', { gp: ORG.gp2 });
    await episodeFor('denies', '2026-06-10T10:00:00+01:00', '2026-06-12T09:00:00+01:00');
    await world.write('admin', {
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${patients.denies}` },
      policyRule: { coding: [{ system: ACT, code: 'OPTIN' }] },
      provision: { type: 'permit', provision: [{ type: 'deny', actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.gp}` } }] }] },
    });
    expect(done).toBeTruthy();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('lists the open episodes (overdue included) of the caller practice with every field', async () => {
    const page = await list('gp', '');
    expect(page.items.map((row) => row.patient.identifiers[0]?.value)).toEqual(['overdue', 'open']);
    const [overdue, open] = page.items as [Row, Row];
    expect(overdue).toMatchObject({
      patient: { reference: `Patient/${patients.overdue}`, birthDate: '1950-05-17', identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: 'overdue' }] },
      discharge: '2026-06-12T15:00:00+01:00',
      fromFacility: { reference: `Organization/${ORG.hospital}`, display: 'Test Hospital' },
      disposition: { code: '01' },
      lace: 4,
      complexity: 'moderate',
      contactDue: '2026-06-16T23:59:59.999+01:00',
      contactDone: null,
      visitDue: '2026-06-26T23:59:59.999+01:00',
      visitDone: null,
      episodeEnd: '2026-07-11T23:59:59.999+01:00',
      attempts: 0,
      status: 'overdue',
    });
    expect(overdue.patient.name).toContain('overdue');
    expect(open.status).toBe('open');
    expect(open.contactDue).toBe('2026-06-17T23:59:59.999+01:00');
  });

  it('filters by status', async () => {
    const tags = async (status: string) => (await list('gp', `?status=${status}`)).items.map((row) => row.patient.identifiers[0]?.value).sort();
    expect(await tags('overdue')).toEqual(['overdue']);
    expect(await tags('completed')).toEqual(['done']);
    expect(await tags('cancelled')).toEqual(['cancelled']);
    expect(await tags('suspended')).toEqual(['suspended']);
    expect(await tags('all')).toEqual(['cancelled', 'done', 'open', 'overdue', 'suspended']);
    expect((await world.root('gp', '/tcm/worklist?status=late')).status).toBe(400);
  });

  it('sorts and pages', async () => {
    const byDischarge = await list('gp', '?status=all&sort=-discharge');
    expect(byDischarge.items.map((row) => row.discharge)).toEqual([...byDischarge.items.map((row) => row.discharge)].sort().reverse());
    const first = await list('gp', '?status=all&sort=visitDue&_count=2');
    expect(first.total).toBe(5);
    expect(first.items).toHaveLength(2);
    expect(first.next).toBeDefined();
    const seen = [...first.items];
    let next = first.next;
    while (next) {
      const response = await world.root('gp', next.slice(world.t.baseUrl.length));
      const page = (await response.json()) as Page;
      seen.push(...page.items);
      next = page.next;
    }
    expect(seen.map((row) => row.visitDue)).toEqual([...seen.map((row) => row.visitDue)].sort());
    expect(new Set(seen.map((row) => row.episode)).size).toBe(5);
    expect((await world.root('gp2', first.next?.slice(world.t.baseUrl.length) ?? '')).status).toBe(404);
  });

  it('leaves out a patient whose consent denies the practice, and audits the read', async () => {
    const page = await list('gp', '?status=all');
    expect(page.items.some((row) => row.patient.reference === `Patient/${patients.denies}`)).toBe(false);
    const audit = (await (await world.fhir('admin', `/AuditEvent?entity=Patient/${patients.overdue}&_count=100`)).json()) as Bundle<AuditEvent>;
    const queries = (audit.entry ?? []).flatMap((e) => e.resource?.entity ?? []).flatMap((entity) => (entity.query ? [Buffer.from(entity.query, 'base64').toString('utf8')] : []));
    expect(queries.some((query) => query.startsWith('/tcm/worklist'))).toBe(true);
  });

  it('lets an ACO list the covered patients of a practice, and refuses others', async () => {
    const aco = await list('aco', `?practice=Organization/${ORG.gp}&status=all`);
    expect(aco.items.map((row) => row.patient.reference)).toEqual([`Patient/${patients.overdue}`]);
    const own = await list('aco', '?status=all');
    expect(own.items.map((row) => row.patient.reference)).toEqual([`Patient/${patients.overdue}`]);
    expect((await world.root('gp2', `/tcm/worklist?practice=Organization/${ORG.gp}`)).status).toBe(403);
    expect((await list('gp2', '')).items.map((row) => row.patient.identifiers[0]?.value)).toEqual(['other-practice']);
    expect((await fetch(`${world.t.baseUrl}/tcm/worklist`)).status).toBe(401);
  });

  it('serves the same episodes through FHIR Task search, only to those who may see them', async () => {
    const search = async (who: Parameters<TcmWorld['fhir']>[0]) => {
      const response = await world.fhir(who, `/Task?owner=Organization/${ORG.gp}&code=${encodeURIComponent(`${TASK_SYSTEM}|tcm-episode`)}&_count=50`);
      const bundle = (await response.json()) as Bundle<Task>;
      return (bundle.entry ?? []).map((e) => e.resource?.for?.reference).sort();
    };
    const mine = await search('gp');
    expect(mine).toHaveLength(5);
    expect(mine).not.toContain(`Patient/${patients.denies}`);
    expect(await search('gp2')).toEqual([]);
    expect(await search('aco')).toEqual([`Patient/${patients.overdue}`]);
  });
});
