/**
 * Finding the one public key that verifies a client's assertion (SMART client-confidential-asymmetric, key
 * resolution steps 1–4): `jku` only when it equals the registered JWKS URL; candidates filtered by `kid` and
 * by a key type consistent with `alg`; exactly one must match. Remote JWKS are fetched through the SSRF-safe
 * fetcher and cached no longer than their Cache-Control allows; an unknown `kid` triggers at most one refetch
 * per cooldown. https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
 */
import { type CryptoKey, type JSONWebKeySet, type JWK, importJWK } from 'jose';
import type { Clock } from '../shared/clock.ts';
import type { SafeFetcher } from '../shared/safe-fetch.ts';
import type { RegisteredClient } from './client-registry.ts';

export class KeyResolutionError extends Error {}

export interface ClientKeyOptions {
  fetcher: SafeFetcher;
  clock: Clock;
  /** Upper bound of caching a remote JWKS even if its Cache-Control allows longer (ms). */
  maxCacheMs: number;
  /** Used when the response carries no Cache-Control (ms). */
  defaultCacheMs: number;
  /** Least time between two fetches of one URL (ms). */
  cooldownMs: number;
  timeoutMs: number;
  maxBytes: number;
}

interface CachedSet {
  keys: JWK[];
  expiresAt: number;
  fetchedAt: number;
}

export interface ClientKeys {
  resolve(client: RegisteredClient, header: { alg: string; kid: string; jku?: string }): Promise<CryptoKey | Uint8Array>;
}

export function createClientKeys(options: ClientKeyOptions): ClientKeys {
  const cache = new Map<string, CachedSet>();

  async function fetchSet(url: string): Promise<CachedSet> {
    const now = options.clock.now().getTime();
    const response = await options.fetcher
      .request(url, { headers: { accept: 'application/json' }, timeoutMs: options.timeoutMs, maxResponseBytes: options.maxBytes })
      .catch(() => {
        throw new KeyResolutionError('JWKS fetch failed');
      });
    if (response.status !== 200) throw new KeyResolutionError('JWKS fetch failed');
    const keys = parseKeySet(response.body.toString('utf8'));
    const entry: CachedSet = { keys, fetchedAt: now, expiresAt: now + cacheLifetime(response.headers['cache-control'], options) };
    cache.set(url, entry);
    return entry;
  }

  async function remoteKeys(url: string, kid: string): Promise<JWK[]> {
    const now = options.clock.now().getTime();
    let entry = cache.get(url);
    if (!entry || entry.expiresAt <= now) entry = await fetchSet(url);
    else if (!entry.keys.some((k) => k.kid === kid) && now - entry.fetchedAt >= options.cooldownMs) entry = await fetchSet(url);
    return entry.keys;
  }

  return {
    async resolve(client, header) {
      if (header.jku !== undefined && header.jku !== client.jwksUri) throw new KeyResolutionError('jku is not the registered JWKS URL');
      const keys = client.jwks ? client.jwks.keys : client.jwksUri ? await remoteKeys(client.jwksUri, header.kid) : [];
      const candidates = keys.filter((key) => key.kid === header.kid && consistentWithAlg(key, header.alg) && usableForVerify(key));
      if (candidates.length !== 1) throw new KeyResolutionError('no single key matches kid and alg');
      return importJWK(candidates[0] as JWK, header.alg);
    },
  };
}

function parseKeySet(text: string): JWK[] {
  let set: JSONWebKeySet;
  try {
    set = JSON.parse(text) as JSONWebKeySet;
  } catch {
    throw new KeyResolutionError('JWKS is not JSON');
  }
  if (!set || !Array.isArray(set.keys)) throw new KeyResolutionError('JWKS has no keys');
  // A set that leaks private material is not trusted at all.
  if (set.keys.some((key) => 'd' in key || 'k' in key || 'p' in key)) throw new KeyResolutionError('JWKS holds private key material');
  return set.keys;
}

function consistentWithAlg(key: JWK, alg: string): boolean {
  if (key.alg && key.alg !== alg) return false;
  if (alg.startsWith('RS') || alg.startsWith('PS')) return key.kty === 'RSA';
  if (alg === 'ES256') return key.kty === 'EC' && key.crv === 'P-256';
  if (alg === 'ES384') return key.kty === 'EC' && key.crv === 'P-384';
  return false;
}

function usableForVerify(key: JWK): boolean {
  if (key.use && key.use !== 'sig') return false;
  return !key.key_ops || key.key_ops.includes('verify');
}

function cacheLifetime(header: string | string[] | undefined, options: ClientKeyOptions): number {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return options.defaultCacheMs;
  if (/no-store|no-cache/i.test(value)) return 0;
  const maxAge = /max-age=(\d+)/i.exec(value);
  if (!maxAge) return options.defaultCacheMs;
  return Math.min(Number(maxAge[1]) * 1000, options.maxCacheMs);
}
