-- The reminders' sweep reads a hearing again only when something may have
-- changed for it (`reminder_sweeps.rs`); the PostgreSQL migration of the
-- same name tells why and how.
CREATE TABLE hearings_swept (
    event_id       INTEGER NOT NULL PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    starts_at_utc  TEXT NOT NULL,
    recheck_at     TEXT
);
CREATE INDEX hearings_swept_start ON hearings_swept (starts_at_utc);

-- The cases whose hearings are to be swept again (case 0: every case),
-- written by triggers; `version` counts the writes. A load (`paused`) of
-- accounts asks for every case itself; the parties' and the courts'
-- triggers record even in a load (a court's import).
CREATE TABLE reminder_rechecks (
    case_id  INTEGER NOT NULL PRIMARY KEY,
    version  INTEGER NOT NULL
);

-- Which sweep last began (`generation`), and with how many days of notice
-- (`PORTALIS_REMINDER_DAYS`): a sweep records its pages only while no
-- other began since; another number of days reads every hearing again.
CREATE TABLE reminder_sweep_state (
    one            INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
    generation     INTEGER NOT NULL,
    reminder_days  INTEGER
);
INSERT INTO reminder_sweep_state (one, generation, reminder_days) VALUES (1, 0, NULL);

-- Each trigger inserts a case's row when it is missing, then counts the
-- write: not `INSERT OR IGNORE`, whose conflict clause the statement that
-- fires the trigger overrides (an upsert of a court would then fail).

CREATE TRIGGER attachments_recheck_reminders AFTER INSERT ON attachments WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT p.case_id, 0 FROM parties p
    WHERE p.id = NEW.party_id AND NOT EXISTS (SELECT 1 FROM reminder_rechecks r WHERE r.case_id = p.case_id);
    UPDATE reminder_rechecks SET version = version + 1 WHERE case_id = (SELECT case_id FROM parties WHERE id = NEW.party_id);
END;
CREATE TRIGGER attachments_moved_recheck_reminders AFTER UPDATE OF user_id, party_id ON attachments
    WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT p.case_id, 0 FROM parties p
    WHERE p.id = NEW.party_id AND NOT EXISTS (SELECT 1 FROM reminder_rechecks r WHERE r.case_id = p.case_id);
    UPDATE reminder_rechecks SET version = version + 1 WHERE case_id = (SELECT case_id FROM parties WHERE id = NEW.party_id);
END;

CREATE TRIGGER parties_recheck_reminders AFTER UPDATE OF mobile, withdrawn_at, case_id ON parties
    WHEN NEW.mobile IS NOT NULL AND NEW.withdrawn_at IS NULL
         AND (OLD.mobile IS NOT NEW.mobile OR OLD.withdrawn_at IS NOT NULL OR OLD.case_id IS NOT NEW.case_id)
BEGIN
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT NEW.case_id, 0 WHERE NOT EXISTS (SELECT 1 FROM reminder_rechecks WHERE case_id = NEW.case_id);
    UPDATE reminder_rechecks SET version = version + 1 WHERE case_id = NEW.case_id;
END;

CREATE TRIGGER users_recheck_reminders AFTER UPDATE OF reminders_by_sms ON users
    WHEN (SELECT paused FROM change_feed) = 0 AND NEW.reminders_by_sms = 1 AND OLD.reminders_by_sms <> 1
BEGIN
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT DISTINCT p.case_id, 0 FROM attachments a JOIN parties p ON p.id = a.party_id
    WHERE a.user_id = NEW.id AND NOT EXISTS (SELECT 1 FROM reminder_rechecks r WHERE r.case_id = p.case_id);
    UPDATE reminder_rechecks SET version = version + 1
    WHERE case_id IN (SELECT p.case_id FROM attachments a JOIN parties p ON p.id = a.party_id WHERE a.user_id = NEW.id);
END;

CREATE TRIGGER courts_recheck_reminders AFTER UPDATE OF time_zone ON courts
    WHEN OLD.time_zone IS NOT NEW.time_zone
BEGIN
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM reminder_rechecks WHERE case_id = 0);
    UPDATE reminder_rechecks SET version = version + 1 WHERE case_id = 0;
END;
