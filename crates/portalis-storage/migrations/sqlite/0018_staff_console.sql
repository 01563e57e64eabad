-- The court staff's console.
--
-- Search: a party is found by each word of its name (each word typed must
-- start one of them). `party_words` holds each folded word of a party's
-- name once (`portalis_core::search::party_words`: lower case, without
-- accents, marks or signs), in byte order (SQLite compares text as bytes),
-- so that the words starting with what the agent typed are one range of
-- its primary key, read in order; `parties.search_name` is the whole
-- folded name, on which the other words typed are checked. Both are
-- written with the party; those of the parties already here by the
-- migration runner right after this file, in the same transaction.
ALTER TABLE parties ADD COLUMN search_name TEXT;
CREATE TABLE party_words (
    word      TEXT NOT NULL,
    party_id  INTEGER NOT NULL REFERENCES parties(id),
    PRIMARY KEY (word, party_id)
) WITHOUT ROWID;
CREATE INDEX party_words_party ON party_words (party_id);
CREATE INDEX cases_rg_number ON cases (rg_number);

-- What agents look at: every page of a party they view, and every search
-- they make (`search`, as typed but an identification number masked,
-- recorded under each court where the agent holds a role). Who (his
-- address and name are copied: kept whatever becomes of his account),
-- what, when; read by the court's administrator.
CREATE TABLE staff_views (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    agent_email    TEXT NOT NULL,
    agent_name     TEXT NOT NULL,
    court_id       BIGINT NOT NULL,
    case_id        BIGINT,
    party_id       BIGINT,
    search         TEXT
);
CREATE INDEX staff_views_court ON staff_views (court_id, id);

-- The messages about a party (its identification number, its avis, its
-- updates and reminders, its codes), listed with their delivery on the
-- party's page at the console; those already sent are linked where a
-- table says to whom (avis, reminders, updates).
ALTER TABLE outbox ADD COLUMN party_id INTEGER;
UPDATE outbox SET party_id = (SELECT n.party_id FROM document_notices n WHERE n.outbox_id = outbox.id)
    WHERE kind = 'avis';
UPDATE outbox SET party_id = (SELECT r.party_id FROM hearing_reminders r WHERE r.outbox_id = outbox.id)
    WHERE kind = 'hearing_reminder';
UPDATE outbox SET party_id = (SELECT u.party_id FROM case_updates u WHERE u.outbox_id = outbox.id)
    WHERE kind = 'case_update';
CREATE INDEX outbox_party ON outbox (party_id, id);

-- The console's actions on a party, listed on its page by their target
-- (`court:<code>/case:<ref>/party:<ref>`).
CREATE INDEX audit_log_target ON audit_log (target, id);

-- « Débloquer » at the console: the codes sent for a party before this
-- instant no longer count against its hourly limit.
ALTER TABLE parties ADD COLUMN codes_unblocked_at TEXT;
