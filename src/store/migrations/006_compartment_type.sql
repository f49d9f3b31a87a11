-- Compartment rows carry the member's resource type, so reads of a patient's record ($everything) can leave
-- out the access log (AuditEvents accrue with every access) without visiting each audit row.
alter table resource_compartment add column resource_type text;
update resource_compartment c set resource_type = r.resource_type from resource r where r.rid = c.rid;
alter table resource_compartment alter column resource_type set not null;
drop index resource_compartment_patient;
create index resource_compartment_patient on resource_compartment (patient_id, resource_type, rid);
