-- Training's own state: the roster learned from events, one row per learner, and the records of the stage.
-- Every table has a `seq` for keyset pagination in the order rows were written.
-- depends: shared_0002_idempotency

CREATE TABLE classes (
    class_id        uuid PRIMARY KEY,
    partnership_id  uuid NOT NULL,
    name            text NOT NULL,
    school_id       uuid NOT NULL,
    sponsor_id      uuid NOT NULL,
    programme_id    uuid NOT NULL,
    major           text NOT NULL,
    cohort_year     integer NOT NULL,
    planned_start   date NOT NULL,
    planned_end     date NOT NULL,
    opened_on       date NOT NULL,
    opened_event_id uuid NOT NULL,
    closed_on       date,
    seq             bigserial UNIQUE
);
CREATE INDEX classes_by_partnership ON classes (partnership_id, seq);

CREATE TABLE learners (
    student_id         uuid PRIMARY KEY,
    partnership_id     uuid NOT NULL,
    class_id           uuid NOT NULL REFERENCES classes,
    phase              text NOT NULL,
    first_start_on     date NOT NULL,
    period_start_on    date NOT NULL,
    planned_end_on     date,
    enrolment_event_id uuid NOT NULL,
    break_start_on     date,
    last_day           date,
    graduated_on       date,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    seq                bigserial UNIQUE
);
CREATE INDEX learners_by_class ON learners (class_id, seq);
CREATE INDEX learners_by_partnership ON learners (partnership_id, seq);

-- The learner as it was before each transition, so a retraction can restore it exactly.
CREATE TABLE learner_transitions (
    event_id   uuid PRIMARY KEY,
    student_id uuid NOT NULL REFERENCES learners,
    event_type text NOT NULL,
    before     jsonb NOT NULL,
    retracted  boolean NOT NULL DEFAULT false,
    seq        bigserial UNIQUE
);
CREATE INDEX learner_transitions_by_student ON learner_transitions (student_id, seq);

-- Inbound facts that arrived before the fact they follow (services/training/domain/roster.py).
CREATE TABLE held_facts (
    event_id     uuid PRIMARY KEY,
    event_type   text NOT NULL,
    waits_for    text NOT NULL,
    waits_for_id uuid NOT NULL,
    key          text,
    headers      jsonb NOT NULL,
    value        bytea NOT NULL,
    refused      text,
    held_at      timestamptz NOT NULL DEFAULT now(),
    seq          bigserial UNIQUE
);
CREATE INDEX held_facts_waiting ON held_facts (waits_for, waits_for_id, seq);

CREATE TABLE plans (
    event_id         uuid PRIMARY KEY,
    class_id         uuid NOT NULL REFERENCES classes,
    modules          jsonb NOT NULL,
    planned_hours    numeric(10, 2) NOT NULL,
    enterprise_share numeric(5, 4) NOT NULL,
    agreed_on        date NOT NULL,
    agreed_by        uuid,
    recorded_at      timestamptz NOT NULL,
    retracted        boolean NOT NULL DEFAULT false,
    seq              bigserial UNIQUE
);
CREATE INDEX plans_by_class ON plans (class_id, seq);

CREATE TABLE hours_logs (
    log_id     uuid PRIMARY KEY,
    event_id   uuid NOT NULL UNIQUE,
    class_id   uuid NOT NULL REFERENCES classes,
    module     text NOT NULL,
    hours      numeric(8, 2) NOT NULL,
    taught_by  text NOT NULL,
    logged_by  uuid NOT NULL,
    logged_on  date NOT NULL,
    retracted  boolean NOT NULL DEFAULT false,
    seq        bigserial UNIQUE
);
CREATE INDEX hours_logs_by_class ON hours_logs (class_id, seq);

CREATE TABLE hours_verifications (
    event_id       uuid PRIMARY KEY,
    log_id         uuid NOT NULL REFERENCES hours_logs,
    hours_accepted numeric(8, 2) NOT NULL,
    verified_by    uuid NOT NULL,
    verified_on    date NOT NULL,
    recorded_at    timestamptz NOT NULL,
    retracted      boolean NOT NULL DEFAULT false,
    seq            bigserial UNIQUE
);
CREATE INDEX hours_verifications_by_log ON hours_verifications (log_id);

-- Each log with its latest standing verification (DOMAIN.md: order by occurred_on, recorded_at, id; last wins).
CREATE VIEW verified_hours_logs AS
SELECT l.log_id, l.event_id, l.class_id, l.module, l.hours, l.taught_by, l.logged_by, l.logged_on, l.retracted,
       l.seq, v.hours_accepted, v.verified_by, v.verified_on, v.event_id AS verification_event_id
FROM hours_logs l
LEFT JOIN LATERAL (
    SELECT hv.hours_accepted, hv.verified_by, hv.verified_on, hv.event_id
    FROM hours_verifications hv
    WHERE hv.log_id = l.log_id AND NOT hv.retracted
    ORDER BY hv.verified_on DESC, hv.recorded_at DESC, hv.event_id DESC
    LIMIT 1
) v ON true;

CREATE TABLE breaks (
    event_id     uuid PRIMARY KEY,
    student_id   uuid NOT NULL REFERENCES learners,
    class_id     uuid NOT NULL,
    start_on     date NOT NULL,
    reason       text NOT NULL,
    end_on       date,
    end_event_id uuid UNIQUE,
    retracted    boolean NOT NULL DEFAULT false,
    seq          bigserial UNIQUE
);
CREATE INDEX breaks_by_student ON breaks (student_id, seq);

CREATE TABLE internships (
    internship_id    uuid PRIMARY KEY,
    event_id         uuid NOT NULL UNIQUE,
    student_id       uuid NOT NULL REFERENCES learners,
    class_id         uuid NOT NULL,
    host_name        text NOT NULL,
    host_credit_code text,
    related_to_major boolean NOT NULL,
    monthly_pay      numeric(14, 2) NOT NULL,
    start_on         date NOT NULL,
    end_on           date,
    outcome          text,
    end_event_id     uuid UNIQUE,
    retracted        boolean NOT NULL DEFAULT false,
    seq              bigserial UNIQUE
);
CREATE INDEX internships_by_student ON internships (student_id, seq);

CREATE TABLE certificates (
    certificate_id uuid PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    student_id     uuid NOT NULL REFERENCES learners,
    class_id       uuid NOT NULL,
    name           text NOT NULL,
    level          text,
    issuer         text NOT NULL,
    awarded_on     date NOT NULL,
    retracted      boolean NOT NULL DEFAULT false,
    seq            bigserial UNIQUE
);
CREATE INDEX certificates_by_student ON certificates (student_id, seq);

CREATE TABLE progress_reviews (
    event_id   uuid PRIMARY KEY,
    student_id uuid NOT NULL REFERENCES learners,
    class_id   uuid NOT NULL,
    held_on    date NOT NULL,
    outcome    text NOT NULL,
    on_track   boolean NOT NULL,
    retracted  boolean NOT NULL DEFAULT false,
    seq        bigserial UNIQUE
);
CREATE INDEX progress_reviews_by_student ON progress_reviews (student_id, seq);

-- GET /students/{id}/timeline reads the student's events from the outbox.
CREATE INDEX outbox_by_student ON outbox ((headers ->> 'ce_studentid'), position);
