/**
 * Prometheus metrics of the notification stage, on the app's registry (`GET /metrics`): events detected,
 * delivery attempts by outcome, retries, dead letters (alert on any increase), delivery latency from the
 * event to the receiver's 2xx, and the outbox depth. Pain point 5 of SPECS.md: failures must be visible.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifyMetrics {
  events: Counter<'topic'>;
  deliveries: Counter<'channel' | 'outcome'>;
  retries: Counter<'channel'>;
  deadLetters: Counter<'channel'>;
  latency: Histogram<'channel'>;
  inFlight: Gauge;
}

/** `queueDepth` counts pending deliveries (read when scraped). */
export function createNotifyMetrics(registry: Registry, queueDepth: () => Promise<number>): NotifyMetrics {
  new Gauge({
    name: 'carebridge_notify_queue_depth',
    help: 'Notification deliveries waiting to be sent (outbox rows pending)',
    registers: [registry],
    async collect() {
      this.set(await queueDepth().catch(() => -1));
    },
  });
  return {
    events: new Counter({ name: 'carebridge_notify_events_total', help: 'Topic events detected in committed writes', labelNames: ['topic'], registers: [registry] }),
    deliveries: new Counter({
      name: 'carebridge_notify_deliveries_total',
      help: 'Notification delivery attempts by outcome (delivered, failed, refused, suppressed, stopped, dead-letter)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    retries: new Counter({ name: 'carebridge_notify_retries_total', help: 'Failed deliveries scheduled for a retry', labelNames: ['channel'], registers: [registry] }),
    deadLetters: new Counter({ name: 'carebridge_notify_dead_letters_total', help: 'Events given up after the retry horizon (alert on any increase)', labelNames: ['channel'], registers: [registry] }),
    latency: new Histogram({
      name: 'carebridge_notify_delivery_latency_seconds',
      help: 'Time from the event to its successful delivery',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600],
      registers: [registry],
    }),
    inFlight: new Gauge({ name: 'carebridge_notify_in_flight', help: 'Notification requests in flight in this instance', registers: [registry] }),
  };
}
