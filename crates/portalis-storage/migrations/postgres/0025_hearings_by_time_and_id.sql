-- The scheduler walks the hearings to come a page at a time, in the order
-- of (starts_at_utc, id) (`notices::hearings_to_come`): the index of the
-- hearings to come carries the id, so that a page is read in index order
-- and stops at its 200th hearing. By time alone, PostgreSQL sorted each
-- page's hearings by id, and planned the page's condition as a bitmap of
-- every hearing of the days ahead (at 1,000,000 cases, 33,157 hearings
-- read and joined for each page of 200: 935 ms a page).
-- The new index is built first (reads of `events` go on meanwhile), and
-- the old one dropped once it is there (a moment's exclusive lock).
CREATE INDEX events_hearings_by_time_and_id ON events (starts_at_utc, id)
    WHERE kind IN ('audience', 'expertise') AND status = 'prevu' AND withdrawn_at IS NULL;
DROP INDEX events_hearings_to_come;
