-- Who recorded an event: a correction or retraction is allowed only to the recorder's party (issue 10).
-- depends: security_0001_clients_and_audit

CREATE INDEX audit_event ON audit (event_id) WHERE event_id IS NOT NULL;
