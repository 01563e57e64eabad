-- A party's contact details (e-mail, mobile) changed at the court's
-- console (« Modifier les coordonnées »): the court's system learns them
-- from the party's GET (the latest change) and from the court's feed of
-- changes (`GET /api/v1/contact-changes`), read in `id` order. Changes of
-- one court are written one at a time (a lock on the court), so that
-- their ids follow the order they commit in and a reader paging with the
-- last id seen misses none. `previous_*` are the values replaced: a
-- court's later PUT that still carries them is stale, and keeps the
-- change (`acknowledged_at` is set once the court's PUT carries the new
-- values, or others of its own).
CREATE TABLE contact_changes (
    id               INTEGER PRIMARY KEY,
    court_id         INTEGER NOT NULL REFERENCES courts(id),
    party_id         INTEGER NOT NULL REFERENCES parties(id),
    email            TEXT,
    mobile           TEXT,
    previous_email   TEXT,
    previous_mobile  TEXT,
    changed_at       TEXT NOT NULL,
    changed_by       TEXT NOT NULL,
    acknowledged_at  TEXT
);
CREATE INDEX contact_changes_court ON contact_changes (court_id, id);
CREATE INDEX contact_changes_party ON contact_changes (party_id, id);
