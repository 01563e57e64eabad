-- Consent to electronic communication: declared by the court, or given by
-- the party's first consultation of the case on the portal (CPC 748-2).
ALTER TABLE parties ADD COLUMN consent_source TEXT;
ALTER TABLE parties ADD COLUMN consent_at TEXT;

-- What the user chose to receive (the avis de mise à disposition is not a
-- choice: it is a legal notice).
ALTER TABLE users ADD COLUMN updates_by_email INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN reminders_by_sms INTEGER NOT NULL DEFAULT 1;

-- Avis de mise à disposition: one per document publication and party.
CREATE TABLE document_notices (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    party_id      INTEGER NOT NULL REFERENCES parties(id),
    published_at  TEXT NOT NULL,
    outbox_id     INTEGER NOT NULL REFERENCES outbox(id),
    UNIQUE (document_id, party_id, published_at)
);

-- Hearing reminders: one per hearing, date and party, ever.
CREATE TABLE hearing_reminders (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL REFERENCES events(id),
    party_id       INTEGER NOT NULL REFERENCES parties(id),
    starts_at_utc  TEXT NOT NULL,
    outbox_id      INTEGER REFERENCES outbox(id),
    created_at     TEXT NOT NULL,
    UNIQUE (event_id, party_id, starts_at_utc)
);

-- Case updates waiting to be sent: changes within a few minutes make one
-- e-mail. `claimed` is set by the scheduler that sends it.
CREATE TABLE case_updates (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    party_id    INTEGER NOT NULL REFERENCES parties(id),
    lines       TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    claimed     INTEGER NOT NULL DEFAULT 0,
    outbox_id   INTEGER REFERENCES outbox(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX case_updates_due ON case_updates (claimed, due_at);
