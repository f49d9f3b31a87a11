/**
 * HL7 v2 parse + extract throughput (PERFORMANCE.md §2.1): our `parseMessage` + 18 `get` calls against
 * `Hl7Message.parse` from @medplum/core (the peer) with the same 18 reads, and a naive
 * `split('\r')/split('|')` extract as the reference "ceiling" of PERFORMANCE.md §2.1. It splits every
 * segment eagerly, so our lazy field offsets can beat it; it is kept for comparison.
 * Workloads: a hand-built 13-segment ADT^A03 (v2.5.1) and the ADT messages of the shared corpus.
 * Single core, ≥5 rounds of ~1 s after warm-up.
 *
 * Run: `npx tsx bench/hl7v2-parse.ts`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseMessage } from '../src/ingest/hl7v2/parser.ts';

/** One contender on one workload. */
export interface BenchResult {
  readonly workload: string;
  readonly name: string;
  /** Messages parsed and extracted per second: median, min and max over the rounds. */
  readonly opsPerSec: number;
  readonly min: number;
  readonly max: number;
  /** Median ops/s divided by the peer's (@medplum/core) median on the same workload. */
  readonly ratioVsPeer: number;
}

/** Options for quick runs (tests, CI smoke). */
export interface BenchOptions {
  readonly rounds?: number;
  readonly roundMs?: number;
  readonly warmupMs?: number;
}

type Extract = (text: string) => string[];

const PATHS = ['MSH-9', 'MSH-10', 'PID-3.1', 'PID-5.1', 'PID-5.2', 'PID-7', 'PID-8', 'PID-11.3', 'PV1-2', 'PV1-3.1', 'PV1-19.1', 'PV1-44', 'PV1-45'];
const REPEATED = ['DG1[1]-3.1', 'DG1[2]-3.1', 'DG1[3]-3.1', 'AL1[1]-3.2', 'AL1[2]-3.2'];

/**
 * A hand-written ADT^A03 (discharge), 13 segments, CR-separated; all content is synthetic. PV1 fields sit at their
 * v2.5.1 positions: PV1-19 visit number, PV1-36 discharge disposition, PV1-44/45 admit and discharge date/times.
 */
export function buildAdtA03(): string {
  return [
    'MSH|^~\\&|WARDSYS|ST_MARYS^2.16.840.1.113883.19.4.6^ISO|CAREBRIDGE|HIE_NORTH|20250314093012+0000||ADT^A03^ADT_A03|MSG20250314093012001|P|2.5.1|||AL|NE|GBR|UNICODE UTF-8|en^English^ISO639',
    'EVN|A03|20250314092900+0000|||NURSE042^PARKER^ALEX^^^^^^ST_MARYS|20250314092500+0000|ST_MARYS',
    'PID|1||MRN00482913^^^ST_MARYS^MR^ST_MARYS~9434765919^^^NHS^NH||HARGREAVES^EVELYN^ROSE^^MRS^^L~FIELDING^EVELYN^^^^^B||19470823|F|||14 ORCHARD LANE^FLAT 2^LEEDS^WEST YORKSHIRE^LS6 2QT^GBR^H~^^^^^^M||0113 496 0712^PRN^PH~07700 900412^ORN^CP|||W|C of E|ACC77120934|||||||||||N',
    'PD1|||MEADOWSIDE SURGERY^^B86042|G8812345^OKAFOR^CHIDI^^DR^^^^^^^^GMC||||||||N',
    'NK1|1|HARGREAVES^DANIEL^^^MR|SON^Son^HL70063|22 BIRCH AVENUE^^HARROGATE^NORTH YORKSHIRE^HG1 4RT^GBR|07700 900877^PRN^CP||NOK^Next of kin^HL70131',
    'PV1|1|I|WARD7^BAY3^BED12^ST_MARYS^^BED^MAIN|EM|||C4471122^ASHWORTH^HELEN^^DR^^^^^^^^GMC|C5521907^NWOSU^PETER^^DR||MED||||ADM|A0||C4471122^ASHWORTH^HELEN^^DR|IP|VN88123004^^^ST_MARYS^VN|NHS||||||||||||||||01|HOME^Usual place of residence||ST_MARYS||DIS|||20250310141500+0000|20250314091500+0000',
    'PV2|||R06.0^Dyspnoea^I10||||||20250314|4|||||||||||||N||||||||||N',
    'DG1|1|I10|J18.9^Pneumonia, unspecified organism^I10||20250310|A|||||||||1|C4471122^ASHWORTH^HELEN^^DR',
    'DG1|2|I10|I50.9^Heart failure, unspecified^I10||20250311|W|||||||||2|C4471122^ASHWORTH^HELEN^^DR',
    'DG1|3|I10|E11.9^Type 2 diabetes mellitus without complications^I10||20250310|F|||||||||3',
    'AL1|1|DA|373270004^Penicillin^SCT|SV|Anaphylaxis^^SCT|20010412',
    'AL1|2|FA|256349002^Peanut^SCT|MO|Urticaria|19980101',
    'IN1|1|NHS^National Health Service|NHS001^^^NHS^NII|NHS ENGLAND||||||||||||HARGREAVES^EVELYN^ROSE|SEL^Self^HL70063|19470823|14 ORCHARD LANE^FLAT 2^LEEDS^^LS6 2QT^GBR',
  ].join('\r');
}

