/**
 * HL7 v2 parse + map throughput: `parseMessage` then the declarative mapper (`createHl7v2Mapper().map`) and
 * `assembleTransaction`, against parse alone as the reference (what mapping costs on top of reading).
 * Workloads: the hand-built 13-segment ADT^A03 of bench/hl7v2-parse.ts (admit and discharge times at PV1-44/45,
 * where the mapper reads them) and the corpus ADT messages that map (those the mapper rejects, e.g. A18 or a PID
 * without a name, are counted and left out).
 * Single core, ≥5 interleaved rounds of ~1 s after warm-up; prints msg/s min / median / max.
 *
 * Run: `npx tsx bench/hl7v2-map.ts`
 */
import { pathToFileURL } from 'node:url';
import { parseMessage } from '../src/ingest/hl7v2/index.ts';
import { assembleTransaction, createHl7v2Mapper, type Hl7v2Mapper } from '../src/mapping/index.ts';
import { buildAdtA03, loadCorpusAdt } from './hl7v2-parse.ts';

/** One contender on one workload. */
export interface MapBenchResult {
  readonly workload: string;
  readonly name: string;
  /** Messages per second: median, min and max over the rounds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly messages: number;
  /** Resources produced per message (mapping contenders), for scale. */
  readonly resourcesPerMessage: number;
}

export interface MapBenchOptions {
  readonly rounds?: number;
  readonly roundMs?: number;
  readonly warmupMs?: number;
}

type Work = (text: string) => number;

const RECEIVED_AT = '2025-03-14T10:00:00Z';

function contenders(mapper: Hl7v2Mapper): Array<[string, Work]> {
  return [
    ['parseMessage (reference)', (text) => parseMessage(text).segments().length],
    ['parseMessage + map + assembleTransaction', (text) => assembleTransaction(mapper.map(parseMessage(text), { receivedAt: RECEIVED_AT })).entry?.length ?? 0],
  ];
}

let sink = 0;

function measure(work: Work, messages: readonly string[], ms: number): number {
  const start = performance.now();
  let done = 0;
  let now = start;
  while (now - start < ms) {
    for (const text of messages) sink += work(text);
    done += messages.length;
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The 13-segment ADT^A03 of bench/hl7v2-parse.ts, checked to carry the admit/discharge date/times at PV1-44/45. */
export function buildMappableAdtA03(): string {
  const text = buildAdtA03();
  const message = parseMessage(text);
  if (!message.get('PV1-44').startsWith('2025') || !message.get('PV1-45').startsWith('2025')) throw new Error('bench/hl7v2-parse.ts ADT^A03 changed: check PV1-44/45');
  return text;
}

/** The corpus ADT messages the mapper accepts, and how many it rejected. */
export function loadMappableCorpusAdt(mapper: Hl7v2Mapper): { messages: string[]; rejected: number } {
  const messages: string[] = [];
  let rejected = 0;
  for (const text of loadCorpusAdt()) {
    try {
      mapper.map(parseMessage(text), { receivedAt: RECEIVED_AT });
      messages.push(text);
    } catch {
      rejected += 1;
    }
  }
  return { messages, rejected };
}

/** Runs the benchmark: every contender on every workload, rounds interleaved. */
export function runHl7MapBench(options: MapBenchOptions = {}): MapBenchResult[] {
  const rounds = Math.max(options.rounds ?? 5, 1);
  const roundMs = options.roundMs ?? 1000;
  const warmupMs = options.warmupMs ?? 1000;
  const mapper = createHl7v2Mapper();
  const corpus = loadMappableCorpusAdt(mapper);
  const workloads: Array<[string, string[]]> = [
    ['ADT^A03 13 segments', [buildMappableAdtA03()]],
    [`corpus ADT (${corpus.messages.length} mapped, ${corpus.rejected} rejected)`, corpus.messages],
  ];
  const results: MapBenchResult[] = [];
  for (const [workload, messages] of workloads) {
    const list = contenders(mapper);
    const perMessage = list.map(([, work]) => messages.reduce((sum, text) => sum + work(text), 0) / messages.length);
    for (const [, work] of list) measure(work, messages, warmupMs / list.length);
    const samples = list.map((): number[] => []);
    for (let round = 0; round < rounds; round += 1) list.forEach(([, work], i) => samples[i]?.push(measure(work, messages, roundMs)));
    list.forEach(([name], i) => {
      const values = samples[i] ?? [];
      results.push({ workload, name, median: median(values), min: Math.min(...values), max: Math.max(...values), messages: messages.length, resourcesPerMessage: i === 0 ? 0 : (perMessage[i] ?? 0) });
    });
  }
  return results;
}

/** The results as a table. */
export function formatMapBench(results: readonly MapBenchResult[]): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(8);
  const lines = ['workload                                  contender                                   min / median / max msg/s     resources/msg'];
  for (const r of results) {
    const resources = r.resourcesPerMessage === 0 ? '' : r.resourcesPerMessage.toFixed(1);
    lines.push(`${r.workload.padEnd(41)} ${r.name.padEnd(43)} ${n(r.min)} / ${n(r.median)} / ${n(r.max)}   ${resources}`);
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatMapBench(runHl7MapBench()));
  if (sink < 0) console.log(sink);
}
