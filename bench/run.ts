/**
 * `npm run bench`: runs the named benchmarks and prints every figure as min / median / max over its rounds
 * with ratios against peers measured in the same run (PERFORMANCE.md §5); the environment (node -v, fsync
 * rate) goes at the top. Results are also written as JSON to bench/results/.
 *
 * Flags: `--only=<name,...>`, `--engine=postgres|pglite|both` (default both), `--quick` (smoke run).
 * To add a benchmark, append one entry to BENCHES.
 */
import { runAuthBench } from './auth.ts';
import { runConsentBench } from './consent.ts';
import { runHl7ParseBench } from './hl7v2-parse.ts';
import { runIngestBench } from './ingest.ts';
import { hl7Figures, validationFigures } from './lib/adapters.ts';
import { parseFlags } from './lib/cli.ts';
import { type Engine, adminUrl, postgresReachable } from './lib/database.ts';
import { describeEnvironment, formatEnvironment } from './lib/environment.ts';
import { closeLoad } from './lib/load.ts';
import { runNotifyBench } from './notify.ts';
import { type Figure, formatFigures, writeResults } from './lib/report.ts';
import { runStoreApiBench } from './store-api.ts';
import { runValidationBench } from './validation.ts';

/** What a bench is given. */
interface BenchContext {
  /** Set for benches that run once per database engine. */
  engine?: Engine;
  quick: boolean;
  log(line: string): void;
}

/** One named benchmark: engine-independent ones run once, the others once per selected engine. */
interface NamedBench {
  name: string;
  perEngine: boolean;
  run(ctx: BenchContext): Promise<Figure[]>;
}

const BENCHES: NamedBench[] = [
  {
    name: 'hl7v2-parse',
    perEngine: false,
    run: async ({ quick }) => {
      const rounds = quick ? 3 : 5;
      return hl7Figures(await runHl7ParseBench(quick ? { rounds, roundMs: 300, warmupMs: 300 } : { rounds }), rounds);
    },
  },
  {
    name: 'validation',
    perEngine: false,
    run: async ({ quick }) => {
      const options = quick ? { rounds: 3, roundMs: 300, warmupMs: 200, compileRuns: 1 } : { rounds: 5, roundMs: 1000, warmupMs: 500, compileRuns: 3 };
      return validationFigures(await runValidationBench(options), options.rounds, options.compileRuns);
    },
  },
  { name: 'store-api', perEngine: true, run: ({ engine, quick, log }) => runStoreApiBench({ engine: engine as Engine, quick, log }) },
  { name: 'auth', perEngine: true, run: ({ engine, quick, log }) => runAuthBench({ engine: engine as Engine, quick, log }) },
  { name: 'consent', perEngine: true, run: ({ engine, quick, log }) => runConsentBench({ engine: engine as Engine, quick, log }) },
  { name: 'ingest', perEngine: false, run: ({ quick, log }) => runIngestBench({ quick, log }) },
  { name: 'notify', perEngine: true, run: ({ engine, quick, log }) => runNotifyBench({ engine: engine as Engine, quick, log }) },
];

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), BENCHES.map((b) => b.name));
  const selected = BENCHES.filter((b) => !flags.only || flags.only.includes(b.name));
  let engines = flags.engines;
  if (selected.some((b) => b.perEngine) && engines.includes('postgres') && !(await postgresReachable())) {
    console.log(`PostgreSQL at ${adminUrl()} is unreachable: skipping the postgres engine`);
    engines = engines.filter((e) => e !== 'postgres');
  }
  const started = Date.now();
  const environment = await describeEnvironment(engines.includes('postgres') ? adminUrl() : undefined);
  console.log(`carebridge benchmarks ${new Date().toISOString()}${flags.quick ? ' (--quick: small data, short rounds)' : ''}`);
  console.log(formatEnvironment(environment));
  const log = (line: string) => console.log(`  · ${line}`);
  const figures: Figure[] = [];
  const failures: string[] = [];
  for (const bench of selected) {
    for (const engine of bench.perEngine ? engines : [undefined]) {
      const label = engine ? `${bench.name} (${engine})` : bench.name;
      console.log(`\n>> ${label}`);
      const benchStart = Date.now();
      try {
        const produced = await bench.run({ ...(engine ? { engine } : {}), quick: flags.quick, log });
        figures.push(...produced);
        console.log(formatFigures(produced));
      } catch (error) {
        failures.push(`${label}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        console.log(`!! ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      console.log(`   (${label} took ${Math.round((Date.now() - benchStart) / 1000)} s)`);
    }
  }
  closeLoad();
  const targets = figures.flatMap((f) => (f.targets ?? []).map((t) => `${t.met ? '✓' : '✗'} ${f.section}: ${t.text}${t.met ? '' : ` (${t.gap ?? 'missed'})`}`));
  console.log(`\n== summary of targets ==\n${targets.join('\n') || '(no targets in this selection)'}`);
  const file = writeResults({ date: new Date().toISOString(), quick: flags.quick, engines, environment, failures }, figures);
  console.log(`\nresults: ${file}; total ${Math.round((Date.now() - started) / 1000)} s`);
  if (failures.length > 0) {
    console.log(`\nFAILED:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
