-- Every write to a table that the pages' cache reads records, by a
-- trigger, the thing it changed (see changes.rs): no code path can forget
-- it. Which table names which thing:
--   courts -> k:<id>; cases -> c:<id>; parties, events, documents -> c:<case_id>;
--   document_addressees -> c:<case_id of its document>;
--   users -> u:<id>; attachments -> u:<user_id>; sessions -> s:<id>.
-- A load (bulk.rs, an import) sets `paused` inside its own transactions,
-- where no other writer can see it (SQLite has one writer at a time), and
-- tells of everything at the end instead.
CREATE TABLE change_feed (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    paused INTEGER NOT NULL
);
INSERT INTO change_feed (one, paused) VALUES (1, 0);

CREATE TRIGGER courts_inserted AFTER INSERT ON courts WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('k:' || NEW.id); END;
CREATE TRIGGER courts_updated AFTER UPDATE ON courts WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('k:' || NEW.id);
    INSERT INTO changes (tag) SELECT 'k:' || OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER courts_deleted AFTER DELETE ON courts WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('k:' || OLD.id); END;

CREATE TRIGGER cases_inserted AFTER INSERT ON cases WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || NEW.id); END;
CREATE TRIGGER cases_updated AFTER UPDATE ON cases WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('c:' || NEW.id);
    INSERT INTO changes (tag) SELECT 'c:' || OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER cases_deleted AFTER DELETE ON cases WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || OLD.id); END;

CREATE TRIGGER parties_inserted AFTER INSERT ON parties WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id); END;
CREATE TRIGGER parties_updated AFTER UPDATE ON parties WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id);
    INSERT INTO changes (tag) SELECT 'c:' || OLD.case_id WHERE OLD.case_id IS NOT NEW.case_id;
END;
CREATE TRIGGER parties_deleted AFTER DELETE ON parties WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || OLD.case_id); END;

CREATE TRIGGER events_inserted AFTER INSERT ON events WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id); END;
CREATE TRIGGER events_updated AFTER UPDATE ON events WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id);
    INSERT INTO changes (tag) SELECT 'c:' || OLD.case_id WHERE OLD.case_id IS NOT NEW.case_id;
END;
CREATE TRIGGER events_deleted AFTER DELETE ON events WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || OLD.case_id); END;

CREATE TRIGGER documents_inserted AFTER INSERT ON documents WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id); END;
CREATE TRIGGER documents_updated AFTER UPDATE ON documents WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('c:' || NEW.case_id);
    INSERT INTO changes (tag) SELECT 'c:' || OLD.case_id WHERE OLD.case_id IS NOT NEW.case_id;
END;
CREATE TRIGGER documents_deleted AFTER DELETE ON documents WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('c:' || OLD.case_id); END;

CREATE TRIGGER document_addressees_inserted AFTER INSERT ON document_addressees WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) SELECT 'c:' || case_id FROM documents WHERE id = NEW.document_id; END;
CREATE TRIGGER document_addressees_updated AFTER UPDATE ON document_addressees WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) SELECT 'c:' || case_id FROM documents WHERE id = NEW.document_id;
    INSERT INTO changes (tag) SELECT 'c:' || case_id FROM documents WHERE id = OLD.document_id AND OLD.document_id IS NOT NEW.document_id;
END;
CREATE TRIGGER document_addressees_deleted AFTER DELETE ON document_addressees WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) SELECT 'c:' || case_id FROM documents WHERE id = OLD.document_id; END;

CREATE TRIGGER users_inserted AFTER INSERT ON users WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || NEW.id); END;
CREATE TRIGGER users_updated AFTER UPDATE ON users WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('u:' || NEW.id);
    INSERT INTO changes (tag) SELECT 'u:' || OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER users_deleted AFTER DELETE ON users WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || OLD.id); END;

CREATE TRIGGER attachments_inserted AFTER INSERT ON attachments WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || NEW.user_id); END;
CREATE TRIGGER attachments_updated AFTER UPDATE ON attachments WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('u:' || NEW.user_id);
    INSERT INTO changes (tag) SELECT 'u:' || OLD.user_id WHERE OLD.user_id IS NOT NEW.user_id;
END;
CREATE TRIGGER attachments_deleted AFTER DELETE ON attachments WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('u:' || OLD.user_id); END;

CREATE TRIGGER sessions_inserted AFTER INSERT ON sessions WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('s:' || NEW.id); END;
CREATE TRIGGER sessions_updated AFTER UPDATE ON sessions WHEN (SELECT paused FROM change_feed) = 0
BEGIN
    INSERT INTO changes (tag) VALUES ('s:' || NEW.id);
    INSERT INTO changes (tag) SELECT 's:' || OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions WHEN (SELECT paused FROM change_feed) = 0
BEGIN INSERT INTO changes (tag) VALUES ('s:' || OLD.id); END;
