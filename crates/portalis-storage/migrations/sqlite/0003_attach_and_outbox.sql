-- Messages to send (e-mail, SMS), written in the same transaction as the
-- change that causes them, delivered by a worker. A worker claims a message
-- by setting status 'sending' and a lease (locked_until); a lease that runs
-- out (the worker died) makes the message claimable again.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,          -- email | sms
    recipient        TEXT NOT NULL,          -- an e-mail address, or E.164
    subject          TEXT,
    body             TEXT NOT NULL,
    kind             TEXT NOT NULL,          -- identification_number | attach_code
    status           TEXT NOT NULL,          -- pending | sending | sent | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT,
    provider_id      TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Codes sent by SMS to attach a party to an account: only an HMAC of the
-- code is kept, bound to the user and the party.
CREATE TABLE attach_codes (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    party_id         INTEGER NOT NULL REFERENCES parties(id),
    code_hash        TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    used_at          TEXT,
    voided_at        TEXT
);
CREATE INDEX attach_codes_user_party ON attach_codes (user_id, party_id, created_at);
CREATE INDEX attach_codes_party ON attach_codes (party_id, created_at);
CREATE INDEX attach_codes_user ON attach_codes (user_id, created_at);

-- Events counted by rate limits (per address, per user): what and when.
CREATE TABLE rate_events (
    id       INTEGER PRIMARY KEY,
    subject  TEXT NOT NULL,                  -- ip:<address> | user:<id>
    action   TEXT NOT NULL,                  -- code_request | attach_failure
    at       TEXT NOT NULL
);
CREATE INDEX rate_events_subject ON rate_events (subject, action, at);
