-- Writes: what the mutations need besides the tables they write. Every
-- mutation is one transaction that also appends to the audit log and, for
-- a create retried with the same Idempotency-Key, finds the first answer.

-- +goose Up

-- When the incident happened, as the complainant reports it (optional; the
-- demo network's complaints have none).
ALTER TABLE complaints ADD COLUMN occurred_at timestamptz CHECK (occurred_at <= filed_at);

-- The last serial given out in each fiscal year. Filing a complaint takes
-- the next one by updating this row, which holds the row's lock until the
-- filing commits: concurrent filings queue for it, and a rolled-back
-- filing gives its serial back, so serials have no gaps and no repeats.
CREATE TABLE complaint_serials (
    fiscal_year smallint PRIMARY KEY CHECK (fiscal_year BETWEEN 2540 AND 2600),
    last        integer NOT NULL CHECK (last > 0)
);
INSERT INTO complaint_serials (fiscal_year, last)
SELECT fiscal_year, max(serial) FROM complaints GROUP BY fiscal_year;

-- One row per create mutation sent with an Idempotency-Key: who sent it,
-- the key, which mutation field of the request (a request may create
-- several things), a hash of the input, and what it created. Inserted in
-- the create's transaction, so a retry either finds the finished answer or
-- waits for the first attempt to commit or roll back. Kept 24 hours.
CREATE TABLE idempotency_keys (
    caller      text NOT NULL,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    field       text NOT NULL,
    fingerprint bytea NOT NULL,
    entity_id   bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key, field)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

-- Who changed what, when: one row per successful mutation, written in its
-- transaction. changes maps each changed field to {"before": ..., "after": ...}.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    operation text NOT NULL,
    entity    text NOT NULL,
    entity_id bigint NOT NULL,
    changes   jsonb NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE idempotency_keys;
DROP TABLE complaint_serials;
ALTER TABLE complaints DROP COLUMN occurred_at;
