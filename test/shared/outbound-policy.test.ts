/** Which outbound destinations are allowed (RELIABILITY.md cases 11, 12, 45): URL checks and address checks. */
import { describe, expect, it } from 'vitest';
import { STRICT_POLICY, addressAllowed, checkUrl } from '../../src/shared/outbound-policy.ts';

describe('outbound policy', () => {
  it.each([
    ['http://example.org/hook', 'https required'],
    ['ftp://example.org/hook', 'https required'],
    ['https://user:secret@example.org/hook', 'credentials in URL'],
    ['https://example.org:22/', 'port not allowed'],
    ['https://example.org:5432/', 'port not allowed'],
    ['https://example.org:6379/', 'port not allowed'],
    ['not a url', 'not a URL'],
    ['http://127.0.0.1:9000/', 'https required'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(checkUrl(url, STRICT_POLICY)).toEqual({ ok: false, reason });
  });

  it('accepts https on ordinary ports', () => {
    expect(checkUrl('https://hooks.example.org/fhir', STRICT_POLICY).ok).toBe(true);
    expect(checkUrl('https://hooks.example.org:8443/fhir', STRICT_POLICY).ok).toBe(true);
  });

  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.5',
  ])('refuses the private or special address %s', (address) => {
    expect(addressAllowed(address, 'https:', STRICT_POLICY)).toBe(false);
  });

  it('normalises numeric host forms before judging them (2130706433, 0x7f.1 are loopback)', () => {
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://[::1]/']) {
      const verdict = checkUrl(url, STRICT_POLICY);
      expect(verdict.ok).toBe(true);
      const host = verdict.ok ? verdict.url.hostname.replace(/^\[|\]$/g, '') : '';
      expect(addressAllowed(host, 'https:', STRICT_POLICY)).toBe(false);
    }
  });

  it('allows public addresses, allow-listed private ranges, and loopback http only when configured', () => {
    expect(addressAllowed('93.184.216.34', 'https:', STRICT_POLICY)).toBe(true);
    expect(addressAllowed('10.20.1.5', 'https:', { allowLoopbackHttp: false, allowedCidrs: ['10.20.0.0/16'] })).toBe(true);
    expect(addressAllowed('10.21.1.5', 'https:', { allowLoopbackHttp: false, allowedCidrs: ['10.20.0.0/16'] })).toBe(false);
    const loopback = { allowLoopbackHttp: true, allowedCidrs: [] };
    expect(checkUrl('http://127.0.0.1:9000/hook', loopback).ok).toBe(true);
    expect(checkUrl('http://example.org/hook', loopback).ok).toBe(false);
    expect(addressAllowed('127.0.0.1', 'http:', loopback)).toBe(true);
    expect(addressAllowed('10.0.0.5', 'http:', loopback)).toBe(false);
  });
});
