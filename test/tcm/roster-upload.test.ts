/**
 * `POST /ingest/extract/roster` (SPECS.md §b8; RELIABILITY.md case 37): identifiers become roster members,
 * unknown identifiers and bad rows are reported while the good rows are kept, a re-upload changes nothing,
 * `replace` ends memberships, ACO rows name the attributed practice, and the roster drives TCM attribution.
 */
import type { Group, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { ORG, type TcmWorld, buildTcmWorld } from './tcm-world.ts';

interface Report {
  group: string;
  version: string;
  changed: boolean;
  rows: number;
  accepted: number;
  added: number;
  updated: number;
  unchanged: number;
  ended: number;
  unknown: { line: number; system: string; value: string }[];
  refused: { line: number; reason: string; column?: string }[];
}

const ATR_PROVIDER = 'http://hl7.org/fhir/us/davinci-atr/StructureDefinition/ext-attributedProvider';

describe.each(enginesUnderTest())('roster upload (%s)', (engine) => {
  let world: TcmWorld;
  const ids: Record<string, string> = {};

  const upload = (who: Parameters<TcmWorld['root']>[0], csv: string, query = '', type = 'text/csv') =>
    world.root(who, `/ingest/extract/roster${query}`, { method: 'POST', headers: { 'content-type': type }, body: csv });
  const report = async (response: Response) => {
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };

  beforeAll(async () => {
    world = await buildTcmWorld(engine);
    world.clock.set('2026-06-10T09:00:00Z');
    for (const nhs of ['9991000001', '9991000002', '9991000003', '9991000004']) ids[nhs] = await world.createPatient(nhs);
  });
  afterAll(async () => {
    await world?.close();
  });

  const file = ['identifier,start', '9991000001,2026-01-01', '9991000002,', '9990009999,', '"=HYPERLINK(""http://x"")",', '9991000003', '9991000003,2026-13-01'].join('\r\n');

  it('adds the known identifiers, reports unknown identifiers and bad rows, keeps the good rows', async () => {
    const result = await report(await upload('gp', file));
    expect(result).toMatchObject({ group: `Group/roster-${ORG.gp}`, changed: true, rows: 6, accepted: 2, added: 2, unchanged: 0 });
    expect(result.unknown).toEqual([{ line: 4, system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990009999' }]);
    expect(result.refused).toEqual([
      { line: 5, reason: 'formula', column: 'identifier' },
      { line: 6, reason: 'column-count' },
      { line: 7, reason: 'invalid-date', column: 'start' },
    ]);
    expect(JSON.stringify(result)).not.toContain('HYPERLINK');
    const group = await world.read<Group>('Group', `roster-${ORG.gp}`);
    expect(group.managingEntity?.reference).toBe(`Organization/${ORG.gp}`);
    expect(group.member?.map((m) => [m.entity.reference, m.period?.start])).toEqual([
      [`Patient/${ids['9991000001']}`, '2026-01-01'],
      [`Patient/${ids['9991000002']}`, '2026-06-10'],
    ]);
  });

  it('changes nothing when the same file is uploaded again', async () => {
    const before = await world.read<Group>('Group', `roster-${ORG.gp}`);
    const again = await report(await upload('gp', file));
    expect(again).toMatchObject({ changed: false, added: 0, unchanged: 2, version: before.meta?.versionId });
  });

  it('attributes a discharge to the practice whose roster lists the patient', async () => {
    const stay = await world.admit(ids['9991000001'] as string, '2026-06-08T10:00:00+01:00');
    await world.discharge(stay, '2026-06-09T10:00:00+01:00');
    expect((await world.tasksOf(stay.id as string)).episode.owner?.reference).toBe(`Organization/${ORG.gp}`);
  });

  it('ends the memberships a replace upload no longer lists', async () => {
    const result = await report(await upload('gp', 'identifier\n9991000001\n', '?mode=replace'));
    expect(result).toMatchObject({ unchanged: 1, ended: 1 });
    const group = await world.read<Group>('Group', `roster-${ORG.gp}`);
    // Enrolled today by the first upload, so voided rather than ended.
    expect(group.member?.find((m) => m.entity.reference === `Patient/${ids['9991000002']}`)?.inactive).toBe(true);
    expect(group.quantity).toBe(1);
  });

  it('names the attributed practice on an ACO roster; the practice owns the Tasks, the ACO coordinates', async () => {
    const result = await report(await upload('aco', `identifier,provider,start\n9991000004,Organization/${ORG.gp2},2026-01-01\n`));
    expect(result.added).toBe(1);
    const group = await world.read<Group>('Group', `roster-${ORG.aco}`);
    expect(group.code?.coding?.[0]?.code).toBe('aco');
    expect(group.member?.[0]?.extension?.[0]).toEqual({ url: ATR_PROVIDER, valueReference: { reference: `Organization/${ORG.gp2}` } });
    const stay = await world.admit(ids['9991000004'] as string, '2026-06-08T10:00:00+01:00');
    await world.discharge(stay, '2026-06-09T10:00:00+01:00');
    const { episode } = await world.tasksOf(stay.id as string);
    expect(episode.owner?.reference).toBe(`Organization/${ORG.gp2}`);
    expect((episode as Task).input?.find((i) => i.type.coding?.[0]?.code === 'care-coordinator')?.valueReference?.reference).toBe(`Organization/${ORG.aco}`);
  });

  it('refuses what it cannot take: no token, missing scopes, another organisation’s roster, not CSV, a wrong delimiter', async () => {
    expect((await fetch(`${world.t.baseUrl}/ingest/extract/roster`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'identifier\n1\n' })).status).toBe(401);
    expect((await upload('team', 'identifier\n9991000001\n')).status).toBe(403);
    expect((await upload('gp2', 'identifier\n9991000001\n', `?group=roster-${ORG.gp}`)).status).toBe(403);
    expect((await upload('gp', '{"identifier":"1"}', '', 'application/json')).status).toBe(415);
    const semicolons = await upload('gp', 'identifier;start\n9991000001;2026-01-01\n');
    expect(semicolons.status).toBe(400);
    expect(JSON.stringify(await semicolons.json())).toContain('TCM-ROSTER-HEADER');
  });
});
