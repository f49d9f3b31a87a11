/**
 * SQL for one search filter against the index tables, always parameterised. `r` is the resource row alias.
 * https://hl7.org/fhir/R4/search.html
 */
import { GatewayError } from '../../shared/errors.ts';
import type { DateRange } from '../fhir-dates.ts';
import { normalizeString } from '../normalize.ts';
import type { ParamFilter } from './query.ts';
import { SqlParams, escapeLike } from './sql-params.ts';
import {
  type Prefix,
  badValue,
  parseDateValue,
  parseMissing,
  parseNumberValue,
  parseQuantityValue,
  parseReferenceValue,
  splitToken,
  unescape,
} from './values.ts';

export interface ConditionContext {
  params: SqlParams;
  baseUrl: string;
  /** Current time, for the `ap` prefix. */
  now: Date;
  /** A fresh SQL alias for a nested subquery. */
  alias(prefix: string): string;
}

const TABLES = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  reference: 'sp_reference',
  number: 'sp_number',
  quantity: 'sp_quantity',
  uri: 'sp_uri',
} as const;

/** SQL boolean expression for `filter` on resource alias `r` of type `resourceType`. */
export function filterCondition(filter: ParamFilter, r: string, resourceType: string, ctx: ConditionContext): string {
  const p = ctx.params;
  if (filter.has) return hasCondition(filter, r, resourceType, ctx);
  if (filter.chain) return chainCondition(filter, r, resourceType, ctx);
  if (filter.type === 'id') return idCondition(filter, `${r}.id`, ctx);
  if (filter.type === 'lastUpdated') return instantCondition(filter, `${r}.last_updated`, ctx);
  const table = TABLES[filter.type];
  const t = ctx.alias('i');
  const scope = `${t}.rid = ${r}.rid and ${t}.resource_type = ${p.add(resourceType)} and ${t}.code = ${p.add(filter.code)}`;
  if (filter.modifier === 'missing') {
    const missing = parseMissing(filter.code, filter.values[0] ?? '');
    return `${missing ? 'not ' : ''}exists (select 1 from ${table} ${t} where ${scope})`;
  }
  const ors = filter.values.map((value) => valueCondition(filter, t, value, ctx));
  const matches = `exists (select 1 from ${table} ${t} where ${scope} and (${ors.join(' or ')}))`;
  return filter.modifier === 'not' ? `not ${matches}` : matches;
}

/** `_id` against an id column; `:missing` is never true (every resource has an id). */
export function idCondition(filter: ParamFilter, column: string, ctx: ConditionContext): string {
  if (filter.modifier === 'missing') return parseMissing(filter.code, filter.values[0] ?? '') ? 'false' : 'true';
  return `${column} = any(${ctx.params.add(filter.values.map(unescape))}::text[])`;
}

/** A date filter against a column that holds one instant (millisecond precision), always present. */
export function instantCondition(filter: ParamFilter, column: string, ctx: ConditionContext): string {
  if (filter.modifier === 'missing') return parseMissing(filter.code, filter.values[0] ?? '') ? 'false' : 'true';
  const ors = filter.values.map((value) => {
    const { prefix, range } = parseDateValue(filter.code, value);
    return dateComparison(prefix, column, `(${column} + interval '1 millisecond')`, range, ctx);
  });
  return `(${ors.join(' or ')})`;
}

