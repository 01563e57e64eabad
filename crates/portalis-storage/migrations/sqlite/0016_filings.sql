-- Online filings (saisines en ligne, portalis_core::filing): a litigant's
-- request to a court, from the draft he starts to the court's answer. Only
-- its author sees it (every query names the user), and its court through
-- the API once sent. `public_id` is what URLs carry (unguessable);
-- `filing_number` is given when it is sent, once. `answers` holds the typed
-- steps as JSON, read by the procedure's own parser.
CREATE TABLE filings (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    procedure       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'brouillon'
                    CHECK (status IN ('brouillon', 'envoyee', 'enregistree', 'echec', 'refusee')),
    court_id        INTEGER REFERENCES courts(id),
    answers         TEXT NOT NULL DEFAULT '{}',
    started_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    filing_number   TEXT UNIQUE,
    refusal_reason  TEXT
);
CREATE INDEX filings_user ON filings (user_id, started_at);
CREATE INDEX filings_court ON filings (court_id, status, sent_at);
CREATE INDEX filings_drafts ON filings (started_at) WHERE status = 'brouillon';
