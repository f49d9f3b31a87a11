-- SMART Backend Services: registered clients, the assertion replay record, and the gateway's signing keys.

create table client (
  client_id text primary key,
  name text not null,
  organization_id text not null,
  organization_kind text not null check (organization_kind in ('hospital', 'gp-practice', 'social-care', 'aco', 'care-team')),
  jwks jsonb,
  jwks_uri text,
  scopes text not null,
  purposes text[] not null,
  default_purpose text not null,
  break_glass boolean not null default false,
  status text not null default 'active' check (status in ('active', 'disabled')),
  rate_limit_per_minute integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (jwks is not null or jwks_uri is not null)
);

create table assertion_jti (
  iss text not null,
  jti text not null,
  expires_at timestamptz not null,
  primary key (iss, jti)
);
create index assertion_jti_expiry on assertion_jti (expires_at);

create table signing_key (
  kid text primary key,
  alg text not null,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);
