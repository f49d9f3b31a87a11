-- HL7 v2 ingest: every inbound message as received (the store-and-forward record), its processing status and
-- the ACK it got; and, per resource an ADT feed maintains, the time of the latest event applied to it.

create table hl7_message (
  id bigserial primary key,
  received_at timestamptz not null,
  channel text not null,
  source text,
  sending_application text,
  sending_facility text,
  control_id text,
  message_type text,
  content_hash text not null,
  raw bytea not null,
  status text not null check (status in ('received', 'processed', 'quarantined', 'rejected')),
  ack_code text,
  ack text,
  reason text,
  report jsonb,
  processed_at timestamptz
);
create index hl7_message_key on hl7_message (sending_facility, sending_application, control_id, content_hash);
create index hl7_message_open on hl7_message (status, id) where status in ('received', 'quarantined');

create table hl7_resource_state (
  resource_type text not null,
  id text not null,
  last_event_at timestamptz not null,
  primary key (resource_type, id)
);