function valueCondition(filter: ParamFilter, t: string, value: string, ctx: ConditionContext): string {
  const p = ctx.params;
  switch (filter.type) {
    case 'token': {
      if (filter.modifier === 'text') return `${t}.text_norm like ${p.add(`${escapeLike(normalizeString(unescape(value)))}%`)}`;
      const { system, code } = splitToken(value);
      if (system === undefined) return `${t}.value = ${p.add(code)}`;
      if (code === '') return `${t}.system = ${p.add(system)}`;
      if (system === '') return `(${t}.value = ${p.add(code)} and ${t}.system is null)`;
      return `(${t}.value = ${p.add(code)} and ${t}.system = ${p.add(system)})`;
    }
    case 'string': {
      const text = unescape(value);
      if (filter.modifier === 'exact') return `${t}.value_exact = ${p.add(text)}`;
      const pattern = escapeLike(normalizeString(text));
      return `${t}.value_norm like ${p.add(filter.modifier === 'contains' ? `%${pattern}%` : `${pattern}%`)}`;
    }
    case 'uri': {
      const uri = unescape(value);
      if (filter.modifier === 'below') return `${t}.value like ${p.add(`${escapeLike(uri)}%`)}`;
      if (filter.modifier === 'above') return `${p.add(uri)} like replace(replace(replace(${t}.value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
      return `${t}.value = ${p.add(uri)}`;
    }
    case 'date': {
      const { prefix, range } = parseDateValue(filter.code, value);
      return dateComparison(prefix, `${t}.low`, `${t}.high`, range, ctx);
    }
    case 'number': {
      const number = parseNumberValue(filter.code, value);
      return numberComparison(number.prefix, `${t}.value`, number, p);
    }
    case 'quantity': {
      const quantity = parseQuantityValue(filter.code, value);
      const parts = [numberComparison(quantity.prefix, `${t}.value`, quantity, p)];
      if (quantity.system) parts.push(`${t}.system = ${p.add(quantity.system)}`);
      if (quantity.unit) {
        const unit = p.add(quantity.unit);
        parts.push(`(${t}.unit_code = ${unit} or ${t}.unit = ${unit})`);
      }
      return `(${parts.join(' and ')})`;
    }
    case 'reference':
      return referenceValueCondition(filter, t, unescape(value), ctx);
    default:
      throw badValue(filter.code);
  }
}

function referenceValueCondition(filter: ParamFilter, t: string, value: string, ctx: ConditionContext): string {
  const p = ctx.params;
  const modifierType = filter.modifier && filter.modifier !== 'missing' ? filter.modifier : undefined;
  const reference = parseReferenceValue(filter.code, value, modifierType, ctx.baseUrl);
  if (!reference) return 'false';
  if ('url' in reference) return `${t}.url = ${p.add(reference.url)}`;
  const typeCheck = reference.type ? ` and ${t}.target_type = ${p.add(reference.type)}` : '';
  return `(${t}.target_id = ${p.add(reference.id)}${typeCheck})`;
}

/** Range semantics of https://hl7.org/fhir/R4/search.html#prefix over half-open [low, high) ranges. */
function dateComparison(prefix: Prefix, low: string, high: string, range: DateRange, ctx: ConditionContext): string {
  const p = ctx.params;
  const at = (instant: string) => `${p.add(instant)}::timestamptz`;
  const contained = () => `(${low} >= ${at(range.low)} and ${high} <= ${at(range.high)})`;
  switch (prefix) {
    case 'eq':
      return contained();
    case 'ne':
      return `not ${contained()}`;
    case 'gt':
      return `${high} > ${at(range.high)}`;
    case 'lt':
      return `${low} < ${at(range.low)}`;
    case 'ge':
      return `(${high} > ${at(range.high)} or ${contained()})`;
    case 'le':
      return `(${low} < ${at(range.low)} or ${contained()})`;
    case 'sa':
      return `${low} >= ${at(range.high)}`;
    case 'eb':
      return `${high} <= ${at(range.low)}`;
    case 'ap': {
      const now = ctx.now.getTime();
      const lowMs = Date.parse(range.low);
      const highMs = Date.parse(range.high);
      const apLow = new Date(lowMs - 0.1 * Math.abs(now - lowMs)).toISOString();
      const apHigh = new Date(highMs + 0.1 * Math.abs(now - highMs)).toISOString();
      return `(${low} < ${at(apHigh)} and ${high} > ${at(apLow)})`;
    }
  }
}

function numberComparison(prefix: Prefix, column: string, value: { value: number; low: number; high: number }, p: SqlParams): string {
  const num = (n: number) => `${p.add(n)}::numeric`;
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${num(value.low)} and ${column} < ${num(value.high)})`;
    case 'ne':
      return `not (${column} >= ${num(value.low)} and ${column} < ${num(value.high)})`;
    case 'gt':
    case 'sa':
      return `${column} > ${num(value.value)}`;
    case 'lt':
    case 'eb':
      return `${column} < ${num(value.value)}`;
    case 'ge':
      return `${column} >= ${num(value.value)}`;
    case 'le':
      return `${column} <= ${num(value.value)}`;
    case 'ap': {
      const margin = Math.abs(value.value) * 0.1;
      return `(${column} >= ${num(value.value - margin)} and ${column} <= ${num(value.value + margin)})`;
    }
  }
}

function chainCondition(filter: ParamFilter, r: string, resourceType: string, ctx: ConditionContext): string {
  const chain = filter.chain;
  if (!chain) throw badValue(filter.code);
  const p = ctx.params;
  const ref = ctx.alias('c');
  const target = ctx.alias('t');
  const perType = chain.targetTypes.map(
    (type) => `(${ref}.target_type = ${p.add(type)} and ${filterCondition(chain.filter, target, type, ctx)})`,
  );
  return `exists (select 1 from sp_reference ${ref} join resource ${target}
    on ${target}.resource_type = ${ref}.target_type and ${target}.id = ${ref}.target_id and not ${target}.deleted
    where ${ref}.rid = ${r}.rid and ${ref}.resource_type = ${p.add(resourceType)} and ${ref}.code = ${p.add(filter.code)}
    and (${perType.join(' or ')}))`;
}

function hasCondition(filter: ParamFilter, r: string, resourceType: string, ctx: ConditionContext): string {
  const has = filter.has;
  if (!has) throw badValue(filter.code);
  // AuditEvents live in the audit log, not in these tables: refused rather than answered with no matches.
  if (has.sourceType === 'AuditEvent') throw new GatewayError('API-AUDIT-SEARCH', 'not-supported', '_has cannot reach AuditEvents; search AuditEvent directly');
  const p = ctx.params;
  const ref = ctx.alias('h');
  const source = ctx.alias('s');
  return `exists (select 1 from sp_reference ${ref} join resource ${source} on ${source}.rid = ${ref}.rid and not ${source}.deleted
    where ${ref}.resource_type = ${p.add(has.sourceType)} and ${ref}.code = ${p.add(has.referenceCode)}
    and ${ref}.target_type = ${p.add(resourceType)} and ${ref}.target_id = ${r}.id
    and ${filterCondition(has.filter, source, has.sourceType, ctx)})`;
}
