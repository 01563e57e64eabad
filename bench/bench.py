#!/usr/bin/env python3
"""The load benchmark (see bench/README.md).

For each database backend and each world size: generate the world once
(`portalis bench-data`, kept in bench/work/ for the next run), start the
FranceConnect simulator and the portal (`portalis serve`, pinned to its own
core), sign real users in through the simulator, then drive each scenario
with wrk (pinned to the other core) after a warm-up, and record requests per
second, latencies, errors and the portal's peak RSS. Writes a dated report
to bench/results/ and prints a summary with the targets checked.

Only the Python standard library is used.
"""

import argparse
import contextlib
import datetime
import glob
import html
import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789"
CLIENT_ID = "portalis-bench"
CLIENT_SECRET = "bench-client-secret-0123456789abcdef"
# The console's registration at the ProConnect simulator, and its agent.
PC_CLIENT_ID = "portalis-bench-console"
PC_CLIENT_SECRET = "bench-console-secret-0123456789abcdef"
AGENT_EMAIL = "nathalie.payet@justice.example.org"
AGENT_PASSWORD = "justice974"
# The bench world's names (crates/portalis/src/bench_data/world.rs).
BENCH_GIVEN = ["Camille", "Dominique", "Claude", "Léa", "Hugo", "Inès", "Jérôme", "Zoé", "Noël", "Gaëlle", "Élodie",
               "François"]
BENCH_FAMILY = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
                "LEFÈVRE", "FONTAINE"]

# The targets of issue 9, checked in the summary.
PAGE_P99_MS = 20.0
GROWTH_P50 = 1.3
# Issue 20: pages seen again (page cache on) at least 25 % of /healthz;
# first views (page cache off) at least 10 % with p99 under 30 ms; the
# first view's p50 at 10,000,000 cases within 1.2 x its value at 1,000,000.
CACHED_SHARE_OF_HEALTHZ = 0.25
FIRST_VIEW_SHARE_OF_HEALTHZ = 0.10
FIRST_VIEW_P99_MS = 30.0
GROWTH_P50_10M = 1.2
PEAK_RSS_MB = 150.0
API_EVENTS_PER_S = 2000.0
# Events in each request of the api_batch scenario (bench/wrk/api_batch.lua).
API_BATCH = 100
# Issue 18: sending a filing with three 2 MB attachments, p95.
FILING_SEND_P95_MS = 300.0
FILING_FILES = 3
FILING_FILE_BYTES = 2 * 1024 * 1024
# Issue 19: the console's search, p99.
CONSOLE_SEARCH_P99_MS = 50.0

# (The NDJSON import of events is measured after these, see import_events.)
# /healthz is measured in every phase, whatever --only says: every page is
# compared with the ceiling of the same run.
SCENARIOS = [
    # name, label, wrk script, what the requests file holds
    ("healthz", "/healthz", "pages"),
    ("home", "Accueil", "pages"),
    ("my_cases", "Mes dossiers (5 dossiers)", "pages"),
    ("case_page", "Page d'un dossier (30 évènements, 6 documents)", "pages"),
    ("download", "Téléchargement (150 Ko)", "pages"),
    ("filing_step", "Étape d'une démarche en ligne", "pages"),
    ("my_filings", "Mes démarches", "pages"),
    ("console_search", "Console : recherche d'une partie", "pages"),
    ("console_party", "Console : fiche d'une partie (consultation journalisée)", "pages"),
    ("api_events", "API : écriture d'évènements", "api_events"),
    ("api_batch", f"API : lots de {API_BATCH} évènements (req/s = lots/s)", "api_batch"),
]


# The scheduler sweeps the hearings for reminders every five minutes
# (REMINDERS_EVERY in crates/portalis-notify/src/scheduler.rs), at its first
# pass once due; the benchmark waits at most SWEEP_WAIT_S after that for a
# sweep due during a phase to end before the phase is measured.
SWEEP_EVERY_S = 300
SWEEP_WAIT_S = 180
# The first sweep of a world reads every hearing of the days ahead.
FIRST_SWEEP_WAIT_S = 3600

# The two phases of a world: the portal's page cache at its default size
# (the benchmark's 64 accounts see their pages again and again: after each
# page's first request, it comes from memory), then the cache off (each page
# read afresh, as a first view is; the console's pages are not cached but
# read the agent's session, which is). The portal is restarted between them.
PHASES = {
    "cached": {"label": "seen again (page cache on)", "page_cache_mb": None,
               "scenarios": [n for n, _, _ in SCENARIOS] + ["import_events", "filing_send"]},
    "first_view": {"label": "first view (page cache off)", "page_cache_mb": 0,
                   "scenarios": ["healthz", "my_cases", "case_page", "download", "filing_step", "my_filings",
                                 "console_search", "console_party"]},
}
# The pages with a share of /healthz to reach, in each phase.
TARGET_PAGES = ("my_cases", "case_page", "filing_step", "my_filings", "console_party")


SIMULATOR_POPULATION_MAX = 1_000_000


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


