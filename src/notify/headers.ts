/**
 * `Subscription.channel.header`: each value is sent as an HTTP header on every notification (backport IG
 * channels, SPECS.md §b2). They often carry secrets, so they are write-only: validated on write (no CR/LF, no
 * framing or hop-by-hop headers), kept in `notify_secret`, and stored on the Subscription as `Name: ***`.
 * Writing `Name: ***` back keeps the stored value of that header. RELIABILITY.md cases 42 and 53.
 */
import { GatewayError } from '../shared/errors.ts';
import { MASK } from './constants.ts';

export interface ChannelHeader {
  name: string;
  value: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const FORBIDDEN = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'expect', 'upgrade', 'te', 'trailer', 'cookie']);
const MAX_HEADERS = 20;

/**
 * Parses `Name: value` lines; `previous` supplies the values of masked ones. 400 NTF-BAD-HEADER for CR/LF,
 * control characters, a bad or reserved name, or a masked header with no stored value.
 */
export function parseHeaders(lines: readonly string[], previous: readonly ChannelHeader[] = []): ChannelHeader[] {
  const bad = (why: string) => new GatewayError('NTF-BAD-HEADER', 'invalid', `channel.header: ${why}`);
  if (lines.length > MAX_HEADERS) throw bad(`at most ${MAX_HEADERS} headers`);
  return lines.map((line) => {
    if (line.length > 4096) throw bad('a header is longer than 4096 characters');
    if (/[\r\n\0\x01-\x08\x0b-\x1f\x7f]/.test(line)) throw bad('a header contains CR, LF or another control character');
    const colon = line.indexOf(':');
    if (colon <= 0) throw bad('each header is "Name: value"');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name)) throw bad('a header name is not a valid HTTP token');
    if (FORBIDDEN.has(name.toLowerCase()) || name.toLowerCase().startsWith('proxy-')) throw bad(`"${name}" is set by the gateway`);
    if (value === MASK) {
      const kept = previous.find((h) => h.name.toLowerCase() === name.toLowerCase());
      if (!kept) throw bad(`"${name}" is masked but has no stored value`);
      return kept;
    }
    return { name, value };
  });
}

/** The header lines as stored on the Subscription and shown on every read: values masked. */
export function maskHeaders(headers: readonly ChannelHeader[]): string[] {
  return headers.map((h) => `${h.name}: ${MASK}`);
}

/** Masks raw `Name: value` lines (a Subscription that reached the store some other way). */
export function maskHeaderLines(lines: readonly string[]): string[] {
  return lines.map((line) => {
    const colon = line.indexOf(':');
    return colon > 0 ? `${line.slice(0, colon).trim()}: ${MASK}` : MASK;
  });
}
