-- Run once, by the postgres image, when its data volume is empty.
-- Each service owns one database and logs in as its own role, so no service can read or change
-- another's store. The passwords are for the development stack only.

CREATE ROLE huiqi_policy LOGIN PASSWORD 'huiqi_policy';
CREATE DATABASE huiqi_policy OWNER huiqi_policy;
REVOKE ALL ON DATABASE huiqi_policy FROM PUBLIC;

CREATE ROLE huiqi_tickets LOGIN PASSWORD 'huiqi_tickets';
CREATE DATABASE huiqi_tickets OWNER huiqi_tickets;
REVOKE ALL ON DATABASE huiqi_tickets FROM PUBLIC;

CREATE ROLE huiqi_liaison LOGIN PASSWORD 'huiqi_liaison';
CREATE DATABASE huiqi_liaison OWNER huiqi_liaison;
REVOKE ALL ON DATABASE huiqi_liaison FROM PUBLIC;
CREATE ROLE huiqi_supervision LOGIN PASSWORD 'huiqi_supervision';
CREATE DATABASE huiqi_supervision OWNER huiqi_supervision;
REVOKE ALL ON DATABASE huiqi_supervision FROM PUBLIC;

CREATE ROLE huiqi_audit LOGIN PASSWORD 'huiqi_audit';
CREATE DATABASE huiqi_audit OWNER huiqi_audit;
REVOKE ALL ON DATABASE huiqi_audit FROM PUBLIC;

-- The audit service appends to its ledger as this role, which may only SELECT and INSERT on it
-- (services/audit/migrations/a0002): huiqi_audit owns the table, and takes the role per append.
CREATE ROLE huiqi_ledger_writer NOLOGIN;
GRANT huiqi_ledger_writer TO huiqi_audit;
