-- When a periodic job of the scheduler last started, for all the portal's
-- processes together (`job_runs.rs`): the reminders' sweep and the
-- housekeeping run once per period whatever the number of processes, and
-- a process that starts does not run them again if another just did.
CREATE TABLE job_runs (
    job              TEXT NOT NULL PRIMARY KEY,
    last_started_at  TEXT NOT NULL
);
