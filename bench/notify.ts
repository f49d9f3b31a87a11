/**
 * "Discharge notifications" benchmark (PERFORMANCE.md §5 item 5, §2.6, §3.6), per engine: ADT^A03 discharges
 * sent over real MLLP (admitted first with A01s) at a fixed rate (open loop, default 100/s) to the gateway,
 * with 20 rest-hook subscribers on loopback, each its own receiver. Reported: discharge-to-delivery latency
 * p50/p99 (from the A03 being written to the socket to the notification arriving at the receiver), the
 * sustained delivery rate, and the exact counts: every subscriber must receive every event number 1..N once
 * (a duplicate or a gap fails the target). Peer: the raw keep-alive loopback POST floor measured in the same
 * run (PERFORMANCE.md §2.6). A second series at 10 discharges/s gives the latency of a queue that is not backed up.
 * Standalone: `npx tsx bench/notify.ts [--quick] [--engine=pglite|postgres|both]`.
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Subscription } from 'fhir/r4.js';
import type { App } from '../src/app.ts';
import { createApp } from '../src/app.ts';
import { buildClientAssertion, requestAccessToken } from '../src/auth/assertion-builder.ts';
import { loadConfig } from '../src/config/index.ts';
import type { IngestModule } from '../src/ingest/module.ts';
import { createLogger } from '../src/shared/logger.ts';
import { benchAdt } from './ingest-sender.ts';
import { type Engine, openBenchDatabase, postgresReachable } from './lib/database.ts';
import { listen, registerBenchClient } from './lib/gateway.ts';
import { type MllpFeed, openMllpFeed } from './lib/mllp-feed.ts';
import { type Figure, atMost, formatFigures } from './lib/report.ts';
import { latencyFigure } from './lib/rounds.ts';
import { latencyRound, summarize } from './lib/stats.ts';
import { httpRequest, sequential } from './lib/timing.ts';

export interface NotifyBenchOptions {
  engine: Engine;
  quick: boolean;
  log(line: string): void;
}

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

export async function runNotifyBench(options: NotifyBenchOptions): Promise<Figure[]> {
  const { engine, quick, log } = options;
  const section = `notify · ${engine}`;
  const rate = 100;
  // A second load within what one 2-core machine sustains, for the latency of a queue that is not backed up.
  const lightRate = 10;
  const subscribers = 20;
  const rounds = 3;
  const roundSec = quick ? 2 : 10;
  const database = await openBenchDatabase(engine, 10);
  const listening = await listen();
  const receivers = await startReceivers(subscribers);
  let app: App | undefined;
  try {
    const config = loadConfig({
      BASE_URL: listening.origin, PORT: new URL(listening.origin).port, LOG_LEVEL: 'warn', LOAD_DEMO: 'false', MLLP_PORT: '0', MLLP_HOST: '127.0.0.1',
      NOTIFY_ALLOW_LOOPBACK: '1', ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    app = await createApp(config, { db: database.db, logger: createLogger('warn') });
    listening.server.on('request', app.http);
    const client = await registerBenchClient(app, 'ES384', 'system/*.cruds');
    const tokenUrl = `${listening.origin}/auth/token`;
    const token = (await requestAccessToken(tokenUrl, await buildClientAssertion({ clientId: client.clientId, tokenUrl, key: client.privateKey, alg: client.alg, kid: client.kid }), client.scopes)).body.access_token as string;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
    const fhir = `${listening.origin}/fhir`;

    log(`${section}: ${subscribers} subscriptions`);
    const ids = await subscribe(fhir, headers, receivers, app);
    const mllpPort = (app.modules.find((m) => m.name === 'ingest') as IngestModule).mllpPort();
    if (!mllpPort) throw new Error('the MLLP listener is not running');
    const feed = await openMllpFeed(mllpPort, 4);
    const tag = `N${Date.now().toString(36)}`;
    const total = (rate + lightRate) * roundSec * rounds + rate;
    log(`${section}: admitting ${total} patients with A01 over MLLP`);
    await admit(feed, tag, total);

    let next = 0;
    const runRound = async (perSecond: number, seconds: number): Promise<{ latencies: number[]; rate: number }> => {
      const visits = Array.from({ length: perSecond * seconds }, (_, i) => next + i);
      next += visits.length;
      const expected = receivers.count() + visits.length * subscribers;
      const started = performance.now();
      await dischargeAtRate(feed, tag, visits, perSecond, receivers);
      await receivers.waitFor(expected, 300_000);
      const last = receivers.lastAt();
      return { latencies: receivers.takeLatencies(), rate: (visits.length * subscribers * 1000) / (last - started) };
    };
    log(`${section}: warm-up (1 s at ${rate}/s)`);
    await runRound(rate, 1);
    const measure = async (perSecond: number) => {
      const latencies: { p50: number; p99: number }[] = [];
      const rates: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        log(`${section}: round ${round}/${rounds}, ${roundSec} s at ${perSecond} discharges/s`);
        const result = await runRound(perSecond, roundSec);
        latencies.push(latencyRound(result.latencies));
        rates.push(result.rate);
      }
      return { latencies, rates };
    };
    const full = await measure(rate);
    const light = await measure(lightRate);
    const check = receivers.verify(ids.length, next);
    log(`${section}: loopback POST floor`);
    const floor = await postFloor(receivers.floorUrl(), quick ? 1000 : 5000);
    const p99 = summarize(full.latencies.map((l) => l.p99));
    const counts = `${check.unique.toLocaleString('en-US')} of ${check.expected.toLocaleString('en-US')} (subscription, event number) pairs delivered, ${check.duplicates} duplicates, ${check.gaps} gaps`;
    const note = `latency from the A03 written to the MLLP socket to the receiver reading the notification; each round ${roundSec} s; gateway, receivers and feed share the process`;
    return [
      latencyFigure(section, `A03 over MLLP → webhook at ${rate} discharges/s, ${subscribers} subscribers (full-resource)`, full.latencies, {
        targets: [atMost('p99', p99, 250), { text: 'no event lost or duplicated', met: check.duplicates === 0 && check.gaps === 0, ...(check.duplicates === 0 && check.gaps === 0 ? {} : { gap: counts }) }],
        notes: [counts, note],
      }),
      { section, name: `sustained delivery rate at ${rate} discharges/s`, unit: 'deliveries/s', value: summarize(full.rates), notes: [`offered ${rate * subscribers} deliveries/s; deliveries of the round / (last delivery − first discharge)`] },
      latencyFigure(section, `A03 over MLLP → webhook at ${lightRate} discharges/s, ${subscribers} subscribers (full-resource)`, light.latencies, { notes: [note] }),
      latencyFigure(section, 'peer: raw keep-alive loopback POST of a notification-sized body (floor)', [floor], { notes: ['http.request with a keep-alive agent, sequential, to one of the same receivers'] }),
    ];
  } finally {
    if (app) await app.close().catch(() => undefined);
    await listening.close().catch(() => undefined);
    await receivers.close();
    await database.dispose();
  }
}

async function subscribe(fhir: string, headers: Record<string, string>, receivers: Receivers, app: App): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, url] of receivers.urls.entries()) {
    const subscription: Subscription = {
      resourceType: 'Subscription', status: 'requested', reason: `bench ${i}`, criteria: `${fhir}/SubscriptionTopic/encounter-discharge`,
      channel: { type: 'rest-hook', endpoint: url, payload: 'application/fhir+json', _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'full-resource' }] } },
    };
    const response = await httpRequest(`${fhir}/Subscription`, { method: 'POST', headers, body: JSON.stringify(subscription) });
    if (response.status !== 201) throw new Error(`subscription refused: ${response.status} ${response.body.slice(0, 300)}`);
    ids.push((JSON.parse(response.body) as Subscription).id as string);
  }
  const deadline = Date.now() + 30_000;
  while ((await app.db.query<{ n: number }>("select count(*)::int as n from notify_subscription where status = 'active'"))[0]?.n !== ids.length) {
    if (Date.now() > deadline) throw new Error('subscriptions did not become active');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return ids;
}

/** The visit number of visit `n` in benchAdt's messages (connection 0), as the Encounter carries it. */
const visitNumber = (tag: string, n: number) => `VN${tag}-0-${n}`;

