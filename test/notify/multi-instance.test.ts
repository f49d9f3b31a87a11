/**
 * Several gateway instances on one PostgreSQL database share the delivery work through FOR UPDATE SKIP LOCKED
 * claims and leases (DESIGN.md §4): two apps, each with its own pool and workers; every event is delivered
 * exactly once when nothing fails, in order per subscription. PostgreSQL only (PGlite is one process).
 */
import type { Bundle } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openPostgres } from '../../src/store/db.ts';
import type { TestApp } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type Receiver, eventNumbers, startReceiver, waitFor } from './support/receiver.ts';
import { FAST_NOTIFY, admit, createPatient, discharge, startNotifyApp, subscribe } from './support/world.ts';

const engines = enginesUnderTest().filter((e) => e === 'postgres');

describe.skipIf(engines.length === 0)('two gateway instances sharing the outbox (postgres)', () => {
  let t: TestApp;
  let second: App;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await startNotifyApp('postgres');
    const config = loadConfig({ BASE_URL: t.baseUrl, LOG_LEVEL: 'silent', LOAD_DEMO: 'false', MLLP_ENABLED: 'false', ...FAST_NOTIFY });
    second = await createApp(config, { db: openPostgres(t.database.url as string, 4), logger: createLogger('silent') });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
    for (const r of receivers) await r.close();
  });

  it('delivers every event exactly once, in order, whichever instance claims it', async () => {
    const subscribers = 4;
    for (let i = 0; i < subscribers; i++) {
      const r = await startReceiver();
      receivers.push(r);
      await subscribe(t, { endpoint: r.url });
    }
    const discharges = 12;
    for (let i = 0; i < discharges; i++) await discharge(t, await admit(t, await createPatient(t)));
    await waitFor(() => receivers.every((r) => r.events().length >= discharges), 'every delivery', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const r of receivers) expect(r.events().map((e) => eventNumbers(e.body as Bundle)[0])).toEqual(Array.from({ length: discharges }, (_, i) => i + 1));
  });
});