class Portal:
    """The simulator and the portal of one world, as child processes."""

    def __init__(self, args, backend, cases, workdir, db_url):
        self.args, self.backend, self.cases, self.workdir, self.db_url = args, backend, cases, workdir, db_url
        self.portal_addr = f"127.0.0.1:{args.port}"
        self.sim_addr = f"127.0.0.1:{args.port + 1}"
        self.pc_sim_addr = f"127.0.0.1:{args.port + 2}"
        self.base = f"http://{self.portal_addr}"
        self.procs = []
        self.page_cache_mb = args.page_cache_mb
        self.phase = "cached"
        # How many of the scheduler's sweeps for reminders the portal's log
        # held before the measurements began.
        self.sweeps_before = 0

    def env(self, population=0):
        e = dict(os.environ)
        e.update({
            "PORTALIS_DATA_DIR": self.workdir,
            "PORTALIS_DATABASE_URL": self.db_url,
            "PORTALIS_SECRET_KEY": SECRET_KEY,
            "PORTALIS_PUBLIC_URL": self.base,
            "PORTALIS_LISTEN": self.portal_addr,
            "PORTALIS_FC_SIM_LISTEN": self.sim_addr,
            "PORTALIS_FC_ISSUER": f"http://{self.sim_addr}/api/v2",
            "PORTALIS_FC_CLIENT_ID": CLIENT_ID,
            "PORTALIS_FC_CLIENT_SECRET": CLIENT_SECRET,
            "PORTALIS_FC_SIM_POPULATION": str(population),
            "PORTALIS_PC_SIM_LISTEN": self.pc_sim_addr,
            "PORTALIS_PROCONNECT_ISSUER": f"http://{self.pc_sim_addr}/api/v2",
            "PORTALIS_PROCONNECT_CLIENT_ID": PC_CLIENT_ID,
            "PORTALIS_PROCONNECT_CLIENT_SECRET": PC_CLIENT_SECRET,
            "PORTALIS_DELIVERY": "outbox",
            "PORTALIS_OPERATOR_NAME": "Banc d'essai Portalis",
            "PORTALIS_CONTACT_EMAIL": "contact@essai.example.org",
            "PORTALIS_LOG": os.environ.get("PORTALIS_LOG", "info"),
            # Text: the report reads the scheduler's sweeps from the log.
            "PORTALIS_LOG_FORMAT": "text",
        })
        if self.page_cache_mb is not None:
            e["PORTALIS_PAGE_CACHE_MB"] = str(self.page_cache_mb)
        return e

    def run(self, *argv, population=0):
        out = subprocess.run([self.args.binary, *argv], env=self.env(population), check=True,
                             capture_output=True, text=True)
        return out.stdout

    def start(self, manifest, lasting_s=0):
        self.started_at = datetime.datetime.now(datetime.timezone.utc)
        # A world never swept yet: its first sweep reads every hearing of
        # the days ahead (at 10,000,000 cases, longer than a phase).
        self.first_sweep = self.last_sweep_started() is None
        logs = open(os.path.join(self.workdir, "portal.log"), "w")
        # The simulator holds at most 1,000,000 people; only the first ones
        # (the benchmark's accounts) sign in.
        population = min(manifest["population"], SIMULATOR_POPULATION_MAX)
        self.sim = subprocess.Popen(taskset(self.args.load_cpus) + [self.args.binary, "fc-sim"],
                                    env=self.env(population), stdout=logs, stderr=logs, cwd=ROOT)
        self.pc_sim = subprocess.Popen(taskset(self.args.load_cpus) + [self.args.binary, "pc-sim"],
                                       env=self.env(), stdout=logs, stderr=logs, cwd=ROOT)
        self.procs = [self.sim, self.pc_sim]
        self.portal = subprocess.Popen(taskset(self.args.portal_cpus) + [self.args.binary, "serve"],
                                       env=self.env(), stdout=logs, stderr=logs, cwd=ROOT)
        self.procs.append(self.portal)
        wait_http(f"{self.base}/readyz", self.portal)
        wait_http(f"http://{self.sim_addr}/api/v2/.well-known/openid-configuration", self.sim)
        wait_http(f"http://{self.pc_sim_addr}/api/v2/.well-known/openid-configuration", self.pc_sim)
        self.wait_for_sweep(lasting_s)

    def last_sweep_started(self):
        """When the scheduler's last sweep of the hearings for reminders
        started (any process's), from the world's `job_runs`; None when it
        cannot be read or none ever ran."""
        sql = "SELECT last_started_at FROM job_runs WHERE job = 'hearing_reminders'"
        try:
            if self.backend == "sqlite":
                with contextlib.closing(sqlite3.connect(f"file:{self.workdir}/portalis.db?mode=ro", uri=True)) as db:
                    row = db.execute(sql).fetchone()
                last = row[0] if row else ""
            else:
                last = subprocess.run(["psql", self.db_url, "-Atc", sql], capture_output=True, text=True,
                                      check=True).stdout.strip()
        except (sqlite3.Error, subprocess.CalledProcessError, OSError):
            return None
        if not last:
            return None
        return datetime.datetime.strptime(last, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)

    def wait_for_sweep(self, lasting_s):
        """Lets the scheduler's sweep of the hearings for reminders end before
        anything is measured, when one is due within the `lasting_s` seconds
        the measurements will last. On a world generated today the first
        sweep queued 18,591 reminders and ran for 128 s across a whole
        phase's measurements (healthz at 36 % of its usual figure); the
        next comes five minutes after the last, whatever process ran it, and
        reads only what changed since. A phase longer than that still meets
        one, which the report tells. The first sweep of a world is waited
        for up to an hour."""
        log_path = os.path.join(self.workdir, "portal.log")
        self.sweeps_before = len(reminder_sweeps(log_path, self.phase))
        last = self.last_sweep_started()
        now = datetime.datetime.now(datetime.timezone.utc)
        if last is not None and last >= self.started_at:
            # The portal's first pass claimed the sweep (job_runs) before
            # running it: it runs now, unless its line is in the log.
            if self.sweeps_before:
                return
            due_in = 0.0
        else:
            due_in = 0.0 if last is None else \
                max(0.0, (last + datetime.timedelta(seconds=SWEEP_EVERY_S) - now).total_seconds())
            if due_in > lasting_s:
                return
        # The scheduler passes every 20 s: the sweep starts at the first
        # pass after it is due.
        deadline = time.time() + (FIRST_SWEEP_WAIT_S if self.first_sweep else (due_in or 0) + SWEEP_WAIT_S)
        if self.first_sweep:
            log("the world's first sweep for reminders reads every hearing of the days ahead: waiting for it to end")
        elif due_in:
            log(f"the scheduler's sweep for reminders is due in {due_in:.0f} s: waiting for it to end")
        while time.time() < deadline and self.portal.poll() is None:
            found = reminder_sweeps(log_path, self.phase)
            if found:
                self.sweeps_before = len(found)
                log(f"the scheduler's sweep for reminders ended before the measurements ({found[-1]['hearings']:,} "
                    f"hearings read, {found[-1]['queued']:,} queued in {found[-1]['took_ms']:,} ms)")
                self.first_sweep = False
                return
            time.sleep(0.5)
        log(f"the scheduler's sweep for reminders did not end within "
            f"{FIRST_SWEEP_WAIT_S if self.first_sweep else SWEEP_WAIT_S} s of being due")

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs = []

    def reset_peak_rss(self):
        # Writing 5 to clear_refs resets VmHWM (Linux >= 4.0).
        try:
            with open(f"/proc/{self.portal.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass

    def cpu_seconds(self):
        # utime + stime of the portal, in clock ticks (fields 14 and 15).
        with open(f"/proc/{self.portal.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        with open(f"/proc/{self.portal.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return None


def taskset(cpus):
    return ["taskset", "-c", cpus] if cpus and shutil.which("taskset") else []


def postgres_cpu():
    """The CPU time (s) of this machine's PostgreSQL processes alive now
    (the server's and its backends'), by pid, and under "reaped" that of
    those that have ended (each process's `cutime` and `cstime`: the server
    counts its backends' once it has waited for them); None where none runs
    here."""
    if not shutil.which("pgrep"):
        return None
    times = {"reaped": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split():
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
        times["reaped"] += (int(fields[13]) + int(fields[14])) / tick
    return times if len(times) > 1 else None


def postgres_cpu_since(before):
    """The CPU time PostgreSQL's processes spent since `before` (from
    `postgres_cpu`): those alive now since then (or since they started),
    and those that ended since, through the server's count of its reaped
    backends less what they had spent before. Before this count, the
    backends that a page connection's end (LIFETIME in pg_pages.rs) or
    sqlx's pool closed during a measurement were lost, and the same page
    read 19 to 728 µs."""
    after = postgres_cpu() or {}
    alive = sum(t - before.get(pid, 0) for pid, t in after.items() if pid != "reaped")
    ended = sum(before.get(pid, 0) for pid in before if pid != "reaped" and pid not in after)
    return alive + after.get("reaped", 0) - before.get("reaped", 0) - ended


@contextlib.contextmanager
def postgres_on(cpus):
    """PostgreSQL's processes on `cpus` (the load's) while a PostgreSQL
    world is measured, back on every CPU after. Left free, the server's
    backends ran on the portal's core (the kernel wakes a task where its
    waker runs): half of that core went to them, against the portal it is
    meant to measure, while the load's core stood partly idle. A backend
    forked later inherits the server's affinity. A server on another
    machine is not found here, and left alone."""
    def pin(to):
        pids = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split()
        done = [subprocess.run(["taskset", "-a", "-p", "-c", to, pid], capture_output=True).returncode == 0
                for pid in pids]
        return all(done) and len(done) > 0
    if not cpus or not shutil.which("taskset") or not shutil.which("pgrep"):
        yield
        return
    if pin(cpus):
        log(f"PostgreSQL's processes on CPU {cpus} while measured")
    else:
        log("PostgreSQL's processes could not all be pinned (not on this machine, or not ours): left free")
    try:
        yield
    finally:
        pin(f"0-{os.cpu_count() - 1}")


def wait_http(url, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the process serving {url} exited with {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def form_value(page, name):
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % re.escape(name), page)
    return html.unescape(m.group(1)) if m else None


def sign_in(portal, nir):
    """The whole FranceConnect journey, as a browser makes it; returns the
    session cookie header and the "Mes dossiers" page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{portal.base}/connexion").read().decode()
    csrf = form_value(page, "csrf")
    data = urllib.parse.urlencode({"csrf": csrf, "retour": "/mon-espace"}).encode()
    choose = opener.open(f"{portal.base}/connexion/franceconnect", data)
    interaction = choose.geturl()
    opener.open(f"{interaction}/fournisseur", urllib.parse.urlencode({"fournisseur": "ameli"}).encode()).read()
    opener.open(f"{interaction}/connexion", urllib.parse.urlencode({"nir": nir, "code": "123456"}).encode()).read()
    landed = opener.open(f"{interaction}/confirmation", b"")
    space = landed.read().decode()
    if not landed.geturl().endswith("/mon-espace"):
        raise SystemExit(f"the sign-in of {nir} landed on {landed.geturl()}")
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar if c.domain.startswith("127.0.0.1") and not c.path.startswith("/api/v2"))
    return cookies, space, opener


def sign_in_agent(portal):
    """The console's ProConnect journey at the simulator: the agent's
    address, then his directory's password; returns the staff session's
    cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{portal.base}/juridiction/connexion").read().decode()
    data = urllib.parse.urlencode({"csrf": form_value(page, "csrf"), "retour": "/juridiction"}).encode()
    interaction = opener.open(f"{portal.base}/juridiction/connexion/proconnect", data).geturl()
    opener.open(f"{interaction}/email", urllib.parse.urlencode({"email": AGENT_EMAIL}).encode()).read()
    fields = urllib.parse.urlencode({"email": AGENT_EMAIL, "password": AGENT_PASSWORD}).encode()
    landed = opener.open(f"{interaction}/mot-de-passe", fields)
    landed.read()
    if not landed.geturl().endswith("/juridiction"):
        raise SystemExit(f"the agent's sign-in landed on {landed.geturl()}")
    return "; ".join(f"{c.name}={c.value}" for c in jar if c.domain.startswith("127.0.0.1") and not c.path.startswith("/api/v2")), opener


def console_requests(portal):
    """The console's searches — names in either order, a prefix, a second
    page — and the party pages they lead to."""
    cookie, opener = sign_in_agent(portal)
    # As a browser clicks the console's links: a search from elsewhere is
    # not run (it would be journaled in the agent's name).
    opener.addheaders.append(("Sec-Fetch-Site", "same-origin"))
    searches, parties = [], []
    for i, family in enumerate(BENCH_FAMILY):
        for j, given in enumerate(BENCH_GIVEN):
            for q in (f"{family} {given}", f"{given} {family}", family[: 3 + (i + j) % 4]):
                searches.append(f"/juridiction/recherche?{urllib.parse.urlencode({'q': q})}\t{cookie}")
            if (i + j) % 5 == 0:
                q = urllib.parse.urlencode({"q": f"{family} {given}", "page": 2})
                searches.append(f"/juridiction/recherche?{q}\t{cookie}")
        page = opener.open(f"{portal.base}/juridiction/recherche?{urllib.parse.urlencode({'q': family})}").read().decode()
        for link in re.findall(r'href="(/juridiction/parties/\d+)"', page)[:8]:
            parties.append(f"{link}\t{cookie}")
    if not parties:
        raise SystemExit("the console's search found no party")
    return searches, parties


def prepare_requests(portal, manifest, workdir, users):
    """Signs `users` benchmark accounts in; writes the requests files of
    the scenarios from the links their pages hold."""
    lines = {name: [] for name, _, _ in SCENARIOS}
    for nir in manifest["bench_nirs"][:users]:
        cookie, space, opener = sign_in(portal, nir)
        # A draft of a filing, whose first step is read, and the list.
        step = draft_step(portal, opener, "protection_majeur")
        lines["filing_step"].append(f"{step}\t{cookie}")
        lines["my_filings"].append(f"/mes-demarches\t{cookie}")
        cases = sorted(set(re.findall(r'href="(/dossiers/[A-Za-z0-9_-]+)"', space)))
        if len(cases) != 5:
            raise SystemExit(f"a benchmark account should see 5 cases, {nir} sees {len(cases)}")
        lines["my_cases"].append(f"/mon-espace\t{cookie}")
        for case in cases:
            page = opener.open(f"{portal.base}{case}").read().decode()
            lines["case_page"].append(f"{case}\t{cookie}")
            for link in sorted(set(re.findall(r'href="(%s/documents/[A-Za-z0-9_-]+)"' % re.escape(case), page))):
                r = opener.open(f"{portal.base}{link}")
                body = r.read()
                if 140_000 <= len(body) <= 160_000:
                    lines["download"].append(f"{link}\t{cookie}")
    lines["console_search"], lines["console_party"] = console_requests(portal)
    lines["healthz"] = ["/healthz\t"]
    lines["home"] = ["/\t"]
    lines["api_events"] = manifest["api_case_refs"]
    lines["api_batch"] = manifest["api_case_refs"]
    paths = {}
    for name, values in lines.items():
        if not values:
            raise SystemExit(f"no request for the scenario {name}")
        paths[name] = os.path.join(workdir, f"requests-{name}.txt")
        with open(paths[name], "w") as f:
            f.write("\n".join(values) + "\n")
    return paths


def no_redirect_opener(opener):
    """The same cookies, redirects not followed (a 303 is the answer)."""
    handlers = [h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)]
    return urllib.request.build_opener(*handlers, NoRedirect)


def post_form(opener, url, fields, body=None, content_type=None):
    """A form submitted without following its redirect: (status, Location)."""
    data = body if body is not None else urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        r = no_redirect_opener(opener).open(request)
        return r.status, r.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


def draft_step(portal, opener, procedure):
    """A step of a draft of the account: one it started before (at an
    earlier run on this world: an account may keep only so many drafts), or
    a new one."""
    mine = opener.open(f"{portal.base}/mes-demarches").read().decode()
    started = re.findall(r'href="(/mes-demarches/[A-Za-z0-9_-]+/etape/[a-z_]+)"', mine)
    return started[0] if started else start_draft(portal, opener, procedure)


def start_draft(portal, opener, procedure):
    """« Commencer »: the path of the draft's first step."""
    csrf = form_value(opener.open(f"{portal.base}/demarches").read().decode(), "csrf")
    status, location = post_form(opener, f"{portal.base}/demarches/{procedure}", {"csrf": csrf})
    if status != 303:
        raise SystemExit(f"« Commencer » answered {status}")
    return location


def bench_pdf(n):
    """A PDF of FILING_FILE_BYTES, different for each `n` (a scan's weight)."""
    head = f"%PDF-1.4\n% pièce {n}\n".encode()
    tail = b"\n%%EOF\n"
    return head + b"%" * (FILING_FILE_BYTES - len(head) - len(tail)) + tail


def multipart(fields, file_field, file_name, file_bytes):
    boundary = "portalis-bench-boundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode() for k, v in fields]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\n"
                 "Content-Type: application/pdf\r\n\r\n".encode() + file_bytes + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def filing_to_send(portal, opener, court):
    """A request in a protection measure filled in, with its files: the
    path of « Envoyer », its token, and how long each file's upload took
    (ms)."""
    first = start_draft(portal, opener, "protection_majeur")
    draft = first.rsplit("/etape/", 1)[0]
    steps = [
        ("vous", {"role": "tuteur", "adresse": "8 chemin des Filaos", "code_postal": "97400", "commune": "Saint-Denis",
                  "courriel": "usager@essai.example.org"}),
        ("personne_protegee", {"nom": "ESSAI", "prenoms": "Paulette", "naissance": "02/03/1938", "mesure": "tutelle",
                               "reference": "21/00042", "juridiction": court}),
        ("acte", {"acte": "vente", "montant": "180000", "motifs": "La maison est inoccupée."}),
    ]
    for slug, fields in steps:
        path = f"{draft}/etape/{slug}"
        csrf = form_value(opener.open(f"{portal.base}{path}").read().decode(), "csrf")
        status, _ = post_form(opener, f"{portal.base}{path}", {"csrf": csrf, "action": "continuer", **fields})
        if status != 303:
            raise SystemExit(f"the step {slug} answered {status}")
    csrf = form_value(opener.open(f"{portal.base}{draft}/pieces").read().decode(), "csrf")
    uploads = []
    for n in range(FILING_FILES):
        body, ct = multipart([("csrf", csrf), ("piece", "estimation")], "fichier", f"estimation-{n}.pdf",
                             bench_pdf(n + int(time.time() * 1000)))
        started = time.perf_counter()
        status, _ = post_form(opener, f"{portal.base}{draft}/pieces", None, body, ct)
        uploads.append((time.perf_counter() - started) * 1000)
        if status != 303:
            raise SystemExit(f"an attachment answered {status}")
    return f"{draft}/envoi", csrf, uploads


def send_filings(args, portal, manifest):
    """Sending a filing with three 2 MB files, one filing after the other:
    each file's upload and « Envoyer » timed from the request to its answer
    (the redirect). The figure is the whole — three uploads and the send —
    the send alone and an upload alone reported beside it."""
    _, _, opener = sign_in(portal, manifest["bench_nirs"][0])
    totals, sends, uploads = [], [], []
    for _ in range(args.filings):
        send, csrf, took = filing_to_send(portal, opener, manifest["api_court"])
        started = time.perf_counter()
        status, _ = post_form(opener, f"{portal.base}{send}", {"csrf": csrf, "certifie": "1"})
        sends.append((time.perf_counter() - started) * 1000)
        if status != 303:
            raise SystemExit(f"« Envoyer » answered {status}")
        uploads += took
        totals.append(sum(took) + sends[-1])

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]
    result = {"label": f"Envoi d'une démarche avec {FILING_FILES} pièces de 2 Mo (ajouts et envoi)",
              "rps": len(totals) / (sum(totals) / 1000), "p50_ms": pct(totals, 0.5), "p95_ms": pct(totals, 0.95),
              "p99_ms": pct(totals, 0.99), "p999_ms": None, "max_ms": max(totals), "requests": len(totals), "errors": 0,
              "error_detail": {}, "peak_rss_mb": None,
              "send_p50_ms": pct(sends, 0.5), "send_p95_ms": pct(sends, 0.95),
              "upload_p50_ms": pct(uploads, 0.5), "upload_p95_ms": pct(uploads, 0.95)}
    log(f"filing_send: whole p95 {result['p95_ms']:.1f} ms; send alone p95 {result['send_p95_ms']:.1f} ms; "
        f"a 2 MB upload p95 {result['upload_p95_ms']:.1f} ms; over {len(totals)} filings")
    return result


def wrk(args, portal, script, requests_file, seconds, env, connections=None):
    cmd = taskset(args.load_cpus) + [
        "wrk", "-t1", f"-c{connections or args.connections}", f"-d{seconds}s", "--timeout", "5s",
        "-s", os.path.join(BENCH, "wrk", f"{script}.lua"), portal.base, "--", requests_file,
    ]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"wrk printed no figures:\n{out}")


def selected(args, phase):
    """The scenarios a phase runs: /healthz always, the rest as --only says."""
    only = [n for n in args.only.split(",") if n]
    return [n for n in PHASES[phase]["scenarios"] if n == "healthz" or not only or n in only]


def measure(args, portal, paths, api_key, names):
    env = dict(os.environ, BENCH_API_KEY=api_key)
    results = {}
    for name, label, script in SCENARIOS:
        if name not in names:
            continue
        if args.warmup > 0:
            wrk(args, portal, script, paths[name], args.warmup, env)
        portal.reset_peak_rss()
        perf = None
        if args.perf:
            # A CPU profile of the portal during the measurement (software
            # clock: this machine's virtual CPUs have no hardware counters).
            os.makedirs(args.perf, exist_ok=True)
            out = os.path.join(args.perf, f"{portal.backend}-{portal.cases}-{portal.phase}-{name}.data")
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf,16384", "-p", str(portal.portal.pid),
                                     "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu_before = portal.cpu_seconds()
        db_before = postgres_cpu() if portal.backend == "postgres" else None
        r = wrk(args, portal, script, paths[name], args.duration, env)
        cpu = portal.cpu_seconds() - cpu_before
        db = postgres_cpu_since(db_before) if db_before is not None else None
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        # The same requests one at a time: what a request waits for when
        # no other is queued before it (under 64 connections in a closed
        # loop, p50 is mostly the queue: about 64 / throughput).
        peak_rss = portal.peak_rss_mb()
        alone = wrk(args, portal, script, paths[name], args.alone, env, connections=1) if args.alone > 0 else None
        error_detail = dict(r["errors"])
        for kind, n in (alone["errors"] if alone else {}).items():
            error_detail[kind] = error_detail.get(kind, 0) + n
        seconds = r["duration_us"] / 1e6
        errors = sum(error_detail.values())
        results[name] = {
            "label": label,
            "rps": r["requests"] / seconds,
            "p50_ms": r["p50_us"] / 1000,
            "p99_ms": r["p99_us"] / 1000,
            "p999_ms": r["p999_us"] / 1000,
            "max_ms": r["max_us"] / 1000,
            "requests": r["requests"],
            "errors": errors,
            "error_detail": error_detail,
            "peak_rss_mb": peak_rss,
            # How busy the portal's core was: near 100 %, the portal is the
            # bottleneck; well below, the database or the load generator is.
            "portal_cpu": cpu / seconds,
            # The portal's CPU time per request, whatever shares the other
            # core: what a request costs the portal itself.
            "cpu_us": cpu / max(r["requests"], 1) * 1e6,
            # The database's CPU time per request (PostgreSQL on this
            # machine): what a request costs the server.
            "db_cpu_us": None if db is None else db / max(r["requests"], 1) * 1e6,
            "alone_p50_ms": alone["p50_us"] / 1000 if alone else None,
            "alone_p99_ms": alone["p99_us"] / 1000 if alone else None,
            "alone_requests": alone["requests"] if alone else None,
        }
        x = results[name]
        log(f"{portal.phase} {name}: {x['rps']:.0f} req/s, p50 {x['p50_ms']:.2f} ms, p99 {x['p99_ms']:.2f} ms, "
            f"errors {errors}, portal CPU {x['portal_cpu']:.0%} ({x['cpu_us']:.0f} µs a request)"
            + ("" if x["db_cpu_us"] is None else f", database {x['db_cpu_us']:.0f} µs a request")
            + ("" if alone is None else f"; alone p50 {x['alone_p50_ms']:.2f} ms, p99 {x['alone_p99_ms']:.2f} ms"))
    if "import_events" in names:
        results["import_events"] = import_events(args, portal, paths["api_events"])
    if "filing_send" in names:
        results["filing_send"] = send_filings(args, portal, json.load(open(os.path.join(portal.workdir, "manifest.json"))))
    return results


def import_events(args, portal, case_refs_file):
    """The bulk path of the court API: `portalis import` of an NDJSON file of
    new events, while the portal runs; events written per second."""
    with open(case_refs_file) as f:
        cases = [line.strip() for line in f if line.strip()]
    count = args.import_events
    run = int(time.time())
    path = os.path.join(portal.workdir, "import-events.ndjson")
    with open(path, "w") as f:
        for n in range(count):
            f.write(json.dumps({"type": "event", "case_ref": cases[n % len(cases)], "event_ref": f"import-{run}-{n}",
                                "kind": "audience", "starts_at": "2027-03-04T14:00", "label": "Audience de renvoi",
                                "room": "Salle 2", "status": "prevu"}) + "\n")
    manifest = json.load(open(os.path.join(portal.workdir, "manifest.json")))
    started = time.time()
    done = subprocess.run(taskset(args.load_cpus) + [args.binary, "import", "--court", manifest["api_court"], path],
                          env=portal.env(), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stderr}")
    seconds = time.time() - started
    result = {"label": f"Import NDJSON ({count} évènements)", "rps": count / seconds, "p50_ms": None, "p99_ms": None,
              "p999_ms": None, "max_ms": None, "requests": count, "errors": 0, "error_detail": {}, "peak_rss_mb": None}
    log(f"import_events: {result['rps']:.0f} events/s ({count} in {seconds:.1f} s)")
    return result


def world(args, backend, cases):
    """The data directory and database of a world, generated when missing."""
    workdir = os.path.join(args.workdir, f"{backend}-{cases}")
    manifest_path = os.path.join(workdir, "manifest.json")
    if backend == "sqlite":
        db_url = f"sqlite://{workdir}/portalis.db"
    else:
        db_name = f"portalis_bench_{cases}"
        # The server's URL with the world's database in it, its parameters
        # (sslmode=…) kept.
        db_url = re.sub(r"/[^/?]*(\?.*)?$", lambda m: f"/{db_name}{m.group(1) or ''}", args.pg_url)
    portal = Portal(args, backend, cases, workdir, db_url)
    if os.path.exists(manifest_path) and not args.regenerate:
        with open(manifest_path) as f:
            return portal, json.load(f)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    if backend == "postgres":
        admin = args.pg_url
        subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)",
                        "-c", f"CREATE DATABASE {db_name}"], check=True, capture_output=True)
    log(f"generating {cases} cases on {backend}")
    started = time.time()
    out = portal.run("bench-data", "--cases", str(cases), "--manifest", manifest_path)
    sys.stderr.write(out)
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest["generated_in_s"] = time.time() - started
    if backend == "postgres":
        # As a running database would be: the visibility map set (index-only
        # scans), and no autovacuum of the bulk load's tables during a
        # measurement.
        vacuum_started = time.time()
        subprocess.run(["psql", db_url, "-q", "-c", "VACUUM (ANALYZE)"], check=True, capture_output=True)
        manifest["vacuumed_in_s"] = time.time() - vacuum_started
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)
    return portal, manifest


