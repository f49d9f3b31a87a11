/**
 * Reading a roster upload (CSV, RFC 4180: commas, double-quoted fields with `""` escapes, CRLF or LF line
 * ends, an optional UTF-8 BOM) into rows the roster rules can apply, each either good or refused with a reason
 * (RELIABILITY.md case 37: a bad row is reported, the good rows are kept). A cell that a spreadsheet would run
 * as a formula (first character `=`, `+`, `-`, `@`, tab or carriage return) refuses its row; its value is not
 * echoed back.
 */
import { GatewayError } from '../shared/errors.ts';
import { isCalendarDate } from './calendar-date.ts';

/** One data line: its 1-based line number in the file and its cells. */
export interface CsvRow {
  line: number;
  cells: string[];
}

export interface RosterRow {
  line: number;
  system: string;
  value: string;
  start?: string;
  end?: string;
  /** An Organization id (`provider` column: `Organization/x` or `x`), the ATR attributed provider. */
  provider?: string;
}

export interface RefusedRow {
  line: number;
  reason: 'formula' | 'column-count' | 'missing-identifier' | 'invalid-identifier' | 'invalid-system' | 'invalid-date' | 'invalid-provider' | 'unterminated-quote';
  column?: string;
}

export interface ParsedRoster {
  rows: RosterRow[];
  refused: RefusedRow[];
  ignoredColumns: string[];
}

const FORMULA = /^[=+\-@\t\r]/;
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9 .\-_/]{0,63}$/;
const SYSTEM = /^(?:https?:\/\/|urn:)[^\s,"]{1,200}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const COLUMNS = ['identifier', 'system', 'start', 'end', 'provider'] as const;
const ALIASES: Record<string, (typeof COLUMNS)[number]> = { value: 'identifier', nhs_number: 'identifier', mbi: 'identifier' };

/** Splits CSV text into rows of cells; a quote left open swallows the rest of the file and is reported. */
export function splitCsv(text: string, maxRows: number): { rows: CsvRow[]; unterminatedAt?: number } {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0]?.trim() === '')) rows.push({ line: rowLine, cells });
    if (rows.length > maxRows) throw new GatewayError('TCM-ROSTER-TOO-LARGE', 'too-large', `A roster upload may hold at most ${maxRows} rows`);
    cells = [];
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += char;
  }
  if (quoted) return { rows, unterminatedAt: rowLine };
  if (cell !== '' || cells.length > 0) endRow();
  return { rows };
}

function readRow(row: CsvRow, columns: ((typeof COLUMNS)[number] | undefined)[], defaultSystem: string): RosterRow | RefusedRow {
  const { line } = row;
  if (row.cells.length !== columns.length) return { line, reason: 'column-count' };
  const formula = row.cells.findIndex((cell) => FORMULA.test(cell));
  if (formula >= 0) return { line, reason: 'formula', column: columns[formula] ?? `column ${formula + 1}` };
  const get = (name: (typeof COLUMNS)[number]) => {
    const index = columns.indexOf(name);
    const value = index < 0 ? '' : (row.cells[index] ?? '').trim();
    return value === '' ? undefined : value;
  };
  const value = get('identifier');
  if (value === undefined) return { line, reason: 'missing-identifier', column: 'identifier' };
  if (!IDENTIFIER.test(value)) return { line, reason: 'invalid-identifier', column: 'identifier' };
  const system = get('system') ?? defaultSystem;
  if (!SYSTEM.test(system)) return { line, reason: 'invalid-system', column: 'system' };
  const result: RosterRow = { line, system, value };
  for (const bound of ['start', 'end'] as const) {
    const date = get(bound);
    if (date === undefined) continue;
    if (!isCalendarDate(date)) return { line, reason: 'invalid-date', column: bound };
    result[bound] = date;
  }
  if (result.start !== undefined && result.end !== undefined && result.end < result.start) return { line, reason: 'invalid-date', column: 'end' };
  const provider = get('provider')?.replace(/^Organization\//, '');
  if (provider !== undefined) {
    if (!ID.test(provider)) return { line, reason: 'invalid-provider', column: 'provider' };
    result.provider = provider;
  }
  return result;
}

/**
 * Parses a roster CSV. The header names the columns (any order, case-insensitive): `identifier` (also `value`,
 * `nhs_number`, `mbi`; required), `system` (default `defaultSystem`), `start`, `end` (YYYY-MM-DD), `provider`.
 * Throws 400 `TCM-ROSTER-HEADER` when there is no identifier column (naming a likely wrong delimiter).
 */
export function parseRosterCsv(text: string, defaultSystem: string, maxRows = 100_000): ParsedRoster {
  const { rows, unterminatedAt } = splitCsv(text, maxRows + 1);
  const [header, ...data] = rows;
  const names = (header?.cells ?? []).map((cell) => cell.trim().toLowerCase());
  const columns = names.map((name) => COLUMNS.find((c) => c === name) ?? ALIASES[name]);
  if (!columns.includes('identifier')) {
    const delimiter = names.some((name) => name.includes(';') || name.includes('\t')) ? ' (the file seems to use ; or tab, not commas)' : '';
    throw new GatewayError('TCM-ROSTER-HEADER', 'invalid', `The first line must name the columns, with an identifier column${delimiter}`);
  }
  const parsed: ParsedRoster = { rows: [], refused: [], ignoredColumns: names.filter((_, i) => columns[i] === undefined).filter((n) => !FORMULA.test(n)) };
  for (const row of data) {
    const result = readRow(row, columns, defaultSystem);
    if ('reason' in result) parsed.refused.push(result);
    else parsed.rows.push(result);
  }
  if (unterminatedAt !== undefined) parsed.refused.push({ line: unterminatedAt, reason: 'unterminated-quote' });
  return parsed;
}
