-- Students and their applications, decisions, enrolments, intents and exclusions.
-- Personal data lives only in `students`, sealed (AES-GCM); `national_id_digest` is an HMAC-SHA256 of the
-- national ID, so a returning applicant is found again without decrypting anything.
-- depends: recruitment_0001_partnerships

CREATE TABLE students (
    student_id          uuid PRIMARY KEY,
    national_id_digest  bytea NOT NULL UNIQUE,
    national_id_sealed  bytea NOT NULL,
    name_sealed         bytea NOT NULL,
    hukou_sealed        bytea NOT NULL,
    home_region         text NOT NULL,
    created_at          timestamptz NOT NULL,
    seq                 bigserial UNIQUE
);

CREATE TABLE applications (
    application_id     uuid PRIMARY KEY,
    student_id         uuid NOT NULL REFERENCES students,
    class_id           uuid NOT NULL REFERENCES classes,
    partnership_id     uuid NOT NULL REFERENCES partnerships,
    home_region        text NOT NULL,
    poor_household     boolean NOT NULL,
    verified_by        text NOT NULL,
    prior_education    text NOT NULL,
    channel            text NOT NULL,
    applied_on         date NOT NULL,
    recorded_at        timestamptz NOT NULL,
    event_id           uuid NOT NULL UNIQUE,
    retracted          boolean NOT NULL DEFAULT false,
    seq                bigserial UNIQUE
);
CREATE INDEX applications_student ON applications (student_id);
CREATE INDEX applications_class ON applications (class_id);

CREATE TABLE decisions (
    event_id        uuid PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES applications,
    decision        text NOT NULL,
    reason          text NOT NULL,
    occurred_on     date NOT NULL,
    recorded_at     timestamptz NOT NULL,
    retracted       boolean NOT NULL DEFAULT false
);
CREATE INDEX decisions_application ON decisions (application_id);

CREATE TABLE enrolments (
    enrolment_id       uuid PRIMARY KEY,
    application_id     uuid NOT NULL REFERENCES applications,
    student_id         uuid NOT NULL REFERENCES students,
    class_id           uuid NOT NULL REFERENCES classes,
    partnership_id     uuid NOT NULL REFERENCES partnerships,
    start_on           date NOT NULL,
    planned_end_on     date NOT NULL,
    enrolled_on        date NOT NULL,
    cancelled_on       date,
    cancel_reason      text,
    cancelled_event_id uuid,
    retracted          boolean NOT NULL DEFAULT false,
    seq                bigserial UNIQUE
);
-- One live enrolment per student and per application, even when two requests race.
CREATE UNIQUE INDEX enrolments_live_student ON enrolments (student_id) WHERE cancelled_on IS NULL AND NOT retracted;
CREATE UNIQUE INDEX enrolments_application ON enrolments (application_id) WHERE NOT retracted;
CREATE INDEX enrolments_class ON enrolments (class_id);

CREATE TABLE employment_intents (
    event_id       uuid PRIMARY KEY,
    enrolment_id   uuid NOT NULL REFERENCES enrolments,
    employer_id    uuid NOT NULL REFERENCES parties,
    signed_on      date NOT NULL,
    retracted      boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX employment_intents_one ON employment_intents (enrolment_id) WHERE NOT retracted;

CREATE TABLE exclusions (
    event_id          uuid PRIMARY KEY,
    student_id        uuid NOT NULL REFERENCES students,
    partnership_id    uuid NOT NULL REFERENCES partnerships,
    reason            text NOT NULL,
    applied_on        date NOT NULL,
    revoked_on        date,
    revoked_event_id  uuid,
    retracted         boolean NOT NULL DEFAULT false,
    seq               bigserial UNIQUE
);
CREATE UNIQUE INDEX exclusions_standing ON exclusions (student_id) WHERE revoked_on IS NULL AND NOT retracted;

-- The student timeline reads this service's own events from the outbox, by the CloudEvents subject.
CREATE INDEX outbox_student ON outbox ((headers->>'ce_studentid'), position);
