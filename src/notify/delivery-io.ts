/**
 * The database work of delivering, shared by every queue a worker has in flight. One discharge fans out to
 * every subscriber of its topic; each queue reading its events, client, headers and focus resources and then
 * writing its outcomes on its own would cost a dozen round trips per subscriber. Here the calls that queues
 * make at the same time go out together (shared/batcher.ts): one statement reads the pending events of all
 * of them, one transaction records all their outcomes. A queue still sends and is judged on its own, so a slow
 * subscriber holds up nobody else's sends, only, at most, one shared statement.
 */
import type { Resource } from 'fhir/r4.js';
import type { ClientRegistry, RegisteredClient } from '../auth/client-registry.ts';
import { createBatcher } from '../shared/batcher.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/db.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { type PendingDelivery, pendingDeliveries, releaseLeases } from './claim.ts';
import type { ChannelHeader } from './headers.ts';
import { type QueueOutcomes, recordOutcomes } from './record-outcomes.ts';
import { readHeaders } from './subscription-table.ts';

export interface DeliveryIo {
  /** The queue's oldest pending events. */
  pending(subscriptionId: string): Promise<PendingDelivery[]>;
  client(clientId: string): Promise<RegisteredClient | undefined>;
  /** The subscription's channel headers (write-only secrets). */
  headers(subscriptionId: string): Promise<ChannelHeader[]>;
  /** Stored resources by `Type/id`, in order; undefined where none is stored. */
  findMany(refs: readonly { resourceType: string; id: string }[]): Promise<(Resource | undefined)[]>;
  /** Records a queue's outcomes (committed when this resolves). */
  record(queue: QueueOutcomes): Promise<void>;
  /** Gives the queue back (its lease ends). */
  release(subscriptionId: string): Promise<void>;
}

export interface DeliveryIoDeps {
  db: Database;
  store: FhirStore;
  clients: ClientRegistry;
  clock: Clock;
  owner: string;
  batchSize: number;
}

const MAX_BATCH = 128;

export function createDeliveryIo(deps: DeliveryIoDeps): DeliveryIo {
  const options = { maxBatch: MAX_BATCH };
  const pending = createBatcher(async (ids: readonly string[]) => {
    const byQueue = await pendingDeliveries(deps.db, [...new Set(ids)], deps.batchSize);
    return ids.map((id) => byQueue.get(id) ?? []);
  }, options);
  const client = createBatcher(async (ids: readonly string[]) => {
    const found = new Map((await deps.clients.findMany([...new Set(ids)])).map((c) => [c.clientId, c]));
    return ids.map((id) => found.get(id));
  }, options);
  const headers = createBatcher(async (ids: readonly string[]) => {
    const found = await readHeaders(deps.db, [...new Set(ids)]);
    return ids.map((id) => found.get(id) ?? []);
  }, options);
  const findMany = createBatcher(async (asks: readonly (readonly { resourceType: string; id: string }[])[]) => {
    const wanted = new Map(asks.flat().map((ref) => [`${ref.resourceType}/${ref.id}`, ref]));
    const keys = [...wanted.keys()];
    const read = await deps.store.findMany([...wanted.values()]);
    const byKey = new Map(keys.map((key, i) => [key, read[i]]));
    return asks.map((refs) => refs.map((ref) => byKey.get(`${ref.resourceType}/${ref.id}`)));
  }, options);
  const record = createBatcher(async (queues: readonly QueueOutcomes[]) => {
    await recordOutcomes(deps.store, queues, deps.clock.now());
    return queues.map(() => undefined);
  }, options);
  const release = createBatcher(async (ids: readonly string[]) => {
    await releaseLeases(deps.db, [...new Set(ids)], deps.owner);
    return ids.map(() => undefined);
  }, options);
  return {
    pending,
    client,
    headers,
    findMany: (refs) => (refs.length === 0 ? Promise.resolve([]) : findMany(refs)),
    record,
    release,
  };
}
