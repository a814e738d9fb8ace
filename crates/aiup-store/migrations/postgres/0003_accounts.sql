-- aiup store, PostgreSQL backend: accounts, their sessions and API tokens, and the sign-in
-- throttle. Storage only: the service hashes passwords, session ids and tokens, so no plaintext
-- secret is stored.

CREATE TABLE accounts (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login                TEXT        NOT NULL CHECK (login <> ''),
    display_name         TEXT        NOT NULL,
    role                 TEXT        NOT NULL,
    scope                TEXT,
    password_hash        TEXT        NOT NULL,
    disabled             BOOLEAN     NOT NULL DEFAULT false,
    created_at           TIMESTAMPTZ NOT NULL,
    password_changed_at  TIMESTAMPTZ NOT NULL
);

-- Logins are unique case-insensitively; lookups use the same expression.
CREATE UNIQUE INDEX accounts_login_lower ON accounts (lower(login));

-- Only a hash of the session id is stored.
CREATE TABLE sessions (
    id_hash       TEXT        NOT NULL PRIMARY KEY,
    account_id    BIGINT      NOT NULL REFERENCES accounts (id),
    csrf_token    TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    client        TEXT        NOT NULL
);

CREATE INDEX sessions_account_id ON sessions (account_id, created_at);

-- Only a hash of the token is stored, and its first characters to tell tokens apart.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT      NOT NULL REFERENCES accounts (id),
    name          TEXT        NOT NULL,
    token_hash    TEXT        NOT NULL UNIQUE,
    prefix        TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);

CREATE INDEX api_tokens_account_id ON api_tokens (account_id, id);

-- Failed sign-in attempts per throttle key ("login:alice", "addr:1.2.3.4").
CREATE TABLE sign_in_failures (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    throttle_key  TEXT        NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);

CREATE INDEX sign_in_failures_key_at ON sign_in_failures (throttle_key, at);
