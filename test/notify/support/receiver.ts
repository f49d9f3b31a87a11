/**
 * A real subscriber endpoint on loopback for notification tests: records every request (path, headers,
 * parsed body) and answers as the test says — a status, a Retry-After, a delay, or never (hang).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, Parameters, ParametersParameter } from 'fhir/r4.js';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Bundle;
  at: number;
}

export type Reply = { status: number; retryAfter?: string; delayMs?: number } | 'hang';

export interface Receiver {
  url: string;
  origin: string;
  received: Received[];
  /** Decides the answer to each request (default 200). */
  reply: (request: Received) => Reply;
  /** Requests whose Bundle is an event notification (not handshake/heartbeat). */
  events(): Received[];
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const hung = new Set<http.ServerResponse>();
  const receiver: Receiver = {
    url: '',
    origin: '',
    received: [],
    reply: () => ({ status: 200 }),
    events: () => receiver.received.filter((r) => notificationType(r.body) === 'event-notification' || r.body.type === 'message'),
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Bundle;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle;
      } catch {
        body = { resourceType: 'Bundle', type: 'collection' };
      }
      const request: Received = { path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      receiver.received.push(request);
      const reply = receiver.reply(request);
      if (reply === 'hang') {
        hung.add(res);
        return;
      }
      const answer = () => {
        if (reply.retryAfter) res.setHeader('Retry-After', reply.retryAfter);
        res.statusCode = reply.status;
        res.end(reply.status >= 400 ? '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception","diagnostics":"receiver-secret-detail"}]}' : '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.url = `${receiver.origin}${path}`;
  return receiver;
}

/** The status Parameters of a backport notification. */
/** Receivers started by one suite, closed together when it ends. */
export interface ReceiverPool {
  start(): Promise<Receiver>;
  closeAll(): Promise<void>;
}

export function receiverPool(): ReceiverPool {
  const started: Receiver[] = [];
  return {
    async start() {
      const receiver = await startReceiver();
      started.push(receiver);
      return receiver;
    },
    async closeAll() {
      for (const receiver of started.splice(0)) await receiver.close();
    },
  };
}

export function statusOf(bundle: Bundle): Parameters {
  return bundle.entry?.[0]?.resource as Parameters;
}

export function notificationType(bundle: Bundle): string | undefined {
  return statusOf(bundle)?.parameter?.find((p) => p.name === 'type')?.valueCode;
}

export function parameter(bundle: Bundle, name: string): ParametersParameter | undefined {
  return statusOf(bundle)?.parameter?.find((p) => p.name === name);
}

/** The event numbers of a notification's notification-event parameters. */
export function eventNumbers(bundle: Bundle): number[] {
  return (statusOf(bundle)?.parameter ?? []).filter((p) => p.name === 'notification-event').map((p) => Number(p.part?.find((x) => x.name === 'event-number')?.valueString));
}

export function partOf(event: ParametersParameter | undefined, name: string): ParametersParameter | undefined {
  return event?.part?.find((p) => p.name === name);
}

/** Polls `check` until it returns a value (not undefined/false), or throws after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
