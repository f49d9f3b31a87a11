import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/ingest/hl7v2/index.ts';
import { buildMappableAdtA03, formatMapBench, runHl7MapBench } from '../../bench/hl7v2-map.ts';
import { mapOne } from './messages.ts';

describe('bench/hl7v2-map', () => {
  it('maps its 13-segment ADT^A03', () => {
    const mapped = mapOne(parseMessage(buildMappableAdtA03()));
    expect(mapped.event.trigger).toBe('A03');
    expect(mapped.resources.length).toBeGreaterThan(10);
  });

  it('measures both contenders on both workloads', () => {
    const results = runHl7MapBench({ rounds: 1, roundMs: 20, warmupMs: 20 });
    expect(results).toHaveLength(4);
    for (const result of results) expect(result.median).toBeGreaterThan(0);
    expect(formatMapBench(results)).toContain('parseMessage + map + assembleTransaction');
  });
});
