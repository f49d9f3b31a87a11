/**
 * Signed paging cursors. A `next` link carries `_cursor`, an HMAC-signed token binding the offset to the
 * caller and to the exact query, with an expiry: a tampered, foreign or stale cursor is refused
 * (RELIABILITY.md case 44), and following one re-runs the query, so access checks apply to every page.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { GatewayError } from '../shared/errors.ts';

export interface CursorPayload {
  offset: number;
  /** Hash of the query parameters the cursor was issued for. */
  query: string;
  principal: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export interface CursorCodec {
  issue(offset: number, queryParams: readonly (readonly [string, string])[], principal: string): string;
  /** Returns the offset, or throws 404/410 when the cursor is not valid for this query and caller. */
  open(cursor: string, queryParams: readonly (readonly [string, string])[], principal: string): number;
}

export function createCursorCodec(secret: string | undefined, clock: Clock, ttlSeconds = 1800): CursorCodec {
  const key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    issue(offset, queryParams, principal) {
      const payload: CursorPayload = { offset, query: hashQuery(queryParams), principal, exp: nowSeconds() + ttlSeconds };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    open(cursor, queryParams, principal) {
      const invalid = new GatewayError('API-BAD-CURSOR', 'not-found', 'The paging link is not valid for this query');
      const [body, signature] = cursor.split('.');
      if (!body || !signature) throw invalid;
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
      if (payload.principal !== principal || payload.query !== hashQuery(queryParams)) throw invalid;
      if (payload.exp < nowSeconds()) throw new GatewayError('API-CURSOR-EXPIRED', 'gone', 'The paging link has expired');
      return payload.offset;
    },
  };
}

/** Order-insensitive hash of the query, ignoring the parameters that only move through pages. */
function hashQuery(params: readonly (readonly [string, string])[]): string {
  const canonical = params
    .filter(([key]) => key !== '_cursor' && key !== '_offset')
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join('&');
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
