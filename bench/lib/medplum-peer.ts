/**
 * The search peer of DESIGN.md §5, run in its own process (medplum-child.ts): `@medplum/fhir-router` with
 * its in-memory `MemoryRepository` holding a sample of the same Patients, searched in-process (inside that
 * process, sequentially) and over HTTP through a minimal `node:http` wrapper.
 */
import type { Patient } from 'fhir/r4.js';
import { startChild } from './child-rpc.ts';
import type { Contender } from './rounds.ts';
import type { RoundResult } from './timing.ts';

/** The running peer. */
export interface MedplumPeer {
  /** Patients loaded. */
  size: number;
  /** Origin of the HTTP wrapper; paths are ours (`/fhir/Patient?…`). */
  origin: string;
  /** Resolves once the wrapper has answered every request it received. */
  idle(): Promise<void>;
  /** Sequential in-process searches of `paths` (rotated) for `ms`. */
  inProcess(label: string, paths: string[]): Contender;
  close(): void;
}

/** Starts the peer's process and loads `patients` into its repository. */
export async function startMedplumPeer(patients: readonly Patient[]): Promise<MedplumPeer> {
  const child = startChild(new URL('./medplum-child.ts', import.meta.url));
  const { origin, size } = await child.call<{ origin: string; size: number }>('start', patients);
  return {
    size,
    origin,
    idle: () => child.call<void>('idle'),
    inProcess: (label, paths) => ({
      label,
      run: async (ms) => {
        const result = await child.call<RoundResult>('searchRound', { ms, paths });
        return { ...result, p50: result.p50 ?? Number.NaN, p99: result.p99 ?? Number.NaN };
      },
    }),
    close: () => child.close(),
  };
}
