/**
 * The load generator, run as a separate process (forked by load.ts) so autocannon and the server under test
 * each get their own event loop on this 2-core machine, as with the autocannon CLI in PERFORMANCE.md.
 * Answers `load` calls ({@link LoadJob} → {@link LoadResult}) over IPC (child-rpc.ts). Latency is taken from autocannon's
 * `response` event (float milliseconds), not from its whole-millisecond histogram.
 */
import { createRequire } from 'node:module';
import { serveRpc } from './child-rpc.ts';
import type { LoadJob, LoadResult } from './load.ts';

/** The raw request object autocannon hands to `setupRequest`. */
interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The subset of autocannon's options used here (autocannon 9 ships no types). */
interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: { setupRequest: (request: RawRequest) => RawRequest }[];
}

/** The subset of autocannon's result used here. */
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
}

type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] as number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  let next = 0;
  const paths = job.paths;
  const bodies = job.bodies;
  const setupRequest = (request: RawRequest): RawRequest => {
    const k = next++;
    request.path = paths[k % paths.length] as string;
    if (bodies) request.body = bodies[k % bodies.length] as string;
    return request;
  };
  const options: AutocannonOptions = {
    url: job.url,
    connections: job.connections,
    timeout: job.timeoutSec ?? 10,
    method: job.method,
    headers: job.headers ?? {},
    requests: [{ setupRequest }],
  };
  if (job.amount !== undefined) options.amount = job.amount;
  else options.duration = job.durationSec ?? 10;
  const latencies: number[] = [];
  // autocannon's own duration is coarse (it ends on a 1 s tick, which dominates short `amount` runs), so the
  // span is taken from the responses: first request sent to last response received.
  let firstSent = Number.POSITIVE_INFINITY;
  let lastReceived = 0;
  const instance = autocannon(options);
  instance.on('response', (_client, status, _bytes, responseTime) => {
    const now = performance.now();
    firstSent = Math.min(firstSent, now - responseTime);
    lastReceived = now;
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const durationSec = Math.max(1e-3, (lastReceived - firstSent) / 1000);
  const sorted = Float64Array.from(latencies).sort();
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statuses[code] = stat.count;
  return {
    ok: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec,
    rps: latencies.length / durationSec,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    statuses,
  };
}

serveRpc({ load: (job) => run(job as LoadJob) });
