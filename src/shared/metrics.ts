/**
 * Prometheus metrics (prom-client), one registry per app instance. Stages register their own metrics on
 * `registry`; the HTTP layer uses the request metrics defined here. Exposed at `GET /metrics`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'interaction' | 'method' | 'status'>;
  httpDuration: Histogram<'interaction'>;
  httpErrors: Counter<'interaction' | 'code'>;
}

export function createMetrics(poolStats: () => { total: number; idle: number; waiting: number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'carebridge_http_requests_total',
      help: 'HTTP requests by FHIR interaction, method and status',
      labelNames: ['interaction', 'method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'carebridge_http_request_duration_seconds',
      help: 'HTTP request latency by FHIR interaction',
      labelNames: ['interaction'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'carebridge_http_errors_total',
      help: 'HTTP error responses by interaction and gateway error code',
      labelNames: ['interaction', 'code'],
      registers: [registry],
    }),
  };
  for (const [name, help, pick] of [
    ['carebridge_db_pool_total', 'Database connections open', (s: ReturnType<typeof poolStats>) => s.total],
    ['carebridge_db_pool_idle', 'Database connections idle', (s: ReturnType<typeof poolStats>) => s.idle],
    ['carebridge_db_pool_waiting', 'Requests waiting for a database connection', (s: ReturnType<typeof poolStats>) => s.waiting],
  ] as const) {
    new Gauge({ name, help, registers: [registry], collect() { this.set(pick(poolStats())); } });
  }
  return metrics;
}