/** A01 for every visit, 8 in flight at a time. */
async function admit(feed: MllpFeed, tag: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const visit = next++;
      const code = await feed.send(benchAdt(tag, 0, visit * 3).text);
      if (code !== 'AA') throw new Error(`A01 for visit ${visit} answered ${code}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Open loop: the A03 of one visit every 1000/rate ms, not waiting for the previous ACK. */
async function dischargeAtRate(feed: MllpFeed, tag: string, visits: readonly number[], rate: number, receivers: Receivers): Promise<void> {
  const interval = 1000 / rate;
  const began = performance.now();
  const acks: Promise<void>[] = [];
  for (const [i, visit] of visits.entries()) {
    const wait = began + i * interval - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    receivers.started(visitNumber(tag, visit), performance.now());
    acks.push(feed.send(benchAdt(tag, 0, visit * 3 + 2).text).then((code) => {
      if (code !== 'AA') throw new Error(`A03 for visit ${visit} answered ${code}`);
    }));
  }
  await Promise.all(acks);
}

async function postFloor(url: string, count: number): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ resourceType: 'Bundle', type: 'history', entry: [{ resource: { resourceType: 'Parameters', parameter: [{ name: 'x', valueString: 'y'.repeat(3000) }] } }] });
  const post = () => new Promise<void>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
  const samples = await sequential(count, post);
  agent.destroy();
  return latencyRound(samples);
}

interface Receivers {
  urls: string[];
  /** Records when the discharge of the visit with this number was sent. */
  started(visitNumber: string, at: number): void;
  /** Event notifications received so far. */
  count(): number;
  waitFor(expected: number, timeoutMs: number): Promise<void>;
  lastAt(): number;
  /** Latencies (ms) recorded since the last call. */
  takeLatencies(): number[];
  verify(subscriptions: number, events: number): { expected: number; unique: number; duplicates: number; gaps: number };
  floorUrl(): string;
  close(): Promise<void>;
}

/** One loopback receiver per subscriber, recording each event number and its latency from the discharge. */
async function startReceivers(n: number): Promise<Receivers> {
  const starts = new Map<string, number>();
  const seen = new Map<string, number>();
  let received = 0;
  let last = 0;
  let latencies: number[] = [];
  const servers: http.Server[] = [];
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.end();
        if (req.url !== '/hook') return;
        const now = performance.now();
        const bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { entry?: { resource?: { resourceType?: string; parameter?: Param[]; identifier?: { value?: string }[] } }[] };
        const status = bundle.entry?.[0]?.resource?.parameter ?? [];
        if (status.find((p) => p.name === 'type')?.valueCode !== 'event-notification') return;
        const event = status.find((p) => p.name === 'notification-event')?.part ?? [];
        const number = event.find((p) => p.name === 'event-number')?.valueString ?? '';
        const key = `${i}:${number}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        received++;
        last = now;
        const encounter = bundle.entry?.find((e) => e.resource?.resourceType === 'Encounter')?.resource;
        const visit = encounter?.identifier?.find((id) => id.value?.startsWith('VN'))?.value ?? '';
        const began = starts.get(visit);
        if (began !== undefined) latencies.push(now - began);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook`);
  }
  return {
    urls,
    started: (id, at) => void starts.set(id, at),
    count: () => received,
    async waitFor(expected, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (received < expected) {
        if (Date.now() > deadline) throw new Error(`only ${received} of ${expected} notifications arrived`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    lastAt: () => last,
    takeLatencies() {
      const out = latencies;
      latencies = [];
      return out;
    },
    verify(subscriptions, events) {
      let duplicates = 0;
      let gaps = 0;
      for (let s = 0; s < subscriptions; s++) {
        for (let e = 1; e <= events; e++) {
          const times = seen.get(`${s}:${e}`) ?? 0;
          if (times === 0) gaps++;
          if (times > 1) duplicates += times - 1;
        }
      }
      // Event numbers outside 1..events (a reuse or an unexpected event) count as duplicates too.
      const unexpected = seen.size - (subscriptions * events - gaps);
      return { expected: subscriptions * events, unique: seen.size, duplicates: duplicates + unexpected, gaps };
    },
    floorUrl: () => (urls[0] ?? '').replace(/\/hook$/, '/floor'),
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

interface Param {
  name: string;
  valueCode?: string;
  valueString?: string;
  valueReference?: { reference?: string };
  part?: Param[];
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const chosen = process.argv.find((a) => a.startsWith('--engine='))?.slice('--engine='.length) ?? 'both';
  let engines: Engine[] = chosen === 'both' ? ['pglite', 'postgres'] : [chosen as Engine];
  if (engines.includes('postgres') && !(await postgresReachable())) engines = engines.filter((e) => e !== 'postgres');
  for (const engine of engines) {
    const figures = await runNotifyBench({ engine, quick, log: (line) => console.log(`  · ${line}`) });
    console.log(formatFigures(figures));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