def check_targets(runs):
    """The issues' targets, each with its figure and verdict; a target is
    checked only where its figures were measured."""
    checks = []
    for run in runs:
        where = f"{run['backend']}, {run['cases']:,} cases"
        for phase, r in run["phases"].items():
            ceiling = r["healthz"]["rps"]
            share_target = CACHED_SHARE_OF_HEALTHZ if phase == "cached" else FIRST_VIEW_SHARE_OF_HEALTHZ
            p99_target = PAGE_P99_MS if phase == "cached" else FIRST_VIEW_P99_MS
            seen = "seen again" if phase == "cached" else "first view"
            for page in TARGET_PAGES:
                # The console's pages are never cached: their target is
                # that of a first view.
                if page not in r or (phase == "cached" and page.startswith("console")):
                    continue
                share = r[page]["rps"] / ceiling
                checks.append((f"{r[page]['label']}, {seen}: ≥ {share_target:.0%} of /healthz ({where})", f"{share:.0%}",
                               share >= share_target))
                if page != "my_filings" and (phase == "first_view" or page in ("my_cases", "case_page")):
                    checks.append((f"{r[page]['label']}, {seen}: p99 < {p99_target:.0f} ms ({where})",
                                   f"{r[page]['p99_ms']:.1f} ms", r[page]["p99_ms"] < p99_target))
            if "console_search" in r:
                search = r["console_search"]
                checks.append((f"{search['label']}, {seen}: p99 < 50 ms ({where})", f"{search['p99_ms']:.1f} ms",
                               search["p99_ms"] < CONSOLE_SEARCH_P99_MS))
            errors = sum(x["errors"] for x in r.values())
            checks.append((f"no errors, {seen} ({where})", str(errors), errors == 0))
            if "filing_send" in r:
                send = r["filing_send"]
                checks.append((f"{send['label']} p95 < 300 ms ({where})", f"{send['p95_ms']:.0f} ms",
                               send["p95_ms"] < FILING_SEND_P95_MS))
            if "api_events" in r and "api_batch" in r:
                batched = r["api_batch"]["rps"] * API_BATCH
                imported = r.get("import_events", {"rps": 0})["rps"]
                best = max(r["api_events"]["rps"], batched, imported)
                checks.append((f"API ≥ 2,000 events/s: one a request, in batches of {API_BATCH}, or NDJSON import ({where})",
                               f"{r['api_events']['rps']:.0f}/s; batches {batched:.0f}/s; import {imported:.0f}/s",
                               best >= API_EVENTS_PER_S))
        if run["cases"] >= 1_000_000:
            peak = max(x["peak_rss_mb"] or 0 for r in run["phases"].values() for x in r.values())
            checks.append((f"peak RSS ≤ 150 MB ({where})", f"{peak:.0f} MB", peak <= PEAK_RSS_MB))
    by_backend = {}
    for run in runs:
        by_backend.setdefault(run["backend"], {})[run["cases"]] = run["phases"]
    for backend, sizes in by_backend.items():
        ordered = sorted(sizes)
        for small_n, large_n in zip(ordered, ordered[1:]):
            # Issue 9: 10,000 → 1,000,000, pages seen again; issue 20:
            # 1,000,000 → 10,000,000, first views.
            phase, limit = ("first_view", GROWTH_P50_10M) if large_n >= 10_000_000 else ("cached", GROWTH_P50)
            small, large = sizes[small_n].get(phase, {}), sizes[large_n].get(phase, {})
            for page in ("my_cases", "case_page"):
                if page in small and page in large:
                    ratio = large[page]["p50_ms"] / small[page]["p50_ms"]
                    checks.append((f"{small[page]['label']}, {PHASES[phase]['label']}: p50 at {large_n:,} ≤ {limit} × at "
                                   f"{small_n:,} ({backend})", f"{ratio:.2f}×", ratio <= limit))
    return checks


