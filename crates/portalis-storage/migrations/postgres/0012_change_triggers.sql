-- Every write to a table that the pages' cache reads records, by a
-- trigger, the thing it changed (see changes.rs): no code path can forget
-- it. Which table names which thing:
--   courts -> k:<id>; cases -> c:<id>; parties, events, documents -> c:<case_id>;
--   document_addressees -> c:<case_id of its document>;
--   users -> u:<id>; attachments -> u:<user_id>; sessions -> s:<id>.
-- A bulk load (bulk.rs) sets `paused` inside its own transactions, where
-- no other writer can see it, and tells of everything at the end instead.
-- On PostgreSQL the trigger announces the tag with NOTIFY (once a
-- transaction) and keeps the transaction's tags in the setting
-- `portalis.changed`, which the writing process reads before it commits to
-- forget them in its own cache at once. A transaction that changes many
-- things (an import) says "everything" (`*`) once it has named more than
-- 8 KB of them, so that keeping them costs no more than that.
CREATE TABLE change_feed (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    paused INTEGER NOT NULL
);
INSERT INTO change_feed (one, paused) VALUES (1, 0);

-- TG_ARGV: the tag's prefix, the column naming the thing, and 'document'
-- when that column is a document whose case is the thing.
CREATE FUNCTION portalis_record_change() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    keys text[] := '{}';
    k text;
    seen text;
    t text;
BEGIN
    IF (SELECT paused FROM change_feed) <> 0 THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        keys := keys || (to_jsonb(NEW) ->> TG_ARGV[1]);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        keys := keys || (to_jsonb(OLD) ->> TG_ARGV[1]);
    END IF;
    seen := coalesce(current_setting('portalis.changed', true), '');
    IF seen = '*' THEN
        RETURN NULL;
    END IF;
    FOREACH k IN ARRAY keys LOOP
        IF TG_NARGS > 2 AND TG_ARGV[2] = 'document' THEN
            k := (SELECT case_id::text FROM documents WHERE id = k::bigint);
        END IF;
        CONTINUE WHEN k IS NULL;
        t := TG_ARGV[0] || ':' || k;
        IF position(' ' || t || ' ' IN seen) = 0 THEN
            IF length(seen) > 8192 THEN
                PERFORM pg_notify('portalis_changes', '*');
                PERFORM set_config('portalis.changed', '*', true);
                RETURN NULL;
            END IF;
            PERFORM pg_notify('portalis_changes', t);
            seen := seen || ' ' || t || ' ';
            PERFORM set_config('portalis.changed', seen, true);
        END IF;
    END LOOP;
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
CREATE TRIGGER document_addressees_changed AFTER INSERT OR UPDATE OR DELETE ON document_addressees
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('c', 'document_id', 'document');
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('u', 'id');
CREATE TRIGGER attachments_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('u', 'user_id');
CREATE TRIGGER sessions_changed AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION portalis_record_change('s', 'id');
