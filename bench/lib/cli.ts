/** Flags of `npm run bench`: `--only=<name,...>`, `--engine=postgres|pglite|both` (default both), `--quick`. */
import type { Engine } from './database.ts';

/** Parsed command line. */
export interface BenchFlags {
  /** Bench names to run; undefined for all. */
  only?: string[];
  engines: Engine[];
  quick: boolean;
}

/** Parses `argv` (without node and script); throws on unknown flags or names not in `known`. */
export function parseFlags(argv: readonly string[], known: readonly string[]): BenchFlags {
  const flags: BenchFlags = { engines: ['postgres', 'pglite'], quick: false };
  for (const arg of argv) {
    if (arg === '--quick') flags.quick = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').map((n) => n.trim()).filter(Boolean);
      const unknown = names.filter((n) => !known.includes(n));
      if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${known.join(', ')}`);
      flags.only = names;
    } else if (arg.startsWith('--engine=')) {
      const engine = arg.slice('--engine='.length);
      if (engine === 'both') flags.engines = ['postgres', 'pglite'];
      else if (engine === 'postgres' || engine === 'pglite') flags.engines = [engine];
      else throw new Error(`--engine must be postgres, pglite or both, not "${engine}"`);
    } else if (arg !== '--') {
      throw new Error(`unknown argument "${arg}"; use --only=<name,...> --engine=postgres|pglite|both --quick`);
    }
  }
  return flags;
}
