-- The reminders' sweep reads a hearing again only when something may have
-- changed for it (`reminder_sweeps.rs`). At 10,000,000 cases it read every
-- hearing of the days ahead and their parties each time (323,874 hearings
-- in the four days ahead, mostly read from disk, 1 to 2 s a page of 200
-- under load): it lasted longer than its five minutes.
--
-- A hearing swept at a time is recorded here with that time; with
-- `recheck_at` when its reminder was not due yet (read again then), without
-- when every party to remind was reminded. A hearing moved is swept again
-- (its time differs).
CREATE TABLE hearings_swept (
    event_id       BIGINT NOT NULL PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    starts_at_utc  TEXT NOT NULL,
    recheck_at     TEXT
);
CREATE INDEX hearings_swept_start ON hearings_swept (starts_at_utc);

-- The cases whose hearings are to be swept again, because a party may have
-- become one to remind: attached, given a mobile, back from withdrawn,
-- reminders turned back on by the account. Written by triggers, so that no
-- code path can forget it; `version` counts the writes, so that the sweep
-- deletes only a row it read (a write meanwhile keeps it). Case 0 means
-- every case: the load of a world of accounts, or a court's time zone
-- changed (its hearings' reminders fall due at other instants).
CREATE TABLE reminder_rechecks (
    case_id  BIGINT NOT NULL PRIMARY KEY,
    version  BIGINT NOT NULL
);

-- Which sweep last began (`generation`), and with how many days of notice
-- (`PORTALIS_REMINDER_DAYS`): a sweep records its pages only while no
-- other began since (two sweeps overlap when one outlasts its period); a
-- sweep with another number of days reads every hearing again.
CREATE TABLE reminder_sweep_state (
    one            BIGINT NOT NULL PRIMARY KEY CHECK (one = 1),
    generation     BIGINT NOT NULL,
    reminder_days  BIGINT
);
INSERT INTO reminder_sweep_state (one, generation, reminder_days) VALUES (1, 0, NULL);

CREATE FUNCTION portalis_recheck_reminders(c bigint) RETURNS void LANGUAGE sql
SET search_path FROM CURRENT AS $$
    INSERT INTO reminder_rechecks (case_id, version) SELECT c, 1 WHERE c IS NOT NULL
    ON CONFLICT (case_id) DO UPDATE SET version = reminder_rechecks.version + 1;
$$;

-- A load (`portalis.paused`) of accounts and their attachments (the
-- benchmark's world, `bench_data`) asks for every case itself once at the
-- end. The court's imports load no account: the triggers of the parties
-- and the courts record their rechecks even in a load (few of its rows
-- pass their WHEN).
CREATE FUNCTION portalis_attachments_recheck() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM portalis_recheck_reminders((SELECT case_id FROM parties WHERE id = NEW.party_id));
    RETURN NULL;
END
$$;
CREATE TRIGGER attachments_recheck_reminders AFTER INSERT OR UPDATE OF user_id, party_id ON attachments
    FOR EACH ROW EXECUTE FUNCTION portalis_attachments_recheck();

CREATE FUNCTION portalis_parties_recheck() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM portalis_recheck_reminders(NEW.case_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER parties_recheck_reminders AFTER UPDATE OF mobile, withdrawn_at, case_id ON parties
    FOR EACH ROW
    WHEN (NEW.mobile IS NOT NULL AND NEW.withdrawn_at IS NULL
          AND (OLD.mobile IS DISTINCT FROM NEW.mobile OR OLD.withdrawn_at IS NOT NULL
               OR OLD.case_id IS DISTINCT FROM NEW.case_id))
    EXECUTE FUNCTION portalis_parties_recheck();

CREATE FUNCTION portalis_users_recheck() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO reminder_rechecks (case_id, version)
    SELECT DISTINCT p.case_id, 1 FROM attachments a JOIN parties p ON p.id = a.party_id WHERE a.user_id = NEW.id
    -- In the order the sweep locks them (`forget_rechecked`): no deadlock.
    ORDER BY p.case_id
    ON CONFLICT (case_id) DO UPDATE SET version = reminder_rechecks.version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_recheck_reminders AFTER UPDATE OF reminders_by_sms ON users
    FOR EACH ROW WHEN (NEW.reminders_by_sms = 1 AND OLD.reminders_by_sms <> 1)
    EXECUTE FUNCTION portalis_users_recheck();

CREATE FUNCTION portalis_courts_recheck() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM portalis_recheck_reminders(0);
    RETURN NULL;
END
$$;
CREATE TRIGGER courts_recheck_reminders AFTER UPDATE OF time_zone ON courts
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION portalis_courts_recheck();
