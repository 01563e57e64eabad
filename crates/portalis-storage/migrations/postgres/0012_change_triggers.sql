-- Every write to a table that the pages' cache reads records, by a
-- trigger, the thing it changed (see changes.rs): no code path can forget
-- it. Which table names which thing:
--   courts -> k:<id>; cases -> c:<id>; parties, events, documents -> c:<case_id>;
--   document_addressees -> c:<case_id of its document>;
--   users -> u:<id>; attachments -> u:<user_id>; sessions -> s:<id>.
--
-- On PostgreSQL the trigger announces the tag with NOTIFY (once a
-- transaction) and keeps the transaction's tags in the setting
-- `portalis.changed`, which the writing process reads before it commits to
-- forget them in its own cache at once. A transaction that changes many
-- things says "everything" (`*`) once it has named more than 8 KB of them,
-- so that keeping them costs no more than that. A load (bulk.rs, an
-- import) sets the transaction-local `portalis.paused` and says
-- "everything" itself at the end. Each function keeps the search_path of
-- the migration, so that a write by a role with another one (an
-- operator's session) finds the portal's tables and functions.

-- Records the tag `t` (the table triggers below call it).
CREATE FUNCTION portalis_changed(t text) RETURNS void LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    seen text := coalesce(current_setting('portalis.changed', true), '');
BEGIN
    IF seen = '*' OR t IS NULL OR position(' ' || t || ' ' IN seen) > 0 THEN
        RETURN;
    END IF;
    IF length(seen) > 8192 THEN
        PERFORM pg_notify('portalis_changes', '*');
        PERFORM set_config('portalis.changed', '*', true);
        RETURN;
    END IF;
    PERFORM pg_notify('portalis_changes', t);
    PERFORM set_config('portalis.changed', seen || ' ' || t || ' ', true);
END
$$;

CREATE FUNCTION portalis_courts_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('k:' || NEW.id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
        PERFORM portalis_changed('k:' || OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER courts_changed AFTER INSERT OR UPDATE OR DELETE ON courts
    FOR EACH ROW EXECUTE FUNCTION portalis_courts_changed();

CREATE FUNCTION portalis_cases_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('c:' || NEW.id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
        PERFORM portalis_changed('c:' || OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_changed AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION portalis_cases_changed();

CREATE FUNCTION portalis_parties_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('c:' || NEW.case_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id) THEN
        PERFORM portalis_changed('c:' || OLD.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER parties_changed AFTER INSERT OR UPDATE OR DELETE ON parties
    FOR EACH ROW EXECUTE FUNCTION portalis_parties_changed();

CREATE FUNCTION portalis_events_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('c:' || NEW.case_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id) THEN
        PERFORM portalis_changed('c:' || OLD.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION portalis_events_changed();

CREATE FUNCTION portalis_documents_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('c:' || NEW.case_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id) THEN
        PERFORM portalis_changed('c:' || OLD.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER documents_changed AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION portalis_documents_changed();

CREATE FUNCTION portalis_document_addressees_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed((SELECT 'c:' || case_id FROM documents WHERE id = NEW.document_id));
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.document_id IS DISTINCT FROM NEW.document_id) THEN
        PERFORM portalis_changed((SELECT 'c:' || case_id FROM documents WHERE id = OLD.document_id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER document_addressees_changed AFTER INSERT OR UPDATE OR DELETE ON document_addressees
    FOR EACH ROW EXECUTE FUNCTION portalis_document_addressees_changed();

CREATE FUNCTION portalis_users_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('u:' || NEW.id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
        PERFORM portalis_changed('u:' || OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION portalis_users_changed();

CREATE FUNCTION portalis_attachments_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('u:' || NEW.user_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id) THEN
        PERFORM portalis_changed('u:' || OLD.user_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attachments_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION portalis_attachments_changed();

CREATE FUNCTION portalis_sessions_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('portalis.paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portalis_changed('s:' || NEW.id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id) THEN
        PERFORM portalis_changed('s:' || OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_changed AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION portalis_sessions_changed();
