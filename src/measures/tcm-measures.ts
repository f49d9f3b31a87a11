/**
 * TCM measures over the episode Tasks (DOMAIN.md §5, §7; CMS MLN908628): interactive contact within 2 business
 * days (%), face-to-face visit within 7/14 days (%). The items are the episodes (not cancelled) of roster members
 * whose discharge day is in the period and covered by their membership; an episode is met when its contact (or
 * visit) Task is completed by the end of its due day, as the Task records it: `executionPeriod.end` (set from
 * the evidence), else when the practice last changed it (`lastModified`, `meta.lastUpdated`).
 */
import type { Task } from 'fhir/r4.js';
import { calendarDateOf } from '../tcm/calendar-date.ts';
import { type Episode, dischargeOf, isAfterDue } from '../tcm/episode-book.ts';
import { idOfReference } from '../tcm/task-codes.ts';
import type { MeasureDefinition } from './definitions.ts';
import type { MeasureItem } from './measure-report.ts';
import { type MeasurePeriod, type Roster, countsOn } from './population.ts';

const NOT_AN_EPISODE = new Set(['cancelled', 'entered-in-error', 'rejected']);

function doneInTime(task: Task): boolean {
  if (task.status !== 'completed') return false;
  const done = task.executionPeriod?.end ?? task.lastModified ?? task.meta?.lastUpdated;
  return done !== undefined && !isAfterDue(done, task);
}

function dischargeDay(episode: Episode): string | undefined {
  try {
    return calendarDateOf(dischargeOf(episode));
  } catch {
    return undefined;
  }
}

/** The measure's items: one per TCM episode of a roster member discharged in the period. */
export function evaluateTcm(definition: MeasureDefinition, episodes: readonly Episode[], roster: Roster, period: MeasurePeriod, baseUrl: string): MeasureItem[] {
  const items: MeasureItem[] = [];
  for (const episode of episodes) {
    const main = episode.tasks['tcm-episode'];
    const patientId = idOfReference(main.for, 'Patient', baseUrl);
    const day = dischargeDay(episode);
    if (NOT_AN_EPISODE.has(main.status) || patientId === undefined || day === undefined || !countsOn(roster, patientId, day, period)) continue;
    const numerator = definition.numerator;
    items.push({
      reference: `Task/${main.id}`,
      patientId,
      excluded: definition.denominatorExclusion?.episodeStatus.includes(main.status) ?? false,
      met: numerator?.kind === 'task-on-time' && doneInTime(episode.tasks[numerator.task]),
    });
  }
  return items;
}
