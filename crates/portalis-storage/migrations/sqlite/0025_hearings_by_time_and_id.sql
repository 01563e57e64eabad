-- PostgreSQL's index of the hearings to come now carries the id, for the
-- scheduler's walk in the order of (starts_at_utc, id). SQLite's already
-- does: every index ends with the rowid, which is the id here.
SELECT 1;
