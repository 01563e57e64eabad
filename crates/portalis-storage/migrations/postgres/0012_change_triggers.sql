-- Every write to a table that the pages' cache reads records, by a
-- trigger, the thing it changed (see changes.rs): no code path can forget
-- it. Which table names which thing:
--   courts -> k:<id>; cases -> c:<id>; parties, events, documents -> c:<case_id>;
--   users -> u:<id>; attachments -> u:<user_id>; sessions -> s:<id>.
-- A bulk load (bulk.rs) sets `paused` inside its own transactions, where
-- no other writer can see it, and tells of everything at the end instead.
-- On PostgreSQL the trigger announces the tag with NOTIFY (once a
-- transaction) and keeps the transaction's tags in the setting
-- `portalis.changed`, which the writing process reads before it commits to
-- forget them in its own cache at once.
CREATE TABLE change_feed (paused INTEGER NOT NULL);
INSERT INTO change_feed (paused) VALUES (0);

CREATE FUNCTION portalis_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tags text[] := '{}';
    seen text;
    t text;
BEGIN
    IF (SELECT paused FROM change_feed) <> 0 THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        tags := tags || (TG_ARGV[0] || ':' || (to_jsonb(NEW) ->> TG_ARGV[1]));
    END IF;
    IF TG_OP <> 'INSERT' THEN
        tags := tags || (TG_ARGV[0] || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
    END IF;
    seen := coalesce(current_setting('portalis.changed', true), '');
    FOREACH t IN ARRAY tags LOOP
        IF position(' ' || t || ' ' IN seen) = 0 THEN
            PERFORM pg_notify('portalis_changes', t);
            seen := seen || ' ' || t || ' ';
        END IF;
    END LOOP;
    PERFORM set_config('portalis.changed', seen, true);
    RETURN NULL;
END
$$;

CREATE TRIGGER courts_changed AFTER INSERT OR UPDATE OR DELETE ON courts
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('k', 'id');
CREATE TRIGGER cases_changed AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('c', 'id');
CREATE TRIGGER parties_changed AFTER INSERT OR UPDATE OR DELETE ON parties
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('c', 'case_id');
CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('c', 'case_id');
CREATE TRIGGER documents_changed AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('c', 'case_id');
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('u', 'id');
CREATE TRIGGER attachments_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('u', 'user_id');
CREATE TRIGGER sessions_changed AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('s', 'id');
