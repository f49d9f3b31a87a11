-- Notifications (FHIR Subscriptions R5 Backport for R4, Da Vinci unsolicited notifications): the delivery
-- view of each Subscription, its write-only header values, the transactional outbox (one notify_event per
-- clinical event, one notify_delivery per event and matching subscription, numbered gap-free in the writing
-- transaction), and the log of delivery attempts. See src/notify/README.md.

create table notify_subscription (
  id text primary key,
  owner_client text not null,
  purpose text not null,
  topic text not null,
  status text not null,
  channel text not null,
  endpoint text not null,
  endpoint_origin text not null,
  content text not null,
  mime text not null,
  filters jsonb not null,
  heartbeat_seconds integer,
  timeout_ms integer not null,
  max_count integer,
  end_at timestamptz,
  -- true once the handshake passed; false after a handshake failure, a 401/404 stop, off or delete
  deliverable boolean not null default false,
  -- events generated since the subscription started: the last event number allocated
  event_count bigint not null default 0,
  created_at timestamptz not null,
  handshake_due_at timestamptz,
  lease_owner text,
  lease_until timestamptz,
  last_sent_at timestamptz,
  error_code text,
  error_text text,
  lost_events boolean not null default false,
  deleted boolean not null default false
);
create index notify_subscription_topic on notify_subscription (topic) where not deleted;
create index notify_subscription_handshake on notify_subscription (handshake_due_at) where handshake_due_at is not null;

-- channel.header values, kept out of the stored Subscription (which holds them masked), and the purpose of
-- use the subscribing client asserted. txid marks the transaction of the last REST write, so the write
-- listener can tell a write through the Subscription routes from one that bypassed them.
create table notify_secret (
  subscription_id text primary key,
  headers jsonb not null,
  purpose text not null,
  txid bigint not null
);

create table notify_event (
  id bigserial primary key,
  topic text not null,
  kind text not null,
  focus_type text not null,
  focus_id text not null,
  focus_version text not null,
  patient_id text,
  occurred_at timestamptz not null
);
create index notify_event_focus on notify_event (focus_type, focus_id);

create table notify_delivery (
  subscription_id text not null,
  event_number bigint not null,
  event_id bigint not null references notify_event (id),
  state text not null check (state in ('pending', 'delivered', 'suppressed', 'dead', 'cancelled')),
  corrects bigint,
  bundle_id text not null,
  bundle text,
  patient_id text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  created_at timestamptz not null,
  last_attempt_at timestamptz,
  last_status integer,
  last_error text,
  completed_at timestamptz,
  primary key (subscription_id, event_number)
);
create index notify_delivery_pending on notify_delivery (subscription_id, event_number) where state = 'pending';
create index notify_delivery_completed on notify_delivery (completed_at) where state <> 'pending';
create index notify_delivery_event on notify_delivery (event_id);

create table notify_attempt (
  id bigserial primary key,
  subscription_id text not null,
  event_number bigint,
  kind text not null,
  attempted_at timestamptz not null,
  duration_ms integer not null,
  http_status integer,
  outcome text not null,
  error text
);
create index notify_attempt_subscription on notify_attempt (subscription_id, id);
create index notify_attempt_time on notify_attempt (attempted_at);
