/**
 * Outbound HTTP that cannot be turned against the gateway's own network: the URL is checked by the
 * {@link OutboundPolicy}, every address DNS returns is checked at connect time (so DNS rebinding between a
 * check and the send does not help), the connected socket's address is checked again, redirects are never
 * followed, and responses are capped in size and time.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type OutboundPolicy, addressAllowed, checkUrl } from './outbound-policy.ts';

export interface SafeRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The address actually connected to. */
  remoteAddress: string | undefined;
}

export class OutboundRefused extends Error {
  constructor(readonly reason: string) {
    super(`outbound request refused: ${reason}`);
    this.name = 'OutboundRefused';
  }
}

export interface SafeFetcher {
  request(url: string, options: SafeRequest): Promise<SafeResponse>;
  close(): void;
}

export function createSafeFetcher(policy: OutboundPolicy): SafeFetcher {
  const guardedLookup = (protocol: string): LookupFunction => (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = (addresses as dns.LookupAddress[]).filter((a) => addressAllowed(a.address, protocol, policy));
      const first = list[0];
      if (!first) return callback(new OutboundRefused('address not allowed'), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16, lookup: guardedLookup('http:') }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16, lookup: guardedLookup('https:') }),
  };
  return {
    request(raw, options) {
      const verdict = checkUrl(raw, policy);
      if (!verdict.ok) return Promise.reject(new OutboundRefused(verdict.reason));
      const { url } = verdict;
      const protocol = url.protocol as 'http:' | 'https:';
      const transport = protocol === 'https:' ? https : http;
      return new Promise<SafeResponse>((resolve, reject) => {
        const request = transport.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: agents[protocol], timeout: options.timeoutMs });
        const timer = setTimeout(() => request.destroy(new OutboundRefused('timeout')), options.timeoutMs);
        request.on('socket', (socket) => {
          const verify = () => {
            if (socket.remoteAddress && !addressAllowed(socket.remoteAddress, protocol, policy)) request.destroy(new OutboundRefused('address not allowed'));
          };
          if (socket.remoteAddress) verify();
          else socket.once('connect', verify);
        });
        request.on('timeout', () => request.destroy(new OutboundRefused('timeout')));
        request.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        request.on('response', (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxResponseBytes) {
              request.destroy(new OutboundRefused('response too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), remoteAddress: response.socket?.remoteAddress });
          });
          response.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        });
        if (options.body !== undefined) request.write(options.body);
        request.end();
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
