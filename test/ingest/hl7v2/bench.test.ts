import { describe, expect, it } from 'vitest';
import { buildAdtA03, loadCorpusAdt, runHl7ParseBench } from '../../../bench/hl7v2-parse.ts';
import { parseMessage } from '../../../src/ingest/hl7v2/parser.ts';

describe('bench/hl7v2-parse', () => {
  it('builds the 13-segment ADT^A03 and finds corpus ADT messages', () => {
    const message = parseMessage(buildAdtA03());
    expect(message.segments()).toHaveLength(13);
    expect(message.get('MSH-9')).toBe('ADT^A03^ADT_A03');
    expect(message.segments('DG1')).toHaveLength(3);
    expect(loadCorpusAdt().length).toBeGreaterThan(20);
  });

  it('runs every contender on the same values (a mismatch throws) and reports ratios', async () => {
    const results = await runHl7ParseBench({ rounds: 1, roundMs: 20, warmupMs: 20 });
    expect(results).toHaveLength(6);
    for (const result of results) expect(result.opsPerSec).toBeGreaterThan(0);
    expect(results.filter((r) => r.name.includes('(peer)')).map((r) => r.ratioVsPeer)).toEqual([1, 1]);
  });
});
