/**
 * "Access: SMART Backend Services" benchmark, per engine: token issuance per second (`POST /auth/token` with
 * fresh client assertions, ES384 and RS384, sequential and 8 concurrent; each issuance verifies the assertion,
 * records its jti against replay and writes an audit record), and the cost of token verification + scope
 * gating + audit on a read, as authenticated throughput over an unauthenticated baseline built from the same
 * app parts (bench/lib/baseline.ts) on the same database in the same run.
 */
import { startUnauthenticatedBaseline } from './lib/baseline.ts';
import { openBenchDatabase, type Engine } from './lib/database.ts';
import { prng } from './lib/fixtures.ts';
import { type BenchClient, type BenchGateway, accessToken, assertionFor, registerBenchClient, startGateway, tokenForm } from './lib/gateway.ts';
import { loadProblems, runLoad } from './lib/load.ts';
import type { Figure } from './lib/report.ts';
import { type Contender, type RoundPlan, compareRounds, loadContender, summaries, throughputFigure } from './lib/rounds.ts';
import { seedPatients } from './lib/seed.ts';
import { expectStatus, httpRequest, shuffled } from './lib/timing.ts';

/** How the orchestrator runs this bench. */
export interface AuthBenchOptions {
  engine: Engine;
  quick: boolean;
  log(line: string): void;
}

/** Runs the bench on one engine and returns its figures. */
export async function runAuthBench(options: AuthBenchOptions): Promise<Figure[]> {
  const { engine, quick, log } = options;
  const section = `auth · ${engine}`;
  const issuePlan: RoundPlan = quick ? { rounds: 3, roundMs: 1000, warmupMs: 0 } : { rounds: 3, roundMs: 5000, warmupMs: 1000 };
  const readPlan: RoundPlan = quick ? { rounds: 3, roundMs: 1000, warmupMs: 0 } : { rounds: 3, roundMs: 10_000, warmupMs: 2000 };
  const READ_CONNECTIONS = quick ? 10 : 50;
  const database = await openBenchDatabase(engine, 10);
  const stops: (() => Promise<void>)[] = [];
  try {
    const gateway = await startGateway(database.db);
    stops.push(() => gateway.close());
    const patients = await seedPatients(database.db, gateway.app.registry, gateway.app.config.baseUrl, quick ? 1000 : 5000);
    const es = await registerBenchClient(gateway.app, 'ES384');
    const rs = await registerBenchClient(gateway.app, 'RS384');

    log(`${section}: token issuance`);
    const issuers = [issuanceContender(gateway, es, 1), issuanceContender(gateway, es, 8), issuanceContender(gateway, rs, 1), issuanceContender(gateway, rs, 8)];
    const issued = await compareRounds(issuers, issuePlan, log);
    const figures: Figure[] = issued.map((m) =>
      throughputFigure(section, `POST /auth/token, ${m.label}`, m, [], {
        unit: 'tokens/s',
        notes: ['assertions signed before each round (not timed); each issuance: assertion verify, replay-guard insert, audit record (group commit)'],
      }),
    );

    log(`${section}: access-layer overhead on a read`);
    const baseline = await startUnauthenticatedBaseline(gateway.app);
    stops.push(baseline.close);
    const paths = shuffled([...patients.keys()], prng(3)).map((id) => `/fhir/Patient/${id}`);
    const token = await accessToken(gateway, es);
    expectStatus(await httpRequest(`${baseline.origin}${paths[0] as string}`, { headers: { authorization: `Bearer ${token}` } }), 200, 'baseline priming read');
    const reads: Contender[] = [
      loadContender('authenticated read (token verify + scope gate + audit)', async (durationSec) => ({
        url: gateway.origin, connections: READ_CONNECTIONS, durationSec, method: 'GET', headers: { authorization: `Bearer ${await accessToken(gateway, es)}` }, paths,
      }), gateway.idle),
      loadContender('unauthenticated baseline (same app parts, fixed grant, no audit)', (durationSec) => ({
        url: baseline.origin, connections: READ_CONNECTIONS, durationSec, method: 'GET', paths,
      }), baseline.idle),
    ];
    const [authed, open] = await compareRounds(reads, readPlan, log);
    const ratio = summaries(authed!).rate.median / summaries(open!).rate.median;
    figures.push(
      throughputFigure(section, `GET /fhir/Patient/{id} authenticated (${READ_CONNECTIONS} connections)`, authed!, [open!], {
        targets: () => [{ text: 'authenticated ≥ 80% of unauthenticated', met: ratio >= 0.8, ...(ratio >= 0.8 ? {} : { gap: `${Math.round(ratio * 100)}% of unauthenticated` }) }],
        notes: [`${patients.size.toLocaleString('en-US')} Patients; both apps share the process, pool and database`],
      }),
      throughputFigure(section, `peer: ${open!.label}`, open!, []),
    );
    return figures;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await database.dispose();
  }
}

/** Issues tokens with freshly signed assertions; the round size follows the last measured rate. */
function issuanceContender(gateway: BenchGateway, client: BenchClient, connections: number): Contender {
  let rate = 50;
  const problems: string[] = [];
  return {
    label: `${client.alg}, ${connections === 1 ? 'sequential' : `${connections} concurrent`}`,
    problems,
    async run(ms) {
      const count = Math.max(50, Math.min(20_000, Math.round((rate * ms) / 1000)));
      const bodies = await Promise.all(Array.from({ length: count }, async () => tokenForm(await assertionFor(client, gateway.tokenUrl), client.scopes)));
      const result = await runLoad({
        url: gateway.origin, connections, amount: count, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, paths: ['/auth/token'], bodies,
      });
      await gateway.idle();
      const problem = loadProblems(result);
      if (problem) problems.push(problem);
      rate = Math.max(10, result.rps);
      return { rate: result.rps, p50: result.p50, p99: result.p99, count: result.ok };
    },
  };
}