def postgres_transport(url):
    """How the portal reaches PostgreSQL: whether with TLS, after the URL's
    sslmode (sqlx's default is prefer, which encrypts whenever the server
    can: every connection was, on loopback, before the bench said so)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    mode = (query.get("sslmode") or ["prefer"])[-1]
    tls = "without TLS" if mode == "disable" else "with TLS if the server offers it" if mode in ("prefer", "allow") \
        else "with TLS"
    return f"sslmode={mode} ({tls})"


def report(args, runs, checks, started):
    lines = [f"# Benchmark of {started:%Y-%m-%d %H:%M} UTC", ""]
    if args.smoke:
        lines += ["Smoke run: it checks that every scenario works; its figures are not measurements "
                  "and the targets are not enforced.", ""]
    lines += [f"- Machine: {os.cpu_count()} cores; portal on CPU {args.portal_cpus}, wrk, the simulator and PostgreSQL (on this machine) on CPU {args.load_cpus}",
              f"- Load: wrk, {args.connections} connections, {args.warmup} s warm-up then {args.duration} s per scenario",
              f"- Binary: `{os.path.relpath(args.binary, ROOT)}`; commit `{git_commit()}`",
              "- Phases: " + "; ".join(f"{PHASES[p]['label']}" for p in phases_of(args)),
              f"- PostgreSQL: {postgres_transport(args.pg_url)}",
              "- % is the share of the /healthz throughput of the same phase; CPU is the portal's CPU time per "
              "request (µs), which does not depend on what shares the other core; DB is PostgreSQL's (its "
              "processes on this machine); alone is the latency of the same requests sent one at a time "
              f"({args.alone} s), with no queue before them", ""]
    ms = lambda v: "–" if v is None else f"{v:.2f}"
    for run in runs:
        m = run["manifest"]
        size = f"; database {m['database_mb']:,.0f} MB" if m.get("database_mb") else ""
        lines += [f"## {run['backend']}, {run['cases']:,} cases ({m['users']:,} accounts; world generated in "
                  f"{m.get('generated_in_s', m['seconds']):.0f} s{size})", ""]
        phases = list(run["phases"])
        postgres = run["backend"] == "postgres"
        head = "| Scenario |"
        rule = "|---|"
        for p in phases:
            short = "seen again" if p == "cached" else "first view"
            head += f" {short} req/s | % | p50 ms | p99 ms | CPU µs |" + (" DB µs |" if postgres else "") + " alone p50 / p99 ms |"
            rule += "---:|---:|---:|---:|---:|" + ("---:|" if postgres else "") + "---:|"
        lines += [head + " errors | peak RSS MB |", rule + "---:|---:|"]
        names = [n for n, _, _ in SCENARIOS] + ["import_events", "filing_send"]
        for name in names:
            if not any(name in run["phases"][p] for p in phases):
                continue
            label = next(run["phases"][p][name]["label"] for p in phases if name in run["phases"][p])
            row = f"| {label} |"
            errors, rss = 0, []
            for p in phases:
                x = run["phases"][p].get(name)
                if x is None:
                    row += " | | | | |" + (" |" if postgres else "") + " |"
                    continue
                ceiling = run["phases"][p]["healthz"]["rps"]
                share = f"{x['rps'] / ceiling:.0%}" if x.get("p50_ms") is not None and name not in ("api_batch",) else "–"
                cpu = "–" if x.get("cpu_us") is None else f"{x['cpu_us']:.0f}"
                row += f" {x['rps']:.0f} | {share} | {ms(x['p50_ms'])} | {ms(x['p99_ms'])} | {cpu} |"
                if postgres:
                    row += " – |" if x.get("db_cpu_us") is None else f" {x['db_cpu_us']:.0f} |"
                row += " – |" if x.get("alone_p50_ms") is None else f" {x['alone_p50_ms']:.2f} / {x['alone_p99_ms']:.2f} |"
                errors += x["errors"]
                if x["peak_rss_mb"] is not None:
                    rss.append(x["peak_rss_mb"])
            lines.append(row + f" {errors} | {max(rss):.0f} |" if rss else row + f" {errors} | – |")
        send = run["phases"].get("cached", {}).get("filing_send")
        if send:
            lines += ["", f"{send['label']}, une démarche après l'autre : {send['requests']} démarches, "
                          f"p50 {send['p50_ms']:.1f} ms, p95 {send['p95_ms']:.1f} ms, max {send['max_ms']:.1f} ms ; "
                          f"« Envoyer » seul p50 {send['send_p50_ms']:.1f} ms, p95 {send['send_p95_ms']:.1f} ms ; "
                          f"l'ajout d'une pièce de 2 Mo p50 {send['upload_p50_ms']:.1f} ms, p95 {send['upload_p95_ms']:.1f} ms."]
        for sweep in run.get("sweeps", []):
            lines += ["", f"The scheduler swept the hearings for reminders during the {sweep['phase']} phase: "
                          f"{int(sweep['hearings']):,} hearings read, {int(sweep['queued']):,} reminders queued, "
                          f"in {int(sweep['took_ms']):,} ms."]
        lines.append("")
    if checks:
        lines += ["## Targets", "", "| Target | Measured | Met |", "|---|---:|:---:|"]
        lines += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in checks]
        lines.append("")
    return "\n".join(lines)


def reminder_sweeps(log_path, phase):
    """The scheduler's sweeps of the hearings for reminders in a portal's
    log (at most one every five minutes for all processes): what each read
    and queued, and how long it took, beside the measurements."""
    sweeps = []
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                if "hearings swept for reminders" in line:
                    fields = dict(re.findall(r"\b(hearings|queued|took_ms)=(\d+)", line))
                    if len(fields) == 3:
                        sweeps.append({"phase": phase, **{k: int(v) for k, v in fields.items()}})
    except OSError:
        pass
    return sweeps


def phases_of(args):
    """Both phases, or the one --page-cache-mb asks for."""
    if args.page_cache_mb is None:
        return [p for p in args.phases.split(",") if p]
    return ["first_view" if args.page_cache_mb == 0 else "cached"]


# The pages whose PostgreSQL plans --plans records, as a first view runs them.
PLANNED = ("my_cases", "case_page", "filing_step", "my_filings", "console_search", "console_party")


def capture_plans(args, portal, manifest, paths):
    """PostgreSQL's plans of what each page's first view runs, as run:
    auto_explain (ANALYZE, BUFFERS) on the world's database for a portal
    started with the page cache off, one request of each page, the
    server log's lines written to DIR/<backend>-<cases>-<page>.log."""
    db = urllib.parse.urlsplit(portal.db_url).path.lstrip("/")
    logs = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"), key=os.path.getmtime)
    if not logs:
        log("--plans: no PostgreSQL server log found in /var/log/postgresql")
        return
    settings = {"session_preload_libraries": "auto_explain", "auto_explain.log_min_duration": "0",
                "auto_explain.log_analyze": "on", "auto_explain.log_buffers": "on", "auto_explain.log_timing": "on",
                "auto_explain.log_format": "text"}
    psql = ["psql", args.pg_url, "-q"]
    subprocess.run(psql + [c for k, v in settings.items() for c in ("-c", f"ALTER DATABASE {db} SET {k} = '{v}'")],
                   check=True, capture_output=True)
    os.makedirs(args.plans, exist_ok=True)
    portal.page_cache_mb, portal.phase = 0, "plans"
    try:
        portal.start(manifest)
        for name in PLANNED:
            path, cookie = open(paths[name]).readline().rstrip("\n").split("\t")
            request = urllib.request.Request(portal.base + path, headers={"Cookie": cookie, "Sec-Fetch-Site": "same-origin"})
            # Twice: the first request of a connection also plans its
            # statements; the second shows them as they run from then on.
            for _ in range(2):
                offset = os.path.getsize(logs[-1])
                urllib.request.urlopen(request).read()
                time.sleep(0.5)
            with open(logs[-1], errors="replace") as f:
                f.seek(offset)
                entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", f.read())
            # The page's statements (its batches, the search's query and the
            # console's journal lines), not the scheduler's and the outbox
            # worker's meanwhile.
            text = "\n".join(e for e in entries if any(k in e for k in ("json_agg", "party_words", "staff_views")))
            with open(os.path.join(args.plans, f"{portal.backend}-{portal.cases}-{name}.log"), "w") as out:
                out.write(f"# {name}: GET {path}, read afresh (page cache off); auto_explain, ANALYZE and BUFFERS\n\n{text}")
    finally:
        portal.stop()
        subprocess.run(psql + ["-c", f"ALTER DATABASE {db} RESET ALL"], check=True, capture_output=True)
    log(f"plans of {', '.join(PLANNED)} in {args.plans}")


