/**
 * What PERFORMANCE.md §5 asks to record with every report: `node -v`, the machine, and the disk's fsync
 * rate (the first section of `pg_test_fsync`, one 8 kB write per sync, 1 s per method), plus the
 * PostgreSQL server version when that engine runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** One sync method of pg_test_fsync. */
export interface FsyncRate {
  method: string;
  opsPerSec: number;
  usPerOp: number;
}

/** The run's environment. */
export interface Environment {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  fsync: FsyncRate[];
  fsyncNote: string;
  postgres?: string;
  /** 1/5/15-minute load averages at the start: the machine is shared, so read ratios over absolutes. */
  loadAverage: number[];
  /** HEAD and how many tracked files under src/ differ from it (other stages work in the same checkout). */
  git: string;
}

/** Path of pg_test_fsync under /usr/lib/postgresql/<version>/bin, if installed. */
function findPgTestFsync(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  for (const version of readdirSync(root).sort().reverse()) {
    const candidate = join(root, version, 'bin', 'pg_test_fsync');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Runs the first section of pg_test_fsync (stops it at the second); empty when not installed. */
export async function measureFsync(): Promise<{ rates: FsyncRate[]; note: string }> {
  const binary = findPgTestFsync();
  if (!binary) return { rates: [], note: 'pg_test_fsync not found under /usr/lib/postgresql/*/bin: fsync rate not measured' };
  const file = join(os.tmpdir(), `cb-bench-fsync-${process.pid}`);
  const rates: FsyncRate[] = [];
  await new Promise<void>((resolve) => {
    const child = spawn(binary, ['-s', '1', '-f', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => child.kill(), 30_000);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const first = text.split(/Compare file sync methods using two/)[0] ?? '';
      for (const match of first.matchAll(/^\s+(\S+)\s+([\d.]+) ops\/sec\s+(\d+) usecs\/op/gm)) {
        if (!rates.some((r) => r.method === match[1])) rates.push({ method: match[1] as string, opsPerSec: Number(match[2]), usPerOp: Number(match[3]) });
      }
      if (text.includes('Compare file sync methods using two')) child.kill();
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  rmSync(file, { force: true });
  return { rates, note: `${binary} -s 1 (one 8 kB write per sync) on ${os.tmpdir()}` };
}

/** Collects the environment; `postgresUrl` is queried for its version when given. */
export async function describeEnvironment(postgresUrl: string | undefined): Promise<Environment> {
  const fsync = await measureFsync();
  const env: Environment = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    fsync: fsync.rates,
    fsyncNote: fsync.note,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    git: gitState(),
  };
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      const rows = (await client.query<{ v: string; sb: string }>("select current_setting('server_version') as v, current_setting('shared_buffers') as sb")).rows;
      env.postgres = `${rows[0]?.v ?? '?'} (shared_buffers ${rows[0]?.sb ?? '?'})`;
    } catch (error) {
      env.postgres = `unreachable: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return env;
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return `${head}${dirty > 0 ? ` + ${dirty} modified file(s) under src/` : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The header lines printed at the top of a run. */
export function formatEnvironment(env: Environment): string {
  const fsync = env.fsync.length > 0 ? env.fsync.map((r) => `${r.method} ${Math.round(r.opsPerSec).toLocaleString('en-US')}/s (${r.usPerOp} µs)`).join(', ') : 'not measured';
  return [
    `node -v: ${env.node}`,
    `machine: ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB, load average ${env.loadAverage.join(' / ')}`,
    `code: ${env.git}`,
    `fsync: ${fsync}  [${env.fsyncNote}]`,
    ...(env.postgres ? [`PostgreSQL: ${env.postgres}`] : []),
  ].join('\n');
}