/** ADT messages of the shared corpus, with CR terminators (every contender gets the same text). */
export function loadCorpusAdt(root = join(import.meta.dirname, '../../shared/corpus/hl7v2')): string[] {
  const texts: string[] = [];
  for (const dir of ['fhir-converter', 'linuxforhealth']) {
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.hl7')).sort()) {
      const text = readFileSync(join(root, dir, file), 'utf8').replace(/^\ufeff/, '');
      if (!/\|ADT\^/.test(text) || /\^~\\\\&/.test(text)) continue;
      texts.push(text.replace(/\r\n|\n/g, '\r'));
    }
  }
  return texts;
}

const extractOurs: Extract = (text) => {
  const message = parseMessage(text);
  return [...PATHS, ...REPEATED].map((path) => message.get(path));
};

/** Naive ceiling: split every segment at `|`, no object model, no escapes, first repetition only. */
const extractNaive: Extract = (text) => {
  const segments = text.split('\r').map((line) => line.split('|'));
  const at = (id: string, occurrence: number, field: number, component: number): string => {
    let seen = 0;
    for (const fields of segments) {
      if (fields[0] !== id || ++seen !== occurrence) continue;
      const value = fields[id === 'MSH' ? field - 1 : field] ?? '';
      const first = value.includes('~') ? (value.split('~')[0] ?? '') : value;
      return component === 0 ? first : (first.split('^')[component - 1] ?? '');
    }
    return '';
  };
  return [
    at('MSH', 1, 9, 0), at('MSH', 1, 10, 0), at('PID', 1, 3, 1), at('PID', 1, 5, 1), at('PID', 1, 5, 2), at('PID', 1, 7, 0),
    at('PID', 1, 8, 0), at('PID', 1, 11, 3), at('PV1', 1, 2, 0), at('PV1', 1, 3, 1), at('PV1', 1, 19, 1), at('PV1', 1, 44, 0),
    at('PV1', 1, 45, 0), at('DG1', 1, 3, 1), at('DG1', 2, 3, 1), at('DG1', 3, 3, 1), at('AL1', 1, 3, 2), at('AL1', 2, 3, 2),
  ];
};

