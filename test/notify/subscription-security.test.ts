/**
 * Subscription writes and reads as an attack surface: mass assignment (RELIABILITY.md case 42), write-only
 * header secrets and ownership (cases 38, 53), SSRF at creation and at send time (case 45), and the
 * transaction-Bundle bypass.
 */
import type { Bundle, Subscription } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type Receiver, notificationType, startReceiver, waitFor } from './support/receiver.ts';
import { notifyModule, postSubscription, readSubscription, startNotifyApp, subscribe, subscriptionBody } from './support/world.ts';

describe.each(enginesUnderTest())('subscription security (%s)', (engine) => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('ignores or overwrites server-controlled fields (mass assignment)', async () => {
    const other = await registerClient(t.app, { organizationId: 'org-other' });
    const body = {
      ...subscriptionBody(t, { endpoint: receiver.url }),
      id: 'chosen-by-client',
      status: 'active',
      error: 'nothing to see',
      meta: {
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }],
        tag: [{ system: 'https://carebridge.dev/fhir/CodeSystem/subscription-owner', code: other.clientId }],
      },
    } as Subscription;
    const response = await t.api('/Subscription', jsonBody(body));
    expect(response.status).toBe(201);
    const created = (await response.json()) as Subscription;
    expect(created.id).not.toBe('chosen-by-client');
    expect(created.status).toBe('requested');
    expect(created.error).toBeUndefined();
    expect(created.meta?.tag).toEqual([{ system: 'https://carebridge.dev/fhir/CodeSystem/subscription-owner', code: t.client.clientId }]);
    expect(created.meta?.security ?? []).not.toContainEqual({ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' });
  });

  it('refuses headers with CR/LF or reserved names', async () => {
    for (const header of ['X-Token: a\r\nX-Injected: b', 'Host: evil.example', 'X-Token: a\nb', 'no colon']) {
      const response = await postSubscription(t, t.token, { endpoint: receiver.url, headers: [header] });
      expect(response.status, header).toBe(400);
    }
  });

  it('downgrades full-resource to id-only for a client that may not read the focus type', async () => {
    const limited = await registerClient(t.app, { organizationId: 'org-limited', scopes: 'system/Subscription.cruds system/Encounter.s' });
    const token = await tokenFor(t.baseUrl, limited);
    const response = await postSubscription(t, token, { endpoint: receiver.url, content: 'full-resource' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Subscription;
    expect(created.channel._payload?.extension?.[0]?.valueCode).toBe('id-only');
    const forbidden = await registerClient(t.app, { organizationId: 'org-none', scopes: 'system/Subscription.cruds' });
    expect((await postSubscription(t, await tokenFor(t.baseUrl, forbidden), { endpoint: receiver.url })).status).toBe(403);
  });

  it('masks header values on every read path and sends them unmasked only to the endpoint', async () => {
    const subscription = await subscribe(t, { endpoint: receiver.url, headers: ['Authorization: Bearer top-secret-value'] });
    const handshake = receiver.received.find((r) => notificationType(r.body) === 'handshake' && r.headers.authorization === 'Bearer top-secret-value');
    expect(handshake).toBeDefined();
    const paths = [`/Subscription/${subscription.id}`, `/Subscription/${subscription.id}/_history`, `/Subscription/${subscription.id}/_history/1`, '/Subscription', `/Subscription?_id=${subscription.id}`, '/_history', `/Subscription/${subscription.id}/$status`];
    for (const path of paths) {
      const text = await (await t.api(path)).text();
      expect(text, path).not.toContain('top-secret-value');
    }
    const read = await readSubscription(t, t.token, subscription.id as string);
    expect(read.channel.header).toEqual(['Authorization: ***']);
    // Writing the mask back keeps the stored value.
    const renamed = await t.api(`/Subscription/${subscription.id}`, jsonBody({ ...read, reason: 'renamed' }, {}, 'PUT'));
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as Subscription).status).toBe('active');
  });

  it("shows a client only its own subscriptions: another client's answers 404 to every interaction", async () => {
    const subscription = await subscribe(t, { endpoint: receiver.url });
    const stranger = await registerClient(t.app, { organizationId: 'org-stranger' });
    const token = await tokenFor(t.baseUrl, stranger);
    const as = (path: string, init: RequestInit = {}) => t.follow(`${t.fhirBase}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    expect((await as(`/Subscription/${subscription.id}`)).status).toBe(404);
    expect((await as(`/Subscription/${subscription.id}/$status`)).status).toBe(404);
    expect((await as(`/Subscription/${subscription.id}/$events`)).status).toBe(404);
    expect((await as(`/Subscription/${subscription.id}`, jsonBody({ ...subscription, status: 'off' }, {}, 'PUT'))).status).toBe(404);
    expect((await as(`/Subscription/${subscription.id}`, { method: 'DELETE' })).status).toBe(404);
    const search = (await (await as('/Subscription')).json()) as Bundle;
    expect((search.entry ?? []).map((e) => e.resource?.id)).not.toContain(subscription.id);
    expect((await readSubscription(t, t.token, subscription.id as string)).status).toBe('active');
  });

  it('refuses a Subscription POSTed inside a transaction Bundle (it would skip these rules)', async () => {
    const response = await t.api('', jsonBody({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: subscriptionBody(t, { endpoint: receiver.url }), request: { method: 'POST', url: 'Subscription' } }] }));
    expect(response.status).toBe(422);
  });
});

describe.each(enginesUnderTest())('SSRF guard on subscriber endpoints (%s)', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startNotifyApp(engine, { NOTIFY_ALLOW_LOOPBACK: '0' });
    notifyModule(t).setResolver(async (host) => {
      const table: Record<string, string> = { 'internal.example': '10.1.2.3', 'metadata.example': '169.254.169.254', 'public.example': '93.184.216.34', localhost: '127.0.0.1' };
      const address = table[host];
      if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every endpoint of RELIABILITY.md case 45 at creation', async () => {
    const refused = [
      'http://public.example/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://2130706433/hook',
      'https://0x7f.1/hook',
      'https://internal.example/hook',
      'https://metadata.example/hook',
      'https://public.example:22/',
      'https://public.example:5432/',
      'https://public.example:6379/',
      'https://user:pass@public.example/hook',
      'ftp://public.example/hook',
      'https://unknown.example/hook',
      'http://127.0.0.1:8080/hook',
    ];
    for (const endpoint of refused) {
      const response = await postSubscription(t, t.token, { endpoint });
      expect(response.status, endpoint).toBe(422);
      const text = await response.text();
      expect(text, endpoint).toContain('NTF-ENDPOINT-REFUSED');
    }
  });

  it('re-checks the address at send time: a name that rebinds to a private address is refused, nothing is sent', async () => {
    // Public when the Subscription is checked at creation, private from then on (DNS rebinding).
    let lookups = 0;
    notifyModule(t).setResolver(async () => [{ address: lookups++ === 0 ? '93.184.216.34' : '10.0.0.7', family: 4 }]);
    const response = await postSubscription(t, t.token, { endpoint: 'https://rebind.example/hook' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Subscription;
    const failed = await waitFor(async () => {
      const current = await readSubscription(t, t.token, created.id as string);
      return current.status === 'error' ? current : undefined;
    }, 'the refused handshake');
    expect(failed.error).toMatch(/address not allowed/);
  });
});
