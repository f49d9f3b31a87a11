/** Ingest metrics on the app's registry: messages by outcome, duplicates, control-id reuse, unmapped input. */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  messages: Counter<'channel' | 'outcome'>;
  duplicates: Counter<'channel'>;
  controlIdReuse: Counter;
  unmappedSegments: Counter<'segment'>;
  conflictRetries: Counter;
  ackLatency: Histogram<'channel'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  return {
    messages: new Counter({ name: 'carebridge_hl7_messages_total', help: 'HL7 v2 messages by channel and acknowledgment code', labelNames: ['channel', 'outcome'], registers: [registry] }),
    duplicates: new Counter({ name: 'carebridge_hl7_duplicates_total', help: 'Resent HL7 v2 messages answered from the stored ACK', labelNames: ['channel'], registers: [registry] }),
    controlIdReuse: new Counter({ name: 'carebridge_hl7_control_id_reuse_total', help: 'Messages whose control id was used before with other content', registers: [registry] }),
    unmappedSegments: new Counter({ name: 'carebridge_hl7_unmapped_segments_total', help: 'Segments no mapping read, by segment id', labelNames: ['segment'], registers: [registry] }),
    conflictRetries: new Counter({ name: 'carebridge_hl7_conflict_retries_total', help: 'Messages run a second time after a concurrent transaction conflicted with them', registers: [registry] }),
    ackLatency: new Histogram({
      name: 'carebridge_hl7_ack_seconds',
      help: 'Time from a complete frame to its ACK',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
  };
}