def database_mb(args, backend, portal):
    """The world's database on disk, in MB."""
    if backend == "sqlite":
        path = os.path.join(portal.workdir, "portalis.db")
        return os.path.getsize(path) / 1e6 if os.path.exists(path) else None
    name = urllib.parse.urlsplit(portal.db_url).path.lstrip("/")
    out = subprocess.run(["psql", args.pg_url, "-Atc", f"SELECT pg_database_size('{name}')"], capture_output=True, text=True)
    return int(out.stdout.strip()) / 1e6 if out.returncode == 0 and out.stdout.strip() else None


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default="10000,1000000", help="world sizes, comma-separated")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--duration", type=int, default=20, help="seconds of measurement per scenario")
    p.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per scenario")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--alone", type=int, default=3,
                   help="seconds of each scenario's requests sent one at a time, for their latency without a queue (0: none)")
    p.add_argument("--import-events", type=int, default=20000, help="events in the NDJSON import measured")
    p.add_argument("--users", type=int, default=64, help="benchmark accounts signed in")
    p.add_argument("--filings", type=int, default=50, help="filings sent (each with three 2 MB files) for filing_send")
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "portalis"))
    p.add_argument("--workdir", default=os.path.join(BENCH, "work"))
    p.add_argument("--results", default=os.path.join(BENCH, "results"), help="where the report goes ('' for none)")
    # Without TLS by default: the server is on this machine, where the
    # configuration advises sslmode=disable (docs/configuration.md); TLS on
    # loopback cost a page 20-70 µs of the portal's CPU (report 2359).
    p.add_argument("--pg-url", default=os.environ.get("PORTALIS_BENCH_POSTGRES_URL",
                                                      "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"))
    p.add_argument("--port", type=int, default=18080, help="the portal's port; the simulator's is the next one")
    p.add_argument("--portal-cpus", default="0")
    p.add_argument("--load-cpus", default="1")
    p.add_argument("--regenerate", action="store_true", help="generate the worlds again")
    p.add_argument("--page-cache-mb", type=int, default=None,
                   help="the portal's page cache (PORTALIS_PAGE_CACHE_MB; 0 measures every page read afresh)")
    p.add_argument("--only", default="", help="scenarios to run, comma-separated (default: all; /healthz is always run)")
    p.add_argument("--phases", default="cached,first_view",
                   help="cached (page cache on), first_view (page cache off), or both (the default)")
    p.add_argument("--perf", default="", help="record a perf profile of each scenario into this directory")
    p.add_argument("--plans", default="", help="PostgreSQL: write the plans (EXPLAIN ANALYZE, BUFFERS) of each page's "
                                              "first view into this directory")
    p.add_argument("--generate-only", action="store_true", help="generate the worlds missing, measure nothing")
    p.add_argument("--smoke", action="store_true", help="a check that the benchmark runs, not a measurement: targets are not enforced")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)

    started = datetime.datetime.now(datetime.timezone.utc)
    runs = []
    for backend in args.backends.split(","):
        for cases in [int(c) for c in args.cases.split(",")]:
            portal, manifest = world(args, backend, cases)
            if args.generate_only:
                log(f"{backend}, {cases} cases: generated in {manifest.get('generated_in_s', manifest['seconds']):.0f} s")
                continue
            api_key = portal.run("api-key", "create", "--court", manifest["api_court"]).strip().splitlines()[-1]
            portal.run("staff", "add", "--email", AGENT_EMAIL, "--court", manifest["api_court"], "--role", "sauj")
            phases, paths, sweeps = {}, None, []
            pinned = postgres_on(args.load_cpus) if backend == "postgres" else contextlib.nullcontext()
            with pinned:
                for phase in phases_of(args):
                    portal.phase = phase
                    if args.page_cache_mb is None:
                        portal.page_cache_mb = PHASES[phase]["page_cache_mb"]
                    log(f"starting the portal on {backend} with {cases} cases: {PHASES[phase]['label']}")
                    try:
                        names = selected(args, phase)
                        # What the phase's measurements last, roughly: the
                        # scheduler's sweep is let end first if due by then.
                        lasting = len(names) * (args.warmup + args.duration + args.alone) + 60
                        portal.start(manifest, lasting)
                        if paths is None:
                            # The accounts sign in once; their sessions outlive
                            # the portal's restart between the phases.
                            paths = prepare_requests(portal, manifest, portal.workdir,
                                                     min(args.users, len(manifest["bench_nirs"])))
                        phases[phase] = measure(args, portal, paths, api_key, names)
                    finally:
                        portal.stop()
                        during = reminder_sweeps(os.path.join(portal.workdir, "portal.log"), phase)
                        sweeps += during[portal.sweeps_before:]
            if args.plans and backend == "postgres" and paths:
                capture_plans(args, portal, manifest, paths)
            world_summary = {k: v for k, v in manifest.items() if k not in ("bench_nirs", "api_case_refs")}
            world_summary["database_mb"] = database_mb(args, backend, portal)
            runs.append({"backend": backend, "cases": cases, "manifest": world_summary, "phases": phases,
                         "sweeps": sweeps})

    if args.generate_only:
        return
    checks = check_targets(runs)
    text = report(args, runs, checks, started)
    print(text)
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        name = f"{started:%Y-%m-%d-%H%M}-{'smoke' if args.smoke else 'bench'}"
        with open(os.path.join(args.results, name + ".md"), "w") as f:
            f.write(text)
        with open(os.path.join(args.results, name + ".json"), "w") as f:
            json.dump({"started": started.isoformat(), "runs": runs, "checks": checks}, f, indent=1, default=str)
    missed = [t for t, _, ok in checks if not ok]
    if args.smoke:
        # A smoke run proves the pipeline works end to end: every scenario
        # answered without error. Figures on a loaded test machine are not
        # measurements.
        errors = [(r["backend"], p, n) for r in runs for p, results in r["phases"].items() for n, x in results.items()
                  if x["errors"] or x["requests"] == 0 or x.get("alone_requests") == 0]
        if errors:
            raise SystemExit(f"scenarios with errors or no request: {errors}")
        return
    if missed:
        print(f"\n{len(missed)} target(s) missed.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
