/**
 * The demo world with TCM (demo/README.md): loading it yields the four rosters and, from its discharges, TCM
 * episodes — an open one for Margaret Ellis's discharge of Fri 30 October 2026 — completed by the practices'
 * recorded calls and visits; the death and the nursing-home discharge start none.
 */
import type { Bundle, Group, Task } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoWorld } from '../../src/demo/load-demo.ts';
import { type TestApp, startTestApp } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';

const TASK = 'https://carebridge.dev/fhir/CodeSystem/tcm-task';

describe.each(enginesUnderTest())('demo world TCM (%s)', (engine) => {
  let t: TestApp;
  const episodes = new Map<string, Task[]>();

  beforeAll(async () => {
    t = await startTestApp(engine);
    await loadDemoWorld(t.app.store.as({ channel: 'system', activity: 'demo-load' }));
    // Embedded PGlite holds the event loop while the demo loads, so the server may close the pooled keep-alive
    // connection just as the next request goes out on it (ECONNRESET): that request is sent again once.
    const path = `/Task?code=${encodeURIComponent(`${TASK}|tcm-episode`)}&_count=100`;
    const response = await t.api(path).catch(() => t.api(path));
    const bundle = (await response.json()) as Bundle<Task>;
    for (const task of (bundle.entry ?? []).map((e) => e.resource as Task)) {
      const patient = task.for?.reference ?? '';
      episodes.set(patient, [...(episodes.get(patient) ?? []), task].sort((a, b) => (a.restriction?.period?.start ?? '').localeCompare(b.restriction?.period?.start ?? '')));
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('has a roster per practice and the ACO roster with attributed providers', async () => {
    const bundle = (await (await t.api('/Group?_count=20')).json()) as Bundle<Group>;
    const groups = (bundle.entry ?? []).map((e) => e.resource as Group);
    expect(groups.map((g) => g.managingEntity?.reference).sort()).toEqual([
      'Organization/org-gp-castle-street-surgery',
      'Organization/org-gp-millbrook-health-centre',
      'Organization/org-gp-riverside-medical-centre',
      'Organization/org-riverside-aco',
    ]);
    const aco = groups.find((g) => g.id === 'roster-org-riverside-aco');
    expect(aco?.member).toHaveLength(20);
    expect(aco?.member?.[0]?.extension?.[0]?.url).toBe('http://hl7.org/fhir/us/davinci-atr/StructureDefinition/ext-attributedProvider');
  });

  it('opens an episode for the discharge of 30 October 2026, owned by the practice, the ACO coordinating', () => {
    const ellis = episodes.get('Patient/pat-ellis-margaret') ?? [];
    expect(ellis.map((task) => task.status)).toEqual(['completed', 'requested']);
    const open = ellis[1] as Task;
    expect(open.restriction?.period?.start).toBe('2026-10-30T15:00:00Z');
    expect(open.owner?.reference).toBe('Organization/org-gp-riverside-medical-centre');
    expect(open.input?.find((i) => i.type.coding?.[0]?.code === 'care-coordinator')?.valueReference?.reference).toBe('Organization/org-riverside-aco');
  });

  it('completes episodes from the recorded calls and visits, and starts none for the death or the nursing home', () => {
    expect(episodes.get('Patient/pat-okonkwo-david')?.map((task) => task.status)).toEqual(['completed']);
    expect(episodes.get('Patient/pat-hargreaves-susan')?.map((task) => task.status)).toEqual(['completed']);
    expect(episodes.get('Patient/pat-carter-william')?.map((task) => task.status)).toEqual(['in-progress']);
    expect(episodes.has('Patient/pat-brennan-patrick')).toBe(false);
    expect(episodes.has('Patient/pat-pennington-arthur')).toBe(false);
  });

  it('shows the open episode on the practice worklist', async () => {
    const client = await registerClient(t.app, { organizationId: 'org-gp-riverside-medical-centre', organizationKind: 'gp-practice', scopes: 'system/*.rs' });
    const token = await tokenFor(t.baseUrl, client);
    const response = await fetch(`${t.baseUrl}/tcm/worklist`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { items: { patient: { reference: string }; discharge: string; contactDue: string }[] };
    expect(page.items).toContainEqual(expect.objectContaining({ patient: expect.objectContaining({ reference: 'Patient/pat-ellis-margaret' }), discharge: '2026-10-30T15:00:00Z', contactDue: '2026-11-03T23:59:59.999Z'.replace('Z', '+00:00') }));
  });
});
