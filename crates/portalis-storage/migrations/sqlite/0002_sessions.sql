-- Sessions live in the database so that several portal processes serve the
-- same user. Only the SHA-256 of a session's cookie value is stored.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    -- The ID token of the login, sent back to FranceConnect at logout
    -- (id_token_hint); it expired a minute after the login.
    id_token      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- A login under way: what the callback must find again, bound to the
-- browser by a cookie whose hash is token_hash; used once.
CREATE TABLE login_attempts (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    state          TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT,
    return_to      TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX login_attempts_created ON login_attempts (created_at);
