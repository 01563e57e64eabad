-- The files attached to an online filing (portalis_core::attachment): each
-- stored in the document store under a key of its own (`storage_key`,
-- under `filings/`), checked on every read against its size and SHA-256.
-- `position` is the file's number in the filing (the API's
-- `attachments/{n}`), never reused within it: it is taken from the
-- filing's `attachments_numbered`.
ALTER TABLE filings ADD COLUMN attachments_numbered INTEGER NOT NULL DEFAULT 0;

-- The court's answer (`POST /api/v1/filings/{n}/registration` or
-- `/refusal`): the case and party it opened, or the refusal's reason, and
-- when. `contact_email` is where the filer is told, kept when it is sent,
-- with his FranceConnect identity as it was then (`filer_*`: the request
-- states it, whatever a later login refreshes).
ALTER TABLE filings ADD COLUMN contact_email TEXT;
ALTER TABLE filings ADD COLUMN filer_given_name TEXT;
ALTER TABLE filings ADD COLUMN filer_family_name TEXT;
ALTER TABLE filings ADD COLUMN filer_usage_name TEXT;
ALTER TABLE filings ADD COLUMN filer_birthdate TEXT;
ALTER TABLE filings ADD COLUMN case_ref TEXT;
ALTER TABLE filings ADD COLUMN party_ref TEXT;
ALTER TABLE filings ADD COLUMN decided_at TEXT;
-- The registered filings whose filer awaits the party the court publishes.
CREATE INDEX filings_registered_party ON filings (court_id, case_ref, party_ref) WHERE status = 'enregistree';

CREATE TABLE filing_attachments (
    id           INTEGER PRIMARY KEY,
    filing_id    INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    piece        TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    added_at     TEXT NOT NULL,
    UNIQUE (filing_id, position)
);

-- Files to delete from the document store, queued in the transaction that
-- forgets them (an attachment removed, a draft deleted or expired) and
-- deleted after it by the scheduler: a file is never deleted while a row
-- still names it, and never forgotten if the process dies in between.
CREATE TABLE file_deletions (
    id          INTEGER PRIMARY KEY,
    storage_key TEXT NOT NULL,
    queued_at   TEXT NOT NULL
);

-- A user's filings are read through the pages' cache (`cached::filings`):
-- every write to them records the user (see 0012_change_triggers).
CREATE TRIGGER filings_inserted AFTER INSERT ON filings WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || NEW.user_id); END;
CREATE TRIGGER filings_updated AFTER UPDATE ON filings WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('u:' || NEW.user_id);
    INSERT INTO changes (tag) SELECT 'u:' || OLD.user_id WHERE OLD.user_id IS NOT NEW.user_id;
END;
CREATE TRIGGER filings_deleted AFTER DELETE ON filings WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || OLD.user_id); END;
