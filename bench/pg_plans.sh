#!/usr/bin/env bash
# EXPLAIN ANALYZE of hand-written equivalents of the pages' queries on a
# PostgreSQL world of bench-data (the 1,000,000-case one by default), for the
# first benchmark account, with the portal's session settings: bench/pg_plans.sh [DB].
# The plans of what the portal itself runs: bench/bench.py --plans DIR.
DB=${1:-portalis_bench_1000000}
q() { psql -h 127.0.0.1 -U postgres -d "$DB" -At -c "$1"; }
ids=$(q "SELECT string_agg(p.case_id::text, ',') FROM attachments a JOIN parties p ON p.id = a.party_id WHERE a.user_id = 1")
first=${ids%%,*}
plans=(
"SELECT s.id, u.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = 'x'"
"SELECT a.party_id, p.case_id FROM attachments a JOIN parties p ON p.id = a.party_id WHERE a.user_id = 1 AND p.withdrawn_at IS NULL ORDER BY a.attached_at DESC, a.id DESC"
"SELECT c.*, k.code FROM cases c JOIN courts k ON k.id = c.court_id WHERE c.id IN ($ids)"
"SELECT * FROM parties WHERE case_id IN ($ids) AND withdrawn_at IS NULL ORDER BY case_id, id"
"SELECT * FROM events WHERE case_id IN ($ids) AND withdrawn_at IS NULL ORDER BY case_id, starts_at_utc, id"
"SELECT * FROM events WHERE case_id = $first AND withdrawn_at IS NULL ORDER BY starts_at_utc, id"
"SELECT d.*, e.event_ref FROM documents d LEFT JOIN events e ON e.id = d.event_id WHERE d.case_id = $first AND d.withdrawn_at IS NULL ORDER BY d.issued_on DESC, d.id DESC"
"SELECT id FROM document_receipts WHERE document_id = 1 AND party_id = 1"
)
for p in "${plans[@]}"; do
  echo '```'
  echo "$p" | sed "s/IN ($ids)/IN (…5 ids…)/"
  q "SET jit = off; SET max_parallel_workers_per_gather = 0; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $p" | grep -v "^Planning Time" 
  echo '```'
done
