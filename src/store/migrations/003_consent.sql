-- Break-the-glass overrides: an ETREAT request from a client allowed to break the glass opens a window in
-- which consent denials for that patient are overridden for that client. Every row is also audited.

create table break_glass_override (
  id bigserial primary key,
  client_id text not null,
  organization_id text not null,
  patient_id text not null,
  purpose text not null,
  reason text not null,
  practitioner text,
  started_at timestamptz not null,
  expires_at timestamptz not null
);
create index break_glass_override_lookup on break_glass_override (client_id, patient_id, expires_at);
