/** Reading roster CSVs (RFC 4180; RELIABILITY.md case 37): quoting, line ends, bad rows reported, formulas refused. */
import { describe, expect, it } from 'vitest';
import { parseRosterCsv, splitCsv } from '../../src/tcm/roster-csv.ts';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

describe('splitCsv', () => {
  it.each([
    ['plain', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF and no final newline', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['a BOM', '\uFEFFa,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['quoted commas, quotes and newlines', 'a,b\n"x, y","say ""hi""\nthere"\n', [['a', 'b'], ['x, y', 'say "hi"\nthere']]],
    ['blank lines', 'a\n\n1\n\n', [['a'], ['1']]],
    ['empty cells', 'a,b,c\n1,,\n', [['a', 'b', 'c'], ['1', '', '']]],
  ])('%s', (_name, text, expected) => {
    expect(splitCsv(text, 100).rows.map((row) => row.cells)).toEqual(expected);
  });

  it('numbers rows by their first line, across quoted newlines', () => {
    expect(splitCsv('a\n"x\ny"\nz\n', 100).rows.map((row) => row.line)).toEqual([1, 2, 4]);
  });

  it('reports a quote left open', () => {
    expect(splitCsv('a\n1\n"open\n2\n', 100)).toMatchObject({ unterminatedAt: 3 });
  });

  it('refuses more rows than allowed', () => {
    expect(() => splitCsv('a\n1\n2\n3\n', 2)).toThrow(expect.objectContaining({ code: 'TCM-ROSTER-TOO-LARGE' }));
  });
});

describe('parseRosterCsv', () => {
  it('reads identifier, system, start, end and provider columns in any order, case-insensitively', () => {
    const parsed = parseRosterCsv('Start,NHS_Number,provider,extra\n2026-01-01,9990000001,Organization/org-gp,x\n,9990000002,,\n', NHS);
    expect(parsed.rows).toEqual([
      { line: 2, system: NHS, value: '9990000001', start: '2026-01-01', provider: 'org-gp' },
      { line: 3, system: NHS, value: '9990000002' },
    ]);
    expect(parsed.ignoredColumns).toEqual(['extra']);
  });

  it.each([
    ['a formula', '=HYPERLINK("http://evil")', 'formula'],
    ['a plus', '+441632960000', 'formula'],
    ['a minus', '-1+1', 'formula'],
    ['an at sign', '@SUM(A1)', 'formula'],
    ['a tab', '\t9990000001', 'formula'],
    ['a bad identifier', '999 000<1>', 'invalid-identifier'],
  ])('refuses a row with %s, keeping the others', (_what, cell, reason) => {
    const parsed = parseRosterCsv(`identifier\n9990000001\n"${cell.replaceAll('"', '""')}"\n9990000003\n`, NHS);
    expect(parsed.rows.map((row) => row.value)).toEqual(['9990000001', '9990000003']);
    expect(parsed.refused).toEqual([expect.objectContaining({ line: 3, reason })]);
  });

  it('refuses mismatched column counts, bad dates, systems and providers by line', () => {
    const parsed = parseRosterCsv(
      ['identifier,system,start,end,provider', '1,urn:x,,,', '2,urn:x', '3,urn:x,2026-02-30,,', '4,urn:x,2026-03-01,2026-02-01,', '5,not a uri,,,', '6,urn:x,,,bad/id', ',urn:x,,,'].join('\n'),
      NHS,
    );
    expect(parsed.rows.map((row) => row.value)).toEqual(['1']);
    expect(parsed.refused.map((r) => [r.line, r.reason])).toEqual([
      [3, 'column-count'],
      [4, 'invalid-date'],
      [5, 'invalid-date'],
      [6, 'invalid-system'],
      [7, 'invalid-provider'],
      [8, 'missing-identifier'],
    ]);
  });

  it('refuses a file without an identifier column, naming a wrong delimiter', () => {
    expect(() => parseRosterCsv('identifier;system\n1;urn:x\n', NHS)).toThrow(/seems to use ; or tab/);
    expect(() => parseRosterCsv('', NHS)).toThrow(expect.objectContaining({ code: 'TCM-ROSTER-HEADER' }));
  });
});
