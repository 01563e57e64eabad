-- PostgreSQL announces changes to the page caches with NOTIFY on the
-- channel `portalis_changes` (see changes.rs): no table is needed.
SELECT 1;
