-- The audit trail leaves the versioned resource store: AuditEvents are append-only and written on every
-- access, so each is one row carrying its search keys (`code=value` forms of its search-parameter values,
-- see src/store/audit-log.ts) behind one GIN index, instead of a resource row, a version row and a dozen
-- index rows. Existing AuditEvents move here with keys rebuilt from their index rows.

create table audit_event (
  seq bigserial primary key,
  id text not null unique,
  recorded timestamptz not null,
  last_updated timestamptz not null,
  keys text[] not null,
  content jsonb not null
);
create index audit_event_recorded on audit_event (recorded);
create index audit_event_keys on audit_event using gin (keys);

insert into audit_event (id, recorded, last_updated, keys, content)
select r.id,
  coalesce((select min(d.low) from sp_date d where d.rid = r.rid and d.code = 'date'), r.last_updated),
  r.last_updated,
  array(select distinct k from (
    select t.code || '=' || t.value as k from sp_token t where t.rid = r.rid and t.value is not null
    union all select t.code || '=' || coalesce(t.system, '') || '|' || t.value from sp_token t where t.rid = r.rid and t.value is not null
    union all select t.code || '=' || t.system || '|' from sp_token t where t.rid = r.rid and t.system is not null
    union all select f.code || '=' || f.target_type || '/' || f.target_id from sp_reference f where f.rid = r.rid and f.target_id is not null and f.target_type is not null
    union all select f.code || '=' || f.target_id from sp_reference f where f.rid = r.rid and f.target_id is not null
    union all select f.code || '=' || f.url from sp_reference f where f.rid = r.rid and f.target_id is null and f.url is not null
    union all select s.code || '~' || s.value_norm from sp_string s where s.rid = r.rid
    union all select s.code || '==' || s.value_exact from sp_string s where s.rid = r.rid
    union all select u.code || '=' || u.value from sp_uri u where u.rid = r.rid
    union all select '_compartment=' || c.patient_id from resource_compartment c where c.rid = r.rid
  ) keys where k is not null order by k),
  r.content
from resource r where r.resource_type = 'AuditEvent' and not r.deleted
order by r.rid;

delete from sp_token where resource_type = 'AuditEvent';
delete from sp_string where resource_type = 'AuditEvent';
delete from sp_date where resource_type = 'AuditEvent';
delete from sp_reference where resource_type = 'AuditEvent';
delete from sp_number where resource_type = 'AuditEvent';
delete from sp_quantity where resource_type = 'AuditEvent';
delete from sp_uri where resource_type = 'AuditEvent';
delete from resource_compartment where resource_type = 'AuditEvent';
delete from resource_version where resource_type = 'AuditEvent';
delete from resource where resource_type = 'AuditEvent';
