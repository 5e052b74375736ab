-- Parties, partnerships and what hangs off them. `seq` orders every list (keyset pagination); a retracted fact
-- keeps its row with `retracted` set, so the history stays readable and the lists leave it out.
-- depends: shared_0002_idempotency

CREATE TABLE parties (
    party_id     uuid PRIMARY KEY,
    name         text NOT NULL,
    role         text NOT NULL,
    region       text NOT NULL,
    locality     text NOT NULL,
    credit_code  text UNIQUE,
    created_at   timestamptz NOT NULL,
    seq          bigserial UNIQUE
);

CREATE TABLE partnerships (
    partnership_id        uuid PRIMARY KEY,
    signed                jsonb NOT NULL,
    name                  text NOT NULL,
    kind                  text NOT NULL,
    valid_from            date NOT NULL,
    valid_until           date,
    parent_id             uuid REFERENCES partnerships,
    east_region           text,
    west_region           text,
    retention_checkpoints integer[] NOT NULL,
    signed_on             date NOT NULL,
    signed_event_id       uuid NOT NULL UNIQUE,
    ended_on              date,
    end_reason            text,
    ended_event_id        uuid,
    retracted             boolean NOT NULL DEFAULT false,
    seq                   bigserial UNIQUE
);
CREATE INDEX partnerships_parent ON partnerships (parent_id);

CREATE TABLE partnership_amendments (
    event_id        uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL REFERENCES partnerships,
    occurred_on     date NOT NULL,
    recorded_at     timestamptz NOT NULL,
    change          jsonb NOT NULL,
    retracted       boolean NOT NULL DEFAULT false
);
CREATE INDEX partnership_amendments_of ON partnership_amendments (partnership_id);

CREATE TABLE memberships (
    joined_event_id uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL REFERENCES partnerships,
    party_id        uuid NOT NULL REFERENCES parties,
    member_role     text NOT NULL,
    joined_on       date NOT NULL,
    left_on         date,
    left_reason     text,
    left_event_id   uuid,
    retracted       boolean NOT NULL DEFAULT false,
    seq             bigserial UNIQUE
);
-- A party is a current member at most once (DOMAIN.md: a member joining twice is a 409, even under races).
CREATE UNIQUE INDEX memberships_current ON memberships (partnership_id, party_id)
    WHERE left_on IS NULL AND NOT retracted;

CREATE TABLE programmes (
    programme_id    uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL REFERENCES partnerships,
    name            text NOT NULL,
    registered_on   date NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    retracted       boolean NOT NULL DEFAULT false,
    seq             bigserial UNIQUE
);

CREATE TABLE targets (
    target_id       uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL REFERENCES partnerships,
    metric          text NOT NULL,
    comparison      text NOT NULL,
    goal            double precision NOT NULL,
    class_id        uuid,
    set_on          date NOT NULL,
    recorded_at     timestamptz NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    retracted       boolean NOT NULL DEFAULT false,
    seq             bigserial UNIQUE
);

CREATE TABLE classes (
    class_id            uuid PRIMARY KEY,
    partnership_id      uuid NOT NULL REFERENCES partnerships,
    programme_id        uuid NOT NULL REFERENCES programmes,
    school_id           uuid NOT NULL REFERENCES parties,
    sponsor_id          uuid NOT NULL REFERENCES parties,
    sponsor_credit_code text NOT NULL,
    name                text NOT NULL,
    major               text NOT NULL,
    seats               integer NOT NULL,
    cohort_year         integer NOT NULL,
    planned_start       date NOT NULL,
    planned_end         date NOT NULL,
    hiring_commitment   integer NOT NULL,
    opened_on           date NOT NULL,
    opened_event_id     uuid NOT NULL UNIQUE,
    closed_on           date,
    closed_event_id     uuid,
    retracted           boolean NOT NULL DEFAULT false,
    seq                 bigserial UNIQUE
);
CREATE INDEX classes_partnership ON classes (partnership_id);

CREATE TABLE funding (
    funding_id      uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL REFERENCES partnerships,
    amount_yuan     numeric(14, 2) NOT NULL,
    source          text NOT NULL,
    period_start    date NOT NULL,
    period_end      date NOT NULL,
    recorded_on     date NOT NULL,
    event_id        uuid NOT NULL UNIQUE,
    retracted       boolean NOT NULL DEFAULT false,
    seq             bigserial UNIQUE
);
