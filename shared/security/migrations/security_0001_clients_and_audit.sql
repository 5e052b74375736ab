-- Clients of parties and operators (secrets only as argon2 hashes), and the append-only audit trail (issue 10).

CREATE TABLE clients (
    client_id    text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9-]{1,64}$'),
    party_id     uuid,
    role         text NOT NULL CHECK (role IN ('government', 'school', 'enterprise', 'association',
                                               'research_institute', 'overseas', 'operator')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    scopes       text[] NOT NULL DEFAULT '{}',
    secret_hash  text NOT NULL,
    generation   integer NOT NULL DEFAULT 1 CHECK (generation >= 1),
    created_at   timestamptz NOT NULL,
    rotated_at   timestamptz,
    revoked_at   timestamptz,
    CHECK ((role = 'operator') = (party_id IS NULL))
);

CREATE INDEX clients_party ON clients (party_id);

CREATE TABLE audit (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    action          text NOT NULL,
    client_id       text,
    party_id        uuid,
    role            text,
    event_id        uuid,
    event_type      text,
    partnership_id  uuid,
    operation       text CHECK (length(operation) <= 300),
    address         inet,
    detail          text CHECK (length(detail) <= 200)
);

CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_client ON audit (client_id, at);
CREATE INDEX audit_party ON audit (party_id, at);
CREATE INDEX audit_event_type ON audit (event_type, at);

-- Append-only even for the superuser the services connect as (a REVOKE would not bind it).
CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit table is append-only';
END
$$;

CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
