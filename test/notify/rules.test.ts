/**
 * The small rules on their own: backoff with jitter up to the horizon, Retry-After, header validation and
 * masking, roster membership at a time, topic triggers on previous/current, and the topic files themselves.
 */
import type { Group } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { nextAttempt } from '../../src/notify/backoff.ts';
import { parseRetryAfter } from '../../src/notify/channels/http-sender.ts';
import { isActiveMember } from '../../src/notify/filters.ts';
import { maskHeaders, parseHeaders } from '../../src/notify/headers.ts';
import { loadTopicCatalog } from '../../src/notify/topics.ts';
import { createValidator } from '../../src/validation/validator.ts';

const policy = { baseMs: 1000, maxDelayMs: 3_600_000, horizonMs: 72 * 3_600_000 };
const t0 = new Date('2026-11-24T00:00:00Z');

describe('backoff', () => {
  it('doubles per attempt with jitter in [0.5, 1), capped, and stops at the horizon', () => {
    const at = (attempts: number, random: number) => {
      const next = nextAttempt(policy, attempts, t0, t0, { random: () => random });
      return next.retry ? next.at.getTime() - t0.getTime() : undefined;
    };
    expect(at(1, 0)).toBe(500);
    expect(at(1, 0.999)).toBeLessThanOrEqual(1000);
    expect(at(4, 0)).toBe(4000);
    expect(at(30, 0.999)).toBeLessThanOrEqual(3_600_000);
    const late = new Date(t0.getTime() + 72 * 3_600_000 - 10);
    const last = nextAttempt(policy, 50, t0, late, { random: () => 0.9 });
    expect(last.retry && last.at.getTime()).toBe(t0.getTime() + 72 * 3_600_000);
    expect(nextAttempt(policy, 51, t0, new Date(t0.getTime() + 72 * 3_600_000)).retry).toBe(false);
  });

  it('slows down on 429: honours Retry-After, else twice the delay', () => {
    const retry = nextAttempt(policy, 1, t0, t0, { slowDown: true, retryAfterMs: 120_000, random: () => 0 });
    expect(retry.retry && retry.at.getTime() - t0.getTime()).toBe(120_000);
    const doubled = nextAttempt(policy, 1, t0, t0, { slowDown: true, random: () => 0 });
    expect(doubled.retry && doubled.at.getTime() - t0.getTime()).toBe(1000);
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('channel headers', () => {
  it('parses, masks, keeps a masked value, and refuses injection and reserved names', () => {
    const headers = parseHeaders(['Authorization: Bearer abc', 'X-Tenant:  t1 ']);
    expect(headers).toEqual([{ name: 'Authorization', value: 'Bearer abc' }, { name: 'X-Tenant', value: 't1' }]);
    expect(maskHeaders(headers)).toEqual(['Authorization: ***', 'X-Tenant: ***']);
    expect(parseHeaders(['authorization: ***'], headers)).toEqual([{ name: 'Authorization', value: 'Bearer abc' }]);
    for (const bad of ['A: b\r\nC: d', 'A: b\nc', 'A: \u0000', 'Content-Length: 5', 'Proxy-Authorization: x', 'Bad Name: x', ': x', 'X-New: ***']) {
      expect(() => parseHeaders([bad]), bad).toThrow(/channel.header/);
    }
  });
});

describe('roster membership', () => {
  const group: Group = {
    resourceType: 'Group',
    type: 'person',
    actual: true,
    member: [
      { entity: { reference: 'Patient/a' }, period: { start: '2026-01-01', end: '2026-06-30' } },
      { entity: { reference: 'Patient/b' }, inactive: true },
      { entity: { reference: 'https://gw/fhir/Patient/c' } },
    ],
  };
  it('counts a member only while the membership period covers the event time', () => {
    expect(isActiveMember(group, 'a', new Date('2026-06-30T22:00:00Z'))).toBe(true);
    expect(isActiveMember(group, 'a', new Date('2026-07-01T00:00:01Z'))).toBe(false);
    expect(isActiveMember(group, 'a', new Date('2025-12-31T23:00:00Z'))).toBe(false);
    expect(isActiveMember(group, 'b', t0)).toBe(false);
    expect(isActiveMember(group, 'c', t0)).toBe(true);
    expect(isActiveMember({ ...group, active: false }, 'c', t0)).toBe(false);
  });
});

describe('topics', () => {
  const catalog = loadTopicCatalog('https://gw.example/fhir');
  const topic = (name: string) => catalog.byUrl(`https://gw.example/fhir/SubscriptionTopic/${name}`);
  const fires = (name: string, previous: object, current: object) => topic(name)?.triggers.filter((t) => t.matches(previous, current)).map((t) => t.correction ?? 'event') ?? [];
  const enc = (extra: object) => ({ resourceType: 'Encounter', id: 'e', ...extra });

  it('publishes five valid Basic-encoded topics with canonicals under the gateway base', () => {
    expect(catalog.list().map((t) => t.name)).toEqual(['break-glass-alert', 'encounter-admit', 'encounter-discharge', 'encounter-transfer', 'tcm-task-change']);
    const validator = createValidator();
    for (const t of catalog.list()) expect(validator.validate(t.resource), t.name).toEqual([]);
  });

  it('detects admit, discharge, transfer and their corrections from previous and current', () => {
    expect(fires('encounter-admit', {}, enc({ status: 'in-progress' }))).toEqual(['event']);
    expect(fires('encounter-admit', enc({ status: 'planned' }), enc({ status: 'arrived' }))).toEqual(['event']);
    expect(fires('encounter-admit', enc({ status: 'arrived' }), enc({ status: 'in-progress' }))).toEqual([]);
    expect(fires('encounter-admit', enc({ status: 'finished' }), enc({ status: 'in-progress' }))).toEqual([]);
    expect(fires('encounter-admit', enc({ status: 'in-progress' }), enc({ status: 'cancelled' }))).toEqual(['admit-cancelled']);
    const end = { period: { start: '2026-01-01', end: '2026-01-02' } };
    expect(fires('encounter-discharge', enc({ status: 'in-progress' }), enc({ status: 'finished', ...end }))).toEqual(['event']);
    expect(fires('encounter-discharge', enc({ status: 'in-progress' }), enc({ status: 'finished' }))).toEqual([]);
    expect(fires('encounter-discharge', enc({ status: 'finished' }), enc({ status: 'finished', ...end }))).toEqual(['event']);
    expect(fires('encounter-discharge', enc({ status: 'finished', ...end }), enc({ status: 'finished', ...end, text: {} }))).toEqual([]);
    expect(fires('encounter-discharge', enc({ status: 'finished', ...end }), enc({ status: 'in-progress' }))).toEqual(['discharge-cancelled']);
    const at = (...refs: string[]) => ({ status: 'in-progress', location: refs.map((r, i) => ({ location: { reference: r }, status: i === refs.length - 1 ? 'active' : 'completed' })) });
    expect(fires('encounter-transfer', enc(at('Location/a')), enc(at('Location/a', 'Location/b')))).toEqual(['event']);
    expect(fires('encounter-transfer', enc(at('Location/a')), enc(at('Location/a')))).toEqual([]);
    expect(fires('encounter-transfer', {}, enc(at('Location/a')))).toEqual([]);
  });
});
