-- FHIR resources: the current version of each resource, every version in resource_version, and one
-- search-index table per search parameter type. Index rows always describe the current version.

create table resource (
  rid bigserial primary key,
  resource_type text not null,
  id text not null,
  version_id integer not null,
  last_updated timestamptz not null,
  deleted boolean not null default false,
  content jsonb not null,
  unique (resource_type, id)
);
create index resource_type_updated on resource (resource_type, last_updated);

create table resource_version (
  seq bigserial primary key,
  rid bigint not null references resource (rid),
  resource_type text not null,
  id text not null,
  version_id integer not null,
  last_updated timestamptz not null,
  method text not null,
  content jsonb,
  unique (rid, version_id)
);
create index resource_version_type_updated on resource_version (resource_type, last_updated);
create index resource_version_updated on resource_version (last_updated);

create table sp_token (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  system text,
  value text,
  text_norm text
);
create index sp_token_lookup on sp_token (resource_type, code, value, system);
create index sp_token_rid on sp_token (rid);

create table sp_string (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  value_norm text not null,
  value_exact text not null
);
create index sp_string_lookup on sp_string (resource_type, code, value_norm text_pattern_ops);
create index sp_string_rid on sp_string (rid);

create table sp_date (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  low timestamptz not null,
  high timestamptz not null
);
create index sp_date_low on sp_date (resource_type, code, low);
create index sp_date_high on sp_date (resource_type, code, high);
create index sp_date_rid on sp_date (rid);

create table sp_reference (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  target_type text,
  target_id text,
  url text
);
create index sp_reference_lookup on sp_reference (resource_type, code, target_id, target_type);
create index sp_reference_target on sp_reference (target_type, target_id);
create index sp_reference_rid on sp_reference (rid);

create table sp_number (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  value numeric not null
);
create index sp_number_lookup on sp_number (resource_type, code, value);
create index sp_number_rid on sp_number (rid);

create table sp_quantity (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  value numeric not null,
  system text,
  unit_code text,
  unit text
);
create index sp_quantity_lookup on sp_quantity (resource_type, code, value);
create index sp_quantity_rid on sp_quantity (rid);

create table sp_uri (
  rid bigint not null,
  resource_type text not null,
  code text not null,
  value text not null
);
create index sp_uri_lookup on sp_uri (resource_type, code, value);
create index sp_uri_rid on sp_uri (rid);

-- Which patients' compartments a resource belongs to (from the Patient CompartmentDefinition).
create table resource_compartment (
  rid bigint not null,
  patient_id text not null
);
create index resource_compartment_patient on resource_compartment (patient_id, rid);
create index resource_compartment_rid on resource_compartment (rid);
