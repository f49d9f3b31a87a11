/** The mapper contract: errors, the report, determinism, per-source settings, and the transaction Bundle. */
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/ingest/hl7v2/index.ts';
import { assembleTransaction, createHl7v2Mapper } from '../../src/mapping/index.ts';
import { GatewayError } from '../../src/shared/errors.ts';
import { adt, mapOne, msh, pv1, RECEIVED_AT, SEGMENTS, testMapper, testValidator } from './messages.ts';

function caught(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('errors', () => {
  it('rejects a message type without a definition as invalid (MAP-UNSUPPORTED-EVENT)', () => {
    const error = caught(() => mapOne(parseMessage([msh('SIU', 'S12'), SEGMENTS.pid].join('\r'))));
    expect([error.code, error.category, error.message]).toEqual(['MAP-UNSUPPORTED-EVENT', 'invalid', 'No mapping for message type SIU^S12']);
    expect(testMapper().supportedEvents()).toContain('ADT^A40');
  });

  it('rejects missing required content as unprocessable, one issue per element', () => {
    const error = caught(() => mapOne(adt('A03', [SEGMENTS.evn, 'PID|1||', pv1({ 44: '' })])));
    expect([error.code, error.category]).toEqual(['MAP-REQUIRED-MISSING', 'unprocessable']);
    expect(error.issues.map((i) => i.location?.[0])).toEqual(['PID-3', 'PID-5']);
    expect(error.issues.every((i) => i.code === 'required')).toBe(true);
    // A visit update without an admit date maps: the stored encounter keeps its start (a new one fails validation).
    const visit = mapOne(adt('A03', [SEGMENTS.evn, SEGMENTS.pid, pv1({ 44: '' })]));
    expect((visit.resources.find((r) => r.resource.resourceType === 'Encounter')?.resource as { period?: { start?: string } }).period?.start).toBeUndefined();
  });

  it('requires the segments a definition needs', () => {
    expect(caught(() => mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid]))).issues[0]?.location).toEqual(['PV1']);
    expect(caught(() => mapOne(adt('A40', [SEGMENTS.evn, SEGMENTS.pid]))).issues[0]?.location).toEqual(['MRG']);
  });

  it('fails at start on a missing mappings folder or a bad source setting', () => {
    expect(() => createHl7v2Mapper({ mappingsDir: '/nonexistent' })).toThrow(GatewayError);
    expect(() => createHl7v2Mapper({ sources: [{ facility: 'X', timezone: 'Mars/Olympus' }] })).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });
});

describe('the mapping report', () => {
  const mapped = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid, pv1({ 50: 'ALT1' }), 'ZPI|1|custom', 'ROL|1|AD']));

  it('lists unmapped segments, fields and Z-segments, without values', () => {
    expect(mapped.report.unmappedSegments).toEqual(['ZPI', 'ROL']);
    expect(mapped.report.unmappedFields).toEqual(expect.arrayContaining(['PV1-18', 'PV1-50', 'ZPI-*']));
    expect(JSON.stringify(mapped.report)).not.toMatch(/ALT1|custom|HARGREAVES/);
  });

  it('reports NTE that follows a segment without notes', () => {
    const report = mapOne(adt('A08', [SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pv1, 'NTE|1||about the visit'])).report;
    expect(report.unmappedSegments).toEqual(['NTE']);
  });

  it('warns when times have no offset and the source has no zone', () => {
    const message = parseMessage([msh('ADT', 'A01').replace('ST_MARYS', 'ELSEWHERE'), SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pv1].join('\r'));
    expect(mapOne(message).report.warnings).toContain('MSH: time without a UTC offset; UTC assumed (set the source\'s timezone in sources.yaml)');
  });
});

describe('determinism and idempotency', () => {
  it('gives byte-identical output for a replayed message', () => {
    const text = [msh('ADT', 'A01'), SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pd1, SEGMENTS.nk1, SEGMENTS.pv1, SEGMENTS.dg1, SEGMENTS.al1].join('\r');
    const first = JSON.stringify(testMapper().map(parseMessage(text), { receivedAt: RECEIVED_AT }));
    const again = JSON.stringify(createHl7v2Mapper({ sources: [{ facility: 'ST_MARYS', name: "St Mary's Hospital", timezone: 'Europe/London', authorities: { ST_MARYS: 'https://st-marys.example.org/Id/mrn' } }] }).map(parseMessage(text), { receivedAt: RECEIVED_AT }));
    expect(again).toBe(first);
  });

  it('gives the same ids to the same patient and visit in later events', () => {
    const admit = mapOne(adt('A01'));
    const discharge = mapOne(adt('A03', [SEGMENTS.evn, SEGMENTS.pid, pv1({ 45: '20250314091500' })]));
    const ids = (m: typeof admit): string[] => m.resources.filter((r) => ['Patient', 'Encounter'].includes(r.resource.resourceType)).map((r) => r.resource.id ?? '');
    expect(ids(discharge)).toEqual(ids(admit));
  });
});

describe('assembleTransaction', () => {
  it('puts every resource at its deterministic id in a valid transaction', () => {
    const mapped = mapOne(adt('A01', [SEGMENTS.evn, SEGMENTS.pid, SEGMENTS.pv1, SEGMENTS.dg1]));
    const bundle = assembleTransaction(mapped);
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry?.map((e) => e.request)).toEqual(mapped.resources.map((r) => ({ method: 'PUT', url: `${r.resource.resourceType}/${r.resource.id ?? ''}` })));
    expect(testValidator().validate(bundle)).toEqual([]);
  });
});

describe('sources', () => {
  it('names a source without MSH-4 by its sending application', () => {
    const message = parseMessage([msh('ADT', 'A01').replace('|ST_MARYS|', '||'), SEGMENTS.evn, 'PID|1||1234^^^^MR||DOE^JANE', SEGMENTS.pv1].join('\r'));
    const mapped = mapOne(message);
    expect(mapped.event.sendingFacility).toBe('');
    expect(mapped.event.patient[0]?.system).toBe('https://carebridge.dev/fhir/id/mrn/WARDSYS');
  });

  it('uses a configured time zone for times without an offset', () => {
    const mapper = createHl7v2Mapper({ sources: [{ facility: 'ST_MARYS', timezone: 'America/New_York' }] });
    const mapped = mapper.map(adt('A01'), { receivedAt: RECEIVED_AT });
    expect(mapped.event.eventTime).toBe('2025-03-14T09:29:00-04:00');
    expect(mapped.report.warnings.join()).not.toMatch(/assumed/);
  });
});
