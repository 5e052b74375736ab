-- Employment: what it learned from other stages, its own records, and facts held until a graduation arrives.
-- depends: shared_0002_idempotency

-- Every fact consumed from the partnership, recruitment and training topics that employment needs,
-- with the corrections and retractions of them; the projections below are folds over these rows.
CREATE TABLE upstream_facts (
    seq            bigserial PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    event_type     text NOT NULL,
    partnership_id uuid NOT NULL,
    student_id     uuid,
    class_id       uuid,
    supersedes     uuid,
    occurred_on    date NOT NULL,
    recorded_at    timestamptz NOT NULL,
    version        integer NOT NULL,
    data           jsonb NOT NULL
);
CREATE INDEX upstream_facts_student ON upstream_facts (student_id, seq) WHERE student_id IS NOT NULL;
CREATE INDEX upstream_facts_partnership ON upstream_facts (partnership_id, seq) WHERE student_id IS NULL;

CREATE TABLE partnerships (
    partnership_id        uuid PRIMARY KEY,
    retention_checkpoints integer[] NOT NULL,
    class_count           integer NOT NULL DEFAULT 0,
    partner_count         integer NOT NULL DEFAULT 0,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    seq                   bigserial UNIQUE
);

CREATE TABLE classes (
    class_id            uuid PRIMARY KEY,
    partnership_id      uuid NOT NULL,
    sponsor_id          uuid NOT NULL,
    sponsor_credit_code text NOT NULL
);
CREATE INDEX classes_partnership ON classes (partnership_id);

CREATE TABLE partner_enterprises (
    partnership_id uuid NOT NULL,
    party_id       uuid NOT NULL,
    credit_code    text NOT NULL,
    joined_on      date NOT NULL,
    left_on        date,
    PRIMARY KEY (partnership_id, party_id)
);

CREATE TABLE students (
    student_id           uuid PRIMARY KEY,
    partnership_id       uuid NOT NULL,
    class_id             uuid,
    training_status      text NOT NULL,
    graduated_on         date,
    withdrawn_last_day   date,
    employment_status    text NOT NULL DEFAULT 'not_working',
    current_placement_id uuid,
    last_job_ended_on    date,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    seq                  bigserial UNIQUE
);
CREATE INDEX students_partnership ON students (partnership_id, seq);

-- Graduate-only commands for a student whose graduation has not reached employment yet.
CREATE TABLE held_facts (
    seq         bigserial PRIMARY KEY,
    held_id     uuid NOT NULL UNIQUE,
    student_id  uuid NOT NULL,
    kind        text NOT NULL,
    subject_id  uuid NOT NULL,
    command     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'applied', 'rejected')),
    reason      text,
    event_id    uuid,
    received_at timestamptz NOT NULL,
    settled_at  timestamptz
);
CREATE INDEX held_facts_student ON held_facts (student_id, seq);
CREATE INDEX held_facts_subject ON held_facts (subject_id);

CREATE TABLE offers (
    seq                  bigserial PRIMARY KEY,
    offer_id             uuid NOT NULL UNIQUE,
    student_id           uuid NOT NULL,
    partnership_id       uuid NOT NULL,
    class_id             uuid,
    employer_name        text NOT NULL,
    employer_credit_code text NOT NULL,
    monthly_wage         numeric(14, 2) NOT NULL,
    offered_on           date NOT NULL,
    status               text NOT NULL,
    answered_on          date,
    decline_reason       text,
    event_id             uuid NOT NULL,
    answer_event_id      uuid,
    retracted            boolean NOT NULL DEFAULT false,
    recorded_at          timestamptz NOT NULL
);
CREATE INDEX offers_student ON offers (student_id);

CREATE TABLE placements (
    seq                  bigserial PRIMARY KEY,
    placement_id         uuid NOT NULL UNIQUE,
    student_id           uuid NOT NULL,
    partnership_id       uuid NOT NULL,
    class_id             uuid,
    employer_name        text NOT NULL,
    employer_credit_code text NOT NULL,
    relation             text NOT NULL,
    relation_claimed     text,
    employer_type        text NOT NULL,
    location             text NOT NULL,
    related_to_training  boolean NOT NULL,
    monthly_wage         numeric(14, 2) NOT NULL,
    contract_type        text NOT NULL,
    social_insurance     boolean NOT NULL,
    start_on             date NOT NULL,
    last_day             date,
    end_reason           text,
    event_id             uuid NOT NULL,
    ended_event_id       uuid,
    retracted            boolean NOT NULL DEFAULT false,
    recorded_at          timestamptz NOT NULL
);
CREATE INDEX placements_student ON placements (student_id);
CREATE INDEX placements_partnership ON placements (partnership_id, start_on);

CREATE TABLE further_studies (
    seq            bigserial PRIMARY KEY,
    study_id       uuid NOT NULL UNIQUE,
    student_id     uuid NOT NULL,
    partnership_id uuid NOT NULL,
    class_id       uuid,
    institution    text NOT NULL,
    start_on       date NOT NULL,
    event_id       uuid NOT NULL UNIQUE,
    retracted      boolean NOT NULL DEFAULT false,
    recorded_at    timestamptz NOT NULL
);

CREATE TABLE retention_checks (
    seq             bigserial PRIMARY KEY,
    check_id        uuid NOT NULL UNIQUE,
    placement_id    uuid NOT NULL REFERENCES placements (placement_id),
    student_id      uuid NOT NULL,
    partnership_id  uuid NOT NULL,
    checkpoint_days integer NOT NULL,
    still_employed  boolean NOT NULL,
    same_employer   boolean NOT NULL,
    monthly_wage    numeric(14, 2),
    evidence        text NOT NULL,
    checked_on      date NOT NULL,
    retracted       boolean NOT NULL DEFAULT false,
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX retention_checks_placement ON retention_checks (placement_id, checkpoint_days);

CREATE TABLE household_updates (
    seq            bigserial PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    student_id     uuid NOT NULL,
    partnership_id uuid NOT NULL,
    poor_household boolean NOT NULL,
    status         text NOT NULL,
    occurred_on    date NOT NULL,
    retracted      boolean NOT NULL DEFAULT false,
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX household_updates_student ON household_updates (student_id);

-- The student timeline reads this service's own events, in outbox order.
CREATE INDEX outbox_student ON outbox ((headers ->> 'ce_studentid'), position);
