/**
 * HL7 v2 ingest benchmark (the issue's targets):
 * (a) parse + 18-field extract, ours against `Hl7Message.parse` from @medplum/core on the same messages
 *     (bench/hl7v2-parse.ts; target ≥ 2× the peer, i.e. ≥ 38k msg/s where the peer does 19k);
 * (b) parse + map + assemble the FHIR transaction (bench/hl7v2-map.ts), against parse alone;
 * (c) end to end over real MLLP into the real gateway (createApp on a fresh database, bench/lib), an
 *     A01 → A08 → A03 mix over distinct visits sent by a forked sender (bench/ingest-sender.ts): sustained
 *     msg/s with 1 and 8 connections (closed loop, one message in flight per connection), and ACK latency at
 *     a fixed offered rate of 300 and 500 msg/s (open loop over 8 connections). Every ACK waits for its
 *     commit (synchronous_commit on). PostgreSQL targets: ≥ 800 msg/s with 8 connections, ACK p99 ≤ 50 ms
 *     at 300 msg/s. PGlite (one database connection) is reported without targets.
 * Gateway CPU (this process) and PostgreSQL server CPU (/proc, Linux) per message are noted, and the stored
 * message count is reconciled with the AAs received.
 *
 * Run: `npx tsx bench/ingest.ts [--quick] [--engine=postgres|pglite|both]`
 */
import fs from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { IngestModule } from '../src/ingest/module.ts';
import { runHl7MapBench } from './hl7v2-map.ts';
import { runHl7ParseBench } from './hl7v2-parse.ts';
import type { SendJob, SendResult } from './ingest-sender.ts';
import { startChild } from './lib/child-rpc.ts';
import { type Engine, adminUrl, openBenchDatabase, postgresReachable } from './lib/database.ts';
import { describeEnvironment, formatEnvironment } from './lib/environment.ts';
import { startGateway } from './lib/gateway.ts';
import { type Figure, atLeast, atMost, formatFigures } from './lib/report.ts';
import { summarize } from './lib/stats.ts';

/** How the orchestrator (or the command line) runs this bench. */
export interface IngestBenchOptions {
  quick: boolean;
  log(line: string): void;
  /** Engines for the end-to-end part; default: `--engine=` from the command line, else both. */
  engines?: Engine[];
}

const PARSE_TARGET_RATIO = 2;
const PARSE_TARGET_RATE = 38_000;
const SUSTAINED_TARGET = 800;
const P99_TARGET_MS = 50;

/** Runs (a), (b) and (c) on each engine; returns every figure. */
export async function runIngestBench(options: IngestBenchOptions): Promise<Figure[]> {
  const { quick, log } = options;
  log('ingest: parse + extract against @medplum/core');
  const figures = [...(await parseFigures(quick))];
  log('ingest: parse + map + assemble');
  figures.push(...mapFigures(quick));
  let engines = options.engines ?? enginesFromArgv(process.argv);
  if (engines.includes('postgres') && !(await postgresReachable())) {
    log(`PostgreSQL at ${adminUrl()} is unreachable: end-to-end on PGlite only`);
    engines = engines.filter((e) => e !== 'postgres');
  }
  for (const engine of engines) figures.push(...(await mllpFigures(engine, quick, log)));
  return figures;
}

async function parseFigures(quick: boolean): Promise<Figure[]> {
  const rounds = quick ? 3 : 5;
  const results = await runHl7ParseBench(quick ? { rounds, roundMs: 300, warmupMs: 300 } : { rounds });
  return results.map((r): Figure => {
    const ours = r.name.startsWith('carebridge');
    const value = { min: r.min, median: r.opsPerSec, max: r.max, rounds };
    return {
      section: 'ingest · parse + extract 18 fields (single core)',
      name: `${r.workload}: ${r.name}`,
      unit: 'msg/s',
      value,
      ...(r.name.includes('(peer)') ? {} : { peers: [{ label: '@medplum/core Hl7Message.parse + same reads', ratio: r.ratioVsPeer }] }),
      ...(ours && r.workload.startsWith('ADT^A03')
        ? {
            targets: [
              { text: `parse+extract ≥ ${PARSE_TARGET_RATIO}× @medplum/core`, met: r.ratioVsPeer >= PARSE_TARGET_RATIO, ...(r.ratioVsPeer >= PARSE_TARGET_RATIO ? {} : { gap: `×${r.ratioVsPeer.toFixed(2)}` }) },
              atLeast('parse+extract (reference machine figure; scales with load)', value, PARSE_TARGET_RATE, 'msg/s'),
            ],
          }
        : {}),
    };
  });
}

