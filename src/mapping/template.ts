/**
 * Structured templates in mapping files (the `value:` of a rule): plain YAML objects in which the string `$`
 * stands for the mapped value and `$name` for a variable (`$patient`, `$eventOccurred`). `$$x` is the literal
 * text `$x`. The key `...` spreads an object value into the object around it (`{ use: home, "...": $ }` gives
 * the value's own `use` priority). Templates are data, never text later parsed as JSON (STYLE.md §2).
 */
import type { JsonValue } from './model.ts';
import { prune } from './target-path.ts';

const VARIABLE = /^\$([A-Za-z][A-Za-z0-9_]*)$/;

function fill(template: JsonValue, value: unknown, lookup: (name: string) => unknown): unknown {
  if (typeof template === 'string') {
    if (template === '$') return value;
    if (template.startsWith('$$')) return template.slice(1);
    const match = VARIABLE.exec(template);
    return match === null ? template : lookup(match[1] ?? '');
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, value, lookup));
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(template)) {
      const filled = fill(child, value, lookup);
      if (key !== '...') out[key] = filled;
      else if (typeof filled === 'object' && filled !== null && !Array.isArray(filled)) Object.assign(out, filled);
    }
    return out;
  }
  return template;
}

/** Fills a template; parts whose variable is undefined disappear (pruned), so `{}` is never written. */
export function fillTemplate(template: JsonValue, value: unknown, lookup: (name: string) => unknown): unknown {
  return prune(fill(template, value, lookup));
}

/** The variable names a template refers to (for load-time checks). */
export function templateVariables(template: JsonValue): string[] {
  if (typeof template === 'string') {
    const match = VARIABLE.exec(template);
    return match === null || template.startsWith('$$') ? [] : [match[1] ?? ''];
  }
  if (Array.isArray(template)) return template.flatMap(templateVariables);
  if (template !== null && typeof template === 'object') return Object.values(template).flatMap(templateVariables);
  return [];
}
