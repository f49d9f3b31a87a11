/**
 * Which outbound destinations the gateway may call (JWKS URLs, subscriber endpoints): https only, never
 * private, loopback, link-local or metadata addresses unless allow-listed, never internal service ports.
 * Plain http is allowed only to loopback and only when configured (tests and demos).
 * RELIABILITY.md case 45 and OWASP API7 (SSRF).
 */
import net from 'node:net';

export interface OutboundPolicy {
  /** Let `http://127.0.0.1:…` and `http://[::1]:…` through (NOTIFY_ALLOW_LOOPBACK=1). */
  allowLoopbackHttp: boolean;
  /** CIDR blocks that may be called even though they are private (`10.20.0.0/16`). */
  allowedCidrs: string[];
}

export const STRICT_POLICY: OutboundPolicy = { allowLoopbackHttp: false, allowedCidrs: [] };

const BLOCKED_PORTS = new Set([22, 23, 25, 53, 110, 143, 389, 445, 1433, 1521, 2375, 2379, 3306, 5432, 5672, 6379, 9200, 11211, 27017]);

const PRIVATE = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Checks the URL itself (scheme, credentials, port); addresses are checked when resolved and connected. */
export function checkUrl(raw: string, policy: OutboundPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials in URL' };
  if (url.protocol === 'http:') {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!policy.allowLoopbackHttp || !(host === 'localhost' || (net.isIP(host) && isLoopback(host)))) {
      return { ok: false, reason: 'https required' };
    }
    return { ok: true, url };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'https required' };
  const port = Number(url.port || 443);
  if (BLOCKED_PORTS.has(port)) return { ok: false, reason: 'port not allowed' };
  return { ok: true, url };
}

/** May we connect to this resolved address for a URL of this scheme? */
export function addressAllowed(address: string, protocol: string, policy: OutboundPolicy): boolean {
  const family = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const mapped = family === 'ipv6' && address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : undefined;
  if (mapped && net.isIPv4(mapped)) return addressAllowed(mapped, protocol, policy);
  if (protocol === 'http:') return policy.allowLoopbackHttp && isLoopback(address);
  if (policy.allowLoopbackHttp && isLoopback(address)) return true;
  if (allowListed(address, family, policy)) return true;
  return !PRIVATE.check(address, family);
}

function isLoopback(address: string): boolean {
  return LOOPBACK.check(address, net.isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function allowListed(address: string, family: 'ipv4' | 'ipv6', policy: OutboundPolicy): boolean {
  if (policy.allowedCidrs.length === 0) return false;
  const list = new net.BlockList();
  for (const cidr of policy.allowedCidrs) {
    const [network = '', prefix = ''] = cidr.split('/');
    const type = net.isIP(network) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(network, Number(prefix || (type === 'ipv6' ? 128 : 32)), type);
  }
  return list.check(address, family);
}
