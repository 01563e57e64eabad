-- The court staff's console.
--
-- Search: a party's names folded (lower case, without accents, marks or
-- signs; `portalis_core::search::party_keys`), family name first and given
-- names first, in byte order (SQLite compares text as bytes) so that the names starting
-- with what the agent typed are one range of an index, read in order. The
-- keys of the parties already here are written by the migration runner
-- right after this file, in the same transaction.
ALTER TABLE parties ADD COLUMN search_name TEXT;
ALTER TABLE parties ADD COLUMN search_name_given_first TEXT;
CREATE INDEX parties_search_name ON parties (search_name, id);
CREATE INDEX parties_search_name_given_first ON parties (search_name_given_first, id);
CREATE INDEX cases_rg_number ON cases (rg_number);

-- Every page of a party or a case an agent views: who, what, when. Kept
-- whatever becomes of the agent's account (his address and name are
-- copied), read by his court's administrator.
CREATE TABLE staff_views (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    agent_email    TEXT NOT NULL,
    agent_name     TEXT NOT NULL,
    court_id       BIGINT NOT NULL,
    case_id        BIGINT NOT NULL,
    party_id       BIGINT
);
CREATE INDEX staff_views_court ON staff_views (court_id, id);

-- The messages about a party (its identification number, its avis, its
-- updates and reminders, its codes), listed with their delivery on the
-- party's page at the console.
ALTER TABLE outbox ADD COLUMN party_id INTEGER;
CREATE INDEX outbox_party ON outbox (party_id, id);

-- The console's actions on a party, listed on its page by their target
-- (`court:<code>/case:<ref>/party:<ref>`).
CREATE INDEX audit_log_target ON audit_log (target, id);
