/**
 * Rounds of contenders measured alike: each contender is warmed up once, then every round runs all
 * contenders one after the other (interleaved), so drift on the shared 2-core machine hits all of them.
 * Also the builders that turn rounds into {@link Figure}s.
 */
import { type LoadJob, loadProblems, runLoad } from './load.ts';
import { type Figure, type PeerRatio, type Target, num } from './report.ts';
import { type Summary, summarize } from './stats.ts';
import type { RoundResult } from './timing.ts';

/** One thing measured for a number of milliseconds per round. */
export interface Contender {
  label: string;
  run(ms: number): Promise<RoundResult>;
  /** Filled by the contender with what went wrong in its runs (non-2xx, errors). */
  problems?: string[];
}

/** How long and how often. */
export interface RoundPlan {
  rounds: number;
  roundMs: number;
  warmupMs: number;
}

/** A contender's rounds and any problems seen (non-2xx, errors). */
export interface Measured {
  label: string;
  rounds: RoundResult[];
  problems: string[];
}

/** Runs every contender `plan.rounds` times, interleaved, after one warm-up each. */
export async function compareRounds(contenders: readonly Contender[], plan: RoundPlan, log: (line: string) => void): Promise<Measured[]> {
  const measured = contenders.map((c): Measured => ({ label: c.label, rounds: [], problems: c.problems ?? [] }));
  if (plan.warmupMs > 0) for (const contender of contenders) await contender.run(plan.warmupMs);
  for (let round = 0; round < plan.rounds; round++) {
    for (const [i, contender] of contenders.entries()) {
      const result = await contender.run(plan.roundMs);
      measured[i]?.rounds.push(result);
      log(`  round ${round + 1}/${plan.rounds} ${contender.label}: ${num(result.rate)}/s p50 ${num(result.p50)} ms p99 ${num(result.p99)} ms`);
    }
  }
  return measured;
}

/**
 * A contender driven by autocannon; `job` is rebuilt per round (fresh token, rotated paths). autocannon
 * stops without waiting for its last responses, so `drain` (the server's idle) runs before the next one.
 */
export function loadContender(label: string, job: (durationSec: number) => Promise<LoadJob> | LoadJob, drain?: () => Promise<void>): Contender {
  const problems: string[] = [];
  return {
    label,
    problems,
    async run(ms) {
      const result = await runLoad(await job(Math.max(1, Math.round(ms / 1000))));
      await drain?.();
      const problem = loadProblems(result);
      if (problem) problems.push(problem);
      return { rate: result.rps, p50: result.p50, p99: result.p99, count: result.ok };
    },
  };
}

/** Summaries of a contender's rounds: rate, p50, p99. */
export function summaries(measured: Measured): { rate: Summary; p50: Summary; p99: Summary } {
  return {
    rate: summarize(measured.rounds.map((r) => r.rate)),
    p50: summarize(measured.rounds.map((r) => r.p50)),
    p99: summarize(measured.rounds.map((r) => r.p99)),
  };
}

/** A throughput figure for `ours`, with ratios of medians against `peers`. */
export function throughputFigure(
  section: string,
  name: string,
  ours: Measured,
  peers: readonly Measured[],
  extra: { targets?: (s: ReturnType<typeof summaries>) => Target[]; notes?: string[]; unit?: string } = {},
): Figure {
  const s = summaries(ours);
  const peerRatios: PeerRatio[] = peers.map((peer) => ({ label: peer.label, ratio: s.rate.median / summaries(peer).rate.median }));
  const notes = [...(extra.notes ?? []), ...ours.problems.map((p) => `PROBLEM: ${p}`)];
  return {
    section,
    name,
    unit: extra.unit ?? 'req/s',
    value: s.rate,
    latency: { p50: s.p50, p99: s.p99 },
    peers: peerRatios,
    ...(extra.targets ? { targets: extra.targets(s) } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** A sequential-latency figure: the value is the per-round p50 (ms), p99 alongside. */
export function latencyFigure(section: string, name: string, rounds: readonly { p50: number; p99: number }[], extra: { targets?: Target[]; notes?: string[] } = {}): Figure {
  const p50 = summarize(rounds.map((r) => r.p50));
  const p99 = summarize(rounds.map((r) => r.p99));
  return {
    section,
    name,
    unit: 'ms (p50)',
    value: p50,
    latency: { p50, p99 },
    ...(extra.targets ? { targets: extra.targets } : {}),
    ...(extra.notes ? { notes: extra.notes } : {}),
  };
}
