#!/usr/bin/env bash
# PostgreSQL's CPU for the reads of Mes dossiers' batch (5 cases: the cases,
# their courts, parties and hearings to come), sent in five forms, with
# pgbench on a world of bench-data (the 1,000,000-case one by default):
#   json      one statement, each query's rows by json_agg (the batches' first form)
#   text      one statement, each query's rows' text joined (batch.rs now)
#   array     one statement, array_agg(t)::text
#   pipeline  the four queries pipelined, their rows as text, a column each
#   apart     the four queries one after the other (four round trips)
# Usage: bench/pg_batch_forms.sh [DB] [SECONDS]. Prints, for each form, the
# transactions a second of 2 clients and the server's CPU µs a transaction
# (every postgres process's user and system time, with those reaped).
set -euo pipefail
DB=${1:-portalis_bench_1000000}
T=${2:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
l=":c1, :c2, :c3, :c4, :c5, :c5, :c5, :c5"
queries=(
"SELECT id, court_id, case_ref, portalis_number, rg_number, nature_code, nature_label, status, filed_on, chamber, created_at, updated_at FROM cases WHERE id IN ($l)"
"SELECT id, code, name, kind, address, postcode, city, department, phone, email, sauj_hours, time_zone FROM courts WHERE id IN (SELECT court_id FROM cases WHERE id IN ($l))"
"SELECT id, case_id, party_ref, kind, given_names, family_name, organisation_name, role, email, mobile, lawyer, identification_number, number_issued_at, withdrawn_at FROM parties WHERE case_id IN ($l) AND withdrawn_at IS NULL ORDER BY case_id, id"
"SELECT id, case_id, event_ref, kind, starts_on, starts_time, starts_at_utc, label, room, status, approved_on, withdrawn_at FROM events WHERE case_id IN ($l) AND starts_at_utc >= '2026-12-04T00:00:00Z' AND status = 'prevu' AND withdrawn_at IS NULL ORDER BY case_id, starts_at_utc, id"
)
head='\set c1 random(1, 999000)
\set c2 :c1 + 1
\set c3 :c1 + 2
\set c4 :c1 + 3
\set c5 :c1 + 4'
one_statement() { # $1: the aggregate of a subquery's rows t
  local sql="SELECT" sep=" " i=0
  for q in "${queries[@]}"; do sql+="$sep(SELECT $1 FROM ($q) t) AS part$i"; sep=", "; i=$((i + 1)); done
  printf '%s\n%s;\n' "$head" "$sql"
}
one_statement "coalesce(json_agg(t), '[]')::text" > "$dir/json.sql"
one_statement "string_agg(t::text, ',')" > "$dir/text.sql"
one_statement "array_agg(t)::text" > "$dir/array.sql"
{ echo "$head"; echo '\startpipeline'; printf '%s;\n' "${queries[@]}"; echo '\endpipeline'; } > "$dir/pipeline.sql"
{ echo "$head"; printf '%s;\n' "${queries[@]}"; } > "$dir/apart.sql"
server_cpu() { # clock ticks of every postgres process, with the children it reaped
  python3 - <<'PY'
import glob
total = 0
for p in glob.glob('/proc/[0-9]*'):
    try:
        s = open(p + '/stat').read()
    except OSError:
        continue
    if '(postgres)' in s:
        f = s.rsplit(')', 1)[1].split()
        total += sum(int(x) for x in f[11:15])
print(total)
PY
}
hz=$(getconf CLK_TCK)
for form in json text array pipeline apart; do
  before=$(server_cpu)
  out=$(PGOPTIONS="-c plan_cache_mode=force_generic_plan" pgbench -n -h 127.0.0.1 -U postgres -M prepared \
    -c 2 -j 1 -T "$T" -f "$dir/$form.sql" "$DB" 2>&1)
  after=$(server_cpu)
  n=$(awk '/number of transactions actually processed/ {split($NF, a, "/"); print a[1]}' <<<"$out")
  tps=$(awk '/^tps/ {printf "%d", $3; exit}' <<<"$out")
  echo "$form: $tps tx/s, $(( (after - before) * 1000000 / hz / n )) µs of the server's CPU a transaction"
done
