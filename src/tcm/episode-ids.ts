/**
 * Deterministic ids for what a discharge creates: the episode's three Tasks and its LACE RiskAssessment are
 * named after the discharge Encounter, so a resent A03 or a replayed transaction updates the same resources
 * instead of creating a second episode (RELIABILITY.md invariant 3, case 25).
 */
import { createHash } from 'node:crypto';
import type { TaskKind } from './task-codes.ts';

const MAX_ID = 64;
const SUFFIX: Record<TaskKind, string> = { 'tcm-episode': '', 'tcm-contact': '-contact', 'tcm-visit': '-visit' };

/** The key of the episode started by a discharge Encounter: its id, or a hash when the ids would be too long. */
export function episodeKeyOf(encounterId: string): string {
  const longest = `tcm-${encounterId}-contact`;
  if (longest.length <= MAX_ID) return encounterId;
  return `h${createHash('sha256').update(encounterId).digest('hex').slice(0, 40)}`;
}

/** The Task id of one kind of Task of the episode started by `encounterId`. */
export function taskIdOf(encounterId: string, kind: TaskKind): string {
  return `tcm-${episodeKeyOf(encounterId)}${SUFFIX[kind]}`;
}

/** The id of the episode's LACE RiskAssessment. */
export function laceIdOf(encounterId: string): string {
  return `lace-${episodeKeyOf(encounterId)}`;
}
