/**
 * The durable audit trail. `record` resolves only once its AuditEvents are committed, so a caller can hold
 * back a disclosure until its audit record exists (fail closed: a write failure rejects, and the request
 * answers 503 without the data). Concurrent callers are grouped into one insert (group commit), so auditing
 * every read costs one round trip per batch rather than per request.
 */
import type { AuditEvent } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirStore } from '../store/fhir-store.ts';

export interface AuditTrail {
  record(events: AuditEvent[]): Promise<void>;
  /** Waits for everything queued to be written. */
  flush(): Promise<void>;
}

interface Pending {
  events: AuditEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

export function createAuditTrail(store: FhirStore, maxBatch = 500): AuditTrail {
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (queue.length > 0 && (batch.length === 0 || size + (queue[0]?.events.length ?? 0) <= maxBatch)) {
        const next = queue.shift() as Pending;
        batch.push(next);
        size += next.events.length;
      }
      try {
        await store.createMany(batch.flatMap((p) => p.events));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        const failure = new GatewayError('AUD-UNAVAILABLE', 'unavailable', 'The audit trail cannot be written; nothing was disclosed', { cause: error });
        for (const pending of batch) pending.reject(failure);
      }
    }
  }

  function kick(): Promise<void> {
    running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(drain).finally(() => {
      running = undefined;
      if (queue.length > 0) void kick();
    });
    return running;
  }

  return {
    record(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        void kick();
      });
    },
    async flush() {
      while (running || queue.length > 0) await (running ?? kick());
    },
  };
}
