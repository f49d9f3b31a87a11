/**
 * Delivery under failure (RELIABILITY.md cases 47, 48, 51; Da Vinci sender rules, SPECS.md §b1): a receiver
 * that is down gets the event later with the same event number and bundle id; 401/404 stop delivery until the
 * client re-requests; 429 is retried; a timeout is a failure; a hanging subscriber delays no one else.
 */
import type { Bundle, Subscription } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type Receiver, eventNumbers, waitFor, receiverPool } from './support/receiver.ts';
import { admit, createPatient, discharge, readSubscription, startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('delivery reliability (%s)', (engine) => {
  let t: TestApp;
  const receivers = receiverPool();
  const receiver = receivers.start;
  const dischargeOne = async () => discharge(t, await admit(t, await createPatient(t)));

  beforeAll(async () => {
    t = await startNotifyApp(engine);
  });
  afterAll(async () => {
    await t.close();
    await receivers.closeAll();
  });

  it.runIf(engine === 'postgres')('delivers a queue while another transaction is numbering new events for it', async () => {
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url });
    r.reply = () => ({ status: 503 });
    await dischargeOne();
    await waitFor(() => r.events().length >= 1, 'a first failed attempt');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // As an ingest transaction holds the counter of every subscriber of a topic from its outbox write to its commit.
    const ingest = t.database.db.transaction(async (tx) => {
      await tx.query('select 1 from notify_counter where subscription_id = $1 for update', [subscription.id as string]);
      locked();
      await held;
    });
    await isLocked;
    try {
      r.reply = () => ({ status: 200 });
      await waitFor(async () => {
        const rows = await t.database.db.query<{ state: string }>('select state from notify_delivery where subscription_id = $1', [subscription.id as string]);
        return rows.length === 1 && rows[0]?.state === 'delivered';
      }, 'the retry delivered and recorded while the counter is locked');
    } finally {
      release();
      await ingest;
    }
    expect(r.events().map((e) => eventNumbers(e.body)[0])).toEqual(r.events().map(() => 1));
  });

  it('retries a receiver that is down and delivers when it is back, same event number and bundle id', async () => {
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url });
    let failures = 0;
    r.reply = (req) => (req.body.type === 'history' && eventNumbers(req.body).length > 0 && failures++ < 3 ? { status: 503 } : { status: 200 });
    await dischargeOne();
    await waitFor(() => r.events().length >= 4, 'three failures and a success');
    const attempts = r.events();
    expect(new Set(attempts.map((a) => a.body.id)).size).toBe(1);
    expect(attempts.map((a) => eventNumbers(a.body)[0])).toEqual([1, 1, 1, 1]);
    // The Bundle that failed first is the one every retry sends, to the byte.
    expect(new Set(attempts.map((a) => JSON.stringify(a.body))).size).toBe(1);
    await waitFor(async () => (await readSubscription(t, t.token, subscription.id as string)).status === 'active', 'the subscription back to active');
  });

  for (const status of [401, 404]) {
    it(`stops on ${status}, keeps the events, and delivers them in order once the client re-requests`, async () => {
      const r = await receiver();
      const subscription = await subscribe(t, { endpoint: r.url });
      r.reply = (req) => (eventNumbers(req.body).length > 0 ? { status } : { status: 200 });
      await dischargeOne();
      const stopped = await waitFor(async () => {
        const current = await readSubscription(t, t.token, subscription.id as string);
        return current.status === 'error' ? current : undefined;
      }, 'the stop');
      expect(stopped.error).toMatch(new RegExp(`HTTP ${status}`));
      await dischargeOne();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(r.events()).toHaveLength(1);
      r.reply = () => ({ status: 200 });
      const again = await t.api(`/Subscription/${subscription.id}`, jsonBody({ ...stopped, status: 'requested' } satisfies Subscription, {}, 'PUT'));
      expect(again.status).toBe(200);
      await waitFor(() => r.events().length >= 3, 'the held events');
      expect(r.events().map((e) => eventNumbers(e.body)[0])).toEqual([1, 1, 2]);
    });
  }

  it('slows down on 429 and delivers later', async () => {
    const r = await receiver();
    await subscribe(t, { endpoint: r.url });
    let limited = 0;
    r.reply = (req) => (eventNumbers(req.body).length > 0 && limited++ < 1 ? { status: 429, retryAfter: '0' } : { status: 200 });
    await dischargeOne();
    await waitFor(() => r.events().length >= 2, 'the retry after 429');
    expect(r.events().map((e) => e.body.id)).toEqual([r.events()[0]?.body.id, r.events()[0]?.body.id]);
  });

  it('treats a response slower than the timeout as a failure and sends the same notification again', async () => {
    const r = await receiver();
    await subscribe(t, { endpoint: r.url, timeoutSeconds: 1 });
    let slow = 0;
    r.reply = (req) => (eventNumbers(req.body).length > 0 && slow++ < 1 ? { status: 200, delayMs: 2500 } : { status: 200 });
    await dischargeOne();
    await waitFor(() => r.events().length >= 2, 'the retry after the timeout');
    const [first, second] = r.events();
    expect(second?.body.id).toBe(first?.body.id);
    expect(eventNumbers(second?.body as Bundle)).toEqual(eventNumbers(first?.body as Bundle));
  });

  it('delivers to everyone else while one subscriber hangs', async () => {
    const poison = await receiver();
    await subscribe(t, { endpoint: poison.url });
    await subscribe(t, { endpoint: `${poison.origin}/other` });
    await subscribe(t, { endpoint: `${poison.origin}/third` });
    poison.reply = (req) => (eventNumbers(req.body).length > 0 ? 'hang' : { status: 200 });
    const healthy: Receiver[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await receiver();
      await subscribe(t, { endpoint: r.url });
      healthy.push(r);
    }
    await dischargeOne();
    await dischargeOne();
    await waitFor(() => healthy.every((r) => r.events().length === 2), 'every healthy subscriber to get both events');
    for (const r of healthy) expect(r.events().map((e) => eventNumbers(e.body)[0])).toEqual([1, 2]);
    expect(poison.events().length).toBeGreaterThanOrEqual(1);
  });
});
