-- Access control: API keys, and the operations that keys limited to
-- registered operations may run.

-- +goose Up

-- A key is shown once, when it is created; only its SHA-256 is kept (keys
-- are 256 random bits, so a fast hash is as safe as a slow one and costs
-- nothing per request). prefix (the key's first characters) lets people
-- tell keys apart in lists and logs.
CREATE TABLE api_keys (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    role            text NOT NULL CHECK (role IN ('PARTNER', 'OFFICER', 'ADMIN')),
    office_code     text REFERENCES offices (code),
    -- Only operations registered in registered_operations.
    registered_only boolean NOT NULL DEFAULT false,
    key_hash        bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    prefix          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    -- An officer works for one office; no one else has one.
    CHECK ((role = 'OFFICER') = (office_code IS NOT NULL))
);

-- Operations (query documents) that keys with registered_only may run,
-- by the SHA-256 of their text, as in Apollo's persisted queries.
CREATE TABLE registered_operations (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    name       text NOT NULL,
    query      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE registered_operations;
DROP TABLE api_keys;
