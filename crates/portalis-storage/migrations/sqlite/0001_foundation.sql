-- The foundation schema (SQLite). Its twin in ../postgres differs only in
-- column types: identity columns, BIGINT. Instants are stored as text in one
-- fixed UTC format (2026-11-26T13:21:00.000000Z) so that they sort and compare
-- as text the same way on both databases; court-local dates and times are
-- stored as the court stated them (YYYY-MM-DD, HH:MM).

CREATE TABLE courts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    postcode    TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    department  TEXT NOT NULL DEFAULT '',
    phone       TEXT,
    email       TEXT,
    sauj_hours  TEXT,
    time_zone   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- An API key belongs to one court; only its SHA-256 is kept.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    court_id    INTEGER NOT NULL REFERENCES courts(id),
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    court_id         INTEGER NOT NULL REFERENCES courts(id),
    case_ref         TEXT NOT NULL,
    portalis_number  TEXT NOT NULL,
    rg_number        TEXT,
    nature_code      TEXT NOT NULL,
    nature_label     TEXT NOT NULL,
    status           TEXT NOT NULL,
    filed_on         TEXT NOT NULL,
    chamber          TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (court_id, case_ref)
);
CREATE INDEX cases_portalis_number ON cases (portalis_number);

-- Withdrawn parties, events and documents are kept (withdrawn_at set): what
-- was once made available to a litigant stays on record.
CREATE TABLE parties (
    id                     INTEGER PRIMARY KEY,
    case_id                INTEGER NOT NULL REFERENCES cases(id),
    party_ref              TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    given_names            TEXT,
    family_name            TEXT,
    organisation_name      TEXT,
    role                   TEXT NOT NULL,
    email                  TEXT,
    mobile                 TEXT,
    lawyer                 TEXT,
    identification_number  TEXT NOT NULL UNIQUE,
    number_issued_at       TEXT NOT NULL,
    withdrawn_at           TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    UNIQUE (case_id, party_ref)
);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    event_ref      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    starts_time    TEXT,
    starts_at_utc  TEXT NOT NULL,
    label          TEXT,
    room           TEXT,
    status         TEXT NOT NULL,
    approved_on    TEXT,
    withdrawn_at   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (case_id, event_ref)
);
CREATE INDEX events_case_start ON events (case_id, starts_at_utc);

CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    document_ref   TEXT NOT NULL,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    event_id       INTEGER REFERENCES events(id),
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL,
    all_parties    INTEGER NOT NULL,
    published_at   TEXT NOT NULL,
    withdrawn_at   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (case_id, document_ref)
);

-- Addressees of a document when it is not for all parties.
CREATE TABLE document_addressees (
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    party_id     INTEGER NOT NULL REFERENCES parties(id),
    PRIMARY KEY (document_id, party_id)
);
CREATE INDEX document_addressees_party ON document_addressees (party_id);

-- A user is a FranceConnect identity, keyed by (issuer, subject).
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    issuer              TEXT NOT NULL,
    subject             TEXT NOT NULL,
    given_name          TEXT,
    family_name         TEXT,
    preferred_username  TEXT,
    birthdate           TEXT,
    email               TEXT,
    created_at          TEXT NOT NULL,
    last_login_at       TEXT NOT NULL,
    UNIQUE (issuer, subject)
);

-- A party's identification number attaches it to one account, once.
CREATE TABLE attachments (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    party_id         INTEGER NOT NULL UNIQUE REFERENCES parties(id),
    attached_at      TEXT NOT NULL,
    first_viewed_at  TEXT
);
CREATE INDEX attachments_user ON attachments (user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    outcome     TEXT NOT NULL,
    detail      TEXT,
    request_id  TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
