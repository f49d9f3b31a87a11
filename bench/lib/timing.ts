/**
 * In-process timing: a closed loop of N concurrent callers for a fixed time (direct SQL, Medplum in-process),
 * sequential latency samples, and a keep-alive HTTP client for sequential requests against a local server.
 */
import http from 'node:http';
import { type LatencyRound, latencyRound } from './stats.ts';

/** Throughput and latency of one timed round. */
export interface RoundResult extends LatencyRound {
  /** Operations per second. */
  rate: number;
}

/** Runs `op` from `concurrency` callers, each starting its next call when the last returns, for `ms`. */
export async function closedLoop(concurrency: number, ms: number, op: (k: number) => Promise<unknown>): Promise<RoundResult> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = start + ms;
  const caller = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const began = performance.now();
      await op(next++);
      samples.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = performance.now() - start;
  return { ...latencyRound(samples), rate: (samples.length * 1000) / elapsed };
}

/** `count` sequential calls of `op`; returns each call's duration in ms. */
export async function sequential(count: number, op: (k: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let k = 0; k < count; k++) {
    const began = performance.now();
    await op(k);
    samples.push(performance.now() - began);
  }
  return samples;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A response read to the end as text. */
export interface TextResponse {
  status: number;
  body: string;
}

/** One HTTP request over a keep-alive agent (cheaper than fetch on loopback, PERFORMANCE.md §2.6). */
export function httpRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<TextResponse> {
  return new Promise<TextResponse>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Throws when a response is not the expected status (a benchmark of failures would be meaningless). */
export function expectStatus(response: TextResponse, status: number, what: string): TextResponse {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.body.slice(0, 300)}`);
  return response;
}

/** Shuffles a copy of `items` with `rand`. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