async function loadMedplumExtract(): Promise<Extract> {
  // @medplum/core reads WebSocket at import time; Node 20 has none. A stub is enough for HL7 parsing.
  const g = globalThis as { WebSocket?: unknown };
  g.WebSocket ??= class {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
  };
  const { Hl7Message } = await import('@medplum/core');
  return (text) => {
    const message = Hl7Message.parse(text);
    const msh = message.getSegment('MSH');
    const pid = message.getSegment('PID');
    const pv1 = message.getSegment('PV1');
    const dg1 = message.getAllSegments('DG1');
    const al1 = message.getAllSegments('AL1');
    const whole = (value: string | undefined): string => (value ?? '').split('~')[0] ?? '';
    return [
      whole(msh?.getField(9)?.toString()), whole(msh?.getField(10)?.toString()), pid?.getComponent(3, 1) ?? '', pid?.getComponent(5, 1) ?? '',
      pid?.getComponent(5, 2) ?? '', whole(pid?.getField(7)?.toString()), whole(pid?.getField(8)?.toString()), pid?.getComponent(11, 3) ?? '',
      whole(pv1?.getField(2)?.toString()), pv1?.getComponent(3, 1) ?? '', pv1?.getComponent(19, 1) ?? '', whole(pv1?.getField(44)?.toString()),
      whole(pv1?.getField(45)?.toString()), dg1[0]?.getComponent(3, 1) ?? '', dg1[1]?.getComponent(3, 1) ?? '', dg1[2]?.getComponent(3, 1) ?? '',
      al1[0]?.getComponent(3, 2) ?? '', al1[1]?.getComponent(3, 2) ?? '',
    ];
  };
}

let sink = 0;

/** Runs `extract` over the messages for about `ms` milliseconds; returns messages per second. */
function measure(extract: Extract, messages: readonly string[], ms: number): number {
  const start = performance.now();
  let done = 0;
  let now = start;
  while (now - start < ms) {
    for (const text of messages) sink += extract(text).length;
    done += messages.length;
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs the benchmark and returns one result per contender and workload. */
export async function runHl7ParseBench(options: BenchOptions = {}): Promise<BenchResult[]> {
  const rounds = Math.max(options.rounds ?? 5, 1);
  const roundMs = options.roundMs ?? 1000;
  const warmupMs = options.warmupMs ?? 1000;
  const contenders: Array<[string, Extract]> = [
    ['carebridge parseMessage+get', extractOurs],
    ['@medplum/core Hl7Message.parse (peer)', await loadMedplumExtract()],
    ['naive split (eager, no model)', extractNaive],
  ];
  const workloads: Array<[string, string[]]> = [
    ['ADT^A03 13 segments', [buildAdtA03()]],
    ['corpus ADT messages', loadCorpusAdt()],
  ];
  const results: BenchResult[] = [];
  for (const [workload, messages] of workloads) {
    const expected = messages.map((m) => extractOurs(m).join('|'));
    for (const [name, extract] of contenders) {
      const got = messages.map((m) => extract(m).join('|'));
      if (got.some((v, i) => v !== expected[i])) throw new Error(`${name} extracts different values on ${workload}`);
      measure(extract, messages, warmupMs / contenders.length);
    }
    const samples = contenders.map((): number[] => []);
    // Interleave contenders in each round so load changes on the machine hit all of them alike.
    for (let round = 0; round < rounds; round += 1) {
      contenders.forEach(([, extract], i) => samples[i]?.push(measure(extract, messages, roundMs)));
    }
    const peer = median(samples[1] ?? []);
    contenders.forEach(([name], i) => {
      const values = samples[i] ?? [];
      const mid = median(values);
      results.push({ workload, name, opsPerSec: mid, min: Math.min(...values), max: Math.max(...values), ratioVsPeer: mid / peer });
    });
  }
  return results;
}

function formatResults(results: readonly BenchResult[]): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(9);
  const lines = ['workload                 contender                               min / median / max msg/s          vs peer'];
  for (const r of results) {
    lines.push(`${r.workload.padEnd(24)} ${r.name.padEnd(39)} ${n(r.min)} / ${n(r.opsPerSec)} / ${n(r.max)}   ×${r.ratioVsPeer.toFixed(2)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runHl7ParseBench();
  console.log(formatResults(results));
  if (sink < 0) console.log(sink);
}
