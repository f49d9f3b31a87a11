-- Each subscription's event counter moves to its own row. Allocating event numbers locks the counter in the
-- transaction that writes the events (an ingest of a discharge locks the counters of every subscriber of the
-- topic until it commits); while the counter lived in notify_subscription, that lock also kept delivery
-- workers from claiming the queue (they skip locked rows) and from recording outcomes until the ingest
-- committed. Leases, status and heartbeat bookkeeping stay in notify_subscription.

create table notify_counter (
  subscription_id text primary key,
  -- events generated since the subscription started: the last event number allocated
  event_count bigint not null default 0
);

insert into notify_counter (subscription_id, event_count) select id, event_count from notify_subscription;

alter table notify_subscription drop column event_count;
