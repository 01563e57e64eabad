-- What changed, for the page caches of every process on this database
-- (see changes.rs): one row per thing a transaction changed, in commit order.
-- AUTOINCREMENT keeps numbers increasing even after old rows are pruned.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tag TEXT NOT NULL
);