function mapFigures(quick: boolean): Figure[] {
  const rounds = quick ? 3 : 5;
  const results = runHl7MapBench(quick ? { rounds, roundMs: 300, warmupMs: 300 } : { rounds });
  return results.map((r): Figure => {
    const parse = results.find((p) => p.workload === r.workload && p.resourcesPerMessage === 0);
    const mapping = r.resourcesPerMessage > 0;
    return {
      section: 'ingest · parse + map + assemble (single core)',
      name: `${r.workload}: ${r.name}`,
      unit: 'msg/s',
      value: { min: r.min, median: r.median, max: r.max, rounds },
      ...(mapping && parse ? { peers: [{ label: 'parse alone (the mapping costs the rest)', ratio: r.median / parse.median }] } : {}),
      ...(mapping ? { notes: [`${r.resourcesPerMessage.toFixed(1)} resources per message, ${r.messages} distinct message(s)`] } : {}),
    };
  });
}

/** One measured sending run, with the CPU it cost. */
interface Run extends SendResult {
  gatewayCpuMs: number;
  postgresCpuMs: number | undefined;
}

async function mllpFigures(engine: Engine, quick: boolean, log: (line: string) => void): Promise<Figure[]> {
  const section = `ingest · MLLP end to end · ${engine}`;
  const rounds = 3;
  const durationMs = quick ? 2000 : 10_000;
  const database = await openBenchDatabase(engine, 10);
  const sender = startChild(new URL('./ingest-sender.ts', import.meta.url));
  const gateway = await startGateway(database.db);
  try {
    const ingest = gateway.app.modules.find((m) => m.name === 'ingest') as IngestModule;
    const port = ingest.mllpPort();
    if (port === undefined) throw new Error('the MLLP listener did not start');
    const nonce = Math.random().toString(36).slice(2, 6);
    const send = async (label: string, job: Omit<SendJob, 'port' | 'tag'>, tag: string): Promise<Run> => {
      const cpu = process.cpuUsage();
      const pg = engine === 'postgres' ? postgresCpuMs() : undefined;
      const result = await sender.call<SendResult>('send', { ...job, port, tag: `${nonce}${tag}` });
      const used = process.cpuUsage(cpu);
      const pgAfter = engine === 'postgres' ? postgresCpuMs() : undefined;
      const run: Run = { ...result, p50: result.p50 ?? Number.NaN, p99: result.p99 ?? Number.NaN, gatewayCpuMs: (used.user + used.system) / 1000, postgresCpuMs: pg !== undefined && pgAfter !== undefined ? pgAfter - pg : undefined };
      log(`  ${label}: ${Math.round(run.rate)} AA/s of ${run.sent} sent, p50 ${run.p50.toFixed(1)} ms p99 ${run.p99.toFixed(1)} ms, answers ${JSON.stringify(run.answers)}${run.unanswered ? `, ${run.unanswered} unanswered` : ''}, load ${os.loadavg()[0]?.toFixed(1)}`);
      return run;
    };
    log(`${section}: warm-up`);
    await send('warm-up', { connections: 8, durationMs: quick ? 1000 : 3000 }, 'w');
    const plans: { key: string; label: string; job: Omit<SendJob, 'port' | 'tag'> }[] = [
      { key: 'c1', label: 'sustained, 1 connection', job: { connections: 1, durationMs } },
      { key: 'c8', label: 'sustained, 8 connections', job: { connections: 8, durationMs } },
      { key: 'o300', label: 'offered 300 msg/s over 8 connections', job: { connections: 8, durationMs, rate: 300 } },
      { key: 'o500', label: 'offered 500 msg/s over 8 connections', job: { connections: 8, durationMs, rate: 500 } },
    ];
    const runs = new Map<string, Run[]>(plans.map((p) => [p.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const plan of plans) runs.get(plan.key)?.push(await send(`round ${round + 1}/${rounds} ${plan.label}`, plan.job, `${round}${plan.key}`));
    }
    const all = [...runs.values()].flat();
    const stored = await database.db.query<{ status: string; n: number }>('select status, count(*)::int as n from hl7_message group by status');
    const acked = all.reduce((sum, r) => sum + (r.answers['AA'] ?? 0), 0) + 0;
    const processed = stored.find((s) => s.status === 'processed')?.n ?? 0;
    const reconcile = `stored: ${stored.map((s) => `${s.status} ${s.n}`).join(', ')}; AAs in measured runs ${acked} (+ warm-up)`;
    const postgresOnly = engine === 'postgres';
    return plans.map((plan) => figureOf(section, plan.label, runs.get(plan.key) ?? [], plan.job, postgresOnly ? targetsOf(plan.key) : undefined, [reconcile, ...(processed < acked ? ['PROBLEM: fewer processed messages stored than AAs received'] : [])]));
  } finally {
    sender.close();
    await gateway.close().catch(() => undefined);
    await database.dispose();
  }
}

type TargetBuilder = (rate: ReturnType<typeof summarize>, p99: ReturnType<typeof summarize>) => Figure['targets'];

function targetsOf(key: string): TargetBuilder | undefined {
  if (key === 'c8') return (rate) => [atLeast('end-to-end sustained with 8 connections', rate, SUSTAINED_TARGET, 'msg/s')];
  if (key === 'o300') return (_rate, p99) => [atMost('ACK p99 at 300 msg/s', p99, P99_TARGET_MS)];
  return undefined;
}

function figureOf(section: string, label: string, runs: readonly Run[], job: Omit<SendJob, 'port' | 'tag'>, targets: TargetBuilder | undefined, extra: string[]): Figure {
  const rate = summarize(runs.map((r) => r.rate));
  const p50 = summarize(runs.map((r) => r.p50));
  const p99 = summarize(runs.map((r) => r.p99));
  const perMessage = (ms: (r: Run) => number | undefined) => {
    const values = runs.map((r) => { const v = ms(r); return v === undefined ? Number.NaN : v / Math.max(1, r.answers['AA'] ?? 0); });
    return values.some(Number.isNaN) ? undefined : summarize(values);
  };
  const node = perMessage((r) => r.gatewayCpuMs);
  const pg = perMessage((r) => r.postgresCpuMs);
  const notes = [
    `${runs.map((r) => r.sent).join(' / ')} messages sent per round (${job.durationMs / 1000} s each); answers ${runs.map((r) => JSON.stringify(r.answers)).join(' ')}`,
    `CPU per AA: gateway process ${node ? `${node.median.toFixed(2)} ms` : 'n/a'}${pg ? `, PostgreSQL server ${pg.median.toFixed(2)} ms` : ''} (2 cores shared with the sender and other work; load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')})`,
    ...extra,
  ];
  if (job.rate !== undefined) {
    const achieved = rate.median;
    notes.unshift(achieved < job.rate * 0.97 ? `the gateway could NOT keep up: it achieved ${Math.round(achieved)} of ${job.rate} msg/s offered; latency includes queueing` : `achieved ${Math.round(achieved)} msg/s of ${job.rate} offered`);
  }
  if (runs.some((r) => r.unanswered > 0 || Object.keys(r.answers).some((code) => code !== 'AA'))) notes.push('PROBLEM: some messages were not answered AA');
  const built = targets?.(rate, p99);
  return {
    section,
    name: job.rate === undefined ? `${label}: AA/s` : `${label}: ACK latency (value: achieved AA/s)`,
    unit: 'msg/s',
    value: rate,
    latency: { p50, p99 },
    ...(built ? { targets: built } : {}),
    notes,
  };
}

/** CPU time (ms) used so far by every process named `postgres` (Linux /proc); undefined elsewhere. */
function postgresCpuMs(): number | undefined {
  try {
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    let total = 0;
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        total += (Number(fields[11]) + Number(fields[12])) * tick;
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

/** `--engine=postgres|pglite|both` from the command line (default both). */
function enginesFromArgv(argv: readonly string[]): Engine[] {
  const flag = argv.find((arg) => arg.startsWith('--engine='))?.slice('--engine='.length);
  return flag === 'postgres' || flag === 'pglite' ? [flag] : ['postgres', 'pglite'];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const engines = enginesFromArgv(process.argv);
  console.log(formatEnvironment(await describeEnvironment(engines.includes('postgres') && (await postgresReachable()) ? adminUrl() : undefined)));
  const figures = await runIngestBench({ quick, log: (line) => console.log(`  · ${line}`), engines });
  console.log(formatFigures(figures));
  const targets = figures.flatMap((f) => (f.targets ?? []).map((t) => `${t.met ? '✓' : '✗'} ${f.section}: ${t.text}${t.met ? '' : ` (${t.gap ?? 'missed'})`}`));
  console.log(`\n== targets ==\n${targets.join('\n')}`);
}
