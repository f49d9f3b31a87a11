/**
 * Three-valued matching. A criterion the facts cannot settle (no clinical date, an identifier without a
 * system, an actor given only by display or by a non-organisation identifier) is 'unknown': a deny provision then applies, a permit does not. That keeps every
 * doubt on the side of not disclosing (DOMAIN.md §6; RELIABILITY.md case 22, fail closed).
 */

export type Match = 'yes' | 'no' | 'unknown';

/** All criteria must hold: any 'no' → 'no'; else any 'unknown' → 'unknown'; else 'yes'. */
export function allMatch(matches: readonly Match[]): Match {
  if (matches.includes('no')) return 'no';
  return matches.includes('unknown') ? 'unknown' : 'yes';
}

/** One alternative must hold: any 'yes' → 'yes'; else any 'unknown' → 'unknown'; else 'no'. */
export function anyMatch(matches: readonly Match[]): Match {
  if (matches.includes('yes')) return 'yes';
  return matches.includes('unknown') ? 'unknown' : 'no';
}

/** Whether a provision of this type takes effect given how well it matched. */
export function takesEffect(match: Match, type: 'permit' | 'deny'): boolean {
  return match === 'yes' || (match === 'unknown' && type === 'deny');
}
