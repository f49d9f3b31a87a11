/** The BALP REST events of one access: one per patient disclosed, naming the first resources and counting all. */
import type { Observation } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { restAuditEvents } from '../../src/audit/rest-audit.ts';
import { TEST_BASE_URL, testRegistry } from '../support/store.ts';

const observation = (id: string, patient: string): Observation => ({
  resourceType: 'Observation', id, meta: { versionId: '1' }, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` },
});

describe('restAuditEvents', () => {
  const base = {
    interaction: 'search-type', method: 'GET', rawQuery: '/Observation?code=x', status: 200, access: undefined, requestId: 'req-1', withheld: 0,
    recorded: '2026-11-24T12:00:00Z', gateway: { name: 'carebridge', url: `${TEST_BASE_URL}/fhir` }, registry: testRegistry(), baseUrl: TEST_BASE_URL,
  };

  it('writes one event per patient, listing the first 20 resources and counting every one', () => {
    const disclosed = [...Array.from({ length: 30 }, (_, i) => observation(`a${i}`, 'pa')), observation('b0', 'pb')];
    const events = restAuditEvents({ ...base, disclosed });
    expect(events).toHaveLength(2);
    const forA = events.find((e) => e.entity?.some((x) => x.what?.reference === 'Patient/pa'));
    const listed = forA?.entity?.filter((x) => x.what?.reference?.startsWith('Observation/')) ?? [];
    expect(listed).toHaveLength(20);
    expect(listed[0]?.what?.reference).toBe('Observation/a0/_history/1');
    expect(forA?.entity?.find((x) => x.detail?.[0]?.type === 'disclosed-count')?.detail?.[0]?.valueString).toBe('30');
    const forB = events.find((e) => e.entity?.some((x) => x.what?.reference === 'Patient/pb'));
    expect(forB?.entity?.filter((x) => x.what?.reference?.startsWith('Observation/')).map((x) => x.what?.reference)).toEqual(['Observation/b0/_history/1']);
    expect(forB?.entity?.some((x) => x.detail?.[0]?.type === 'disclosed-count')).toBe(false);
  });
});
