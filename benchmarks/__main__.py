"""`make bench`: the pages and the weekly digest at a real school's size.

Seeds (once, deterministically) a school on PostgreSQL + Redis — 20 working circles, 5,000
logs and 15,000 responses among 10,000 members, plus 45,000 logs in other circles around a
small circle of 10 logs — and a small school of 500 logs holding the same small circle.
Then, with DEBUG off:

- pages over HTTP against gunicorn (2 sync workers) with ``wrk -c8`` (a Python client when
  wrk is absent), alternating each page with a bare Django view behind the same middleware;
  figures are throughput ratios to that view and p99s, medians over the rounds;
- query counts and time of each page rendered afresh, not read back as kept for its
  reader (Django's test client, in process; the load above reads kept pages);
- size independence: the small circle's feed in the big school against the small school;
- the weekly digest end to end for 1,000 and 10,000 members: a real Celery worker (2
  processes) over the real broker, to an SMTP sink the bench starts; wall time, worker CPU
  per message, worker peak RSS, missing and duplicate messages.

It prints a table and exits non-zero when a goal is missed (full and ``--quick`` runs on
PostgreSQL). ``--embedded`` runs on the embedded default (SQLite, filesystem broker) with
a smaller school and reports its own figures; ``--smoke`` runs tiny sizes for a few
seconds to check that the bench works (CI), enforcing no goal.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")

# Goals (issue: performance at a real school's size).
PAGE_RATIO_GOAL = 0.20
PAGE_P99_GOAL_MS = 150.0
QUERY_GOAL = 12
SIZE_INDEPENDENCE_GOAL = 1.5
DIGEST_WALL_GOAL_S = 45.0
DIGEST_CPU_GOAL_MS = 4.0
DIGEST_RSS_GOAL = 1.2
GOAL_PAGES = ("circle feed", "log page", "dashboard")
# A search's time, school of 50,000 logs / school of 500 (the same member's circles).
SEARCH_GROWTH_GOAL = 2.0
SEARCH_PATH = "/search/?q=handover+shift"


@dataclass
class Mode:
    name: str
    big: str  # seed.Size attribute names
    small: str
    rounds: int
    seconds: float
    digest_sizes: tuple[int, int]
    embedded: bool = False
    enforce: bool = True
    # BENCH_DB_PREFIX and BENCH_REDIS_DBS ("11,12") keep benches on one server apart.
    dbs: tuple[str, str] = (
        f"{os.environ.get('BENCH_DB_PREFIX', 'sbs_bench')}",
        f"{os.environ.get('BENCH_DB_PREFIX', 'sbs_bench')}_small",
    )
    redis_dbs: tuple[int, int] = tuple(
        int(n) for n in os.environ.get("BENCH_REDIS_DBS", "11,12").split(",")
    )


def _mode(args) -> Mode:
    if args.smoke:
        mode = Mode(
            "smoke", "SMOKE", "SMOKE_SMALL_SCHOOL", 1, 3, (20, 60), enforce=False,
            dbs=("sbs_bench_smoke", "sbs_bench_smoke_small"), redis_dbs=(13, 14),
        )  # fmt: skip
    elif args.embedded:
        mode = Mode("embedded", "EMBEDDED", "EMBEDDED_SMALL_SCHOOL", 3, 4, (100, 1000))
        mode.enforce = False
    else:
        mode = Mode("postgresql", "FULL", "SMALL_SCHOOL", 5, 5, (1000, 10_000))
    mode.embedded = args.embedded
    if args.smoke and args.embedded:
        mode.name = "smoke-embedded"
    if args.quick:
        mode.rounds, mode.seconds = 1, 3
    if args.rounds:
        mode.rounds = args.rounds
    if args.seconds:
        mode.seconds = args.seconds
    if args.digest_members:
        mode.digest_sizes = tuple(int(n) for n in args.digest_members.split(","))
    return mode


# --- environments -----------------------------------------------------------------------------


def _env(mode: Mode, which: int) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "insecure-key-for-benchmarks",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        CACHE_KEY_PREFIX=f"bench{which}",
    )
    tag = f"{mode.name}-{'big' if which == 0 else 'small'}"
    if mode.embedded:
        env["VAR_DIR"] = str(ROOT / "var" / f"bench-{tag}")
    else:
        env["VAR_DIR"] = str(ROOT / "var" / f"bench-{tag}")
        env["DATABASE_URL"] = f"{PG_SERVER}/{mode.dbs[which]}"
        env["REDIS_URL"] = f"{REDIS_SERVER}/{mode.redis_dbs[which]}"
    return env


def _stored_meta(mode: Mode, which: int, env: dict) -> dict | None:
    """The seed's record, read without Django (None: empty or not a bench database)."""
    try:
        if mode.embedded:
            path = Path(env["VAR_DIR"]) / "school.sqlite3"
            if not path.exists():
                return None
            with sqlite3.connect(path) as db:
                row = db.execute("SELECT value FROM bench_seed WHERE name = 'meta'").fetchone()
        else:
            import psycopg2

            with psycopg2.connect(env["DATABASE_URL"]) as db, db.cursor() as cursor:
                cursor.execute("SELECT value FROM bench_seed WHERE name = 'meta'")
                row = cursor.fetchone()
    except Exception:
        return None
    return json.loads(row[0]) if row else None


def _fresh_database(mode: Mode, which: int, env: dict) -> None:
    if mode.embedded:
        shutil.rmtree(env["VAR_DIR"], ignore_errors=True)
        return
    import psycopg2

    admin = psycopg2.connect(f"{PG_SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{mode.dbs[which]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{mode.dbs[which]}"')
    admin.close()


def _ensure_database(mode: Mode, which: int, env: dict) -> None:
    if mode.embedded:
        return
    import psycopg2

    admin = psycopg2.connect(f"{PG_SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [mode.dbs[which]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{mode.dbs[which]}"')
    admin.close()


def prepare(mode: Mode, which: int, *, reseed: bool) -> dict:
    """Migrate and seed one school (in a subprocess, so each has its own settings)."""
    from benchmarks import seed

    env = _env(mode, which)
    size_name = mode.big if which == 0 else mode.small
    size = getattr(seed, size_name)
    meta = _stored_meta(mode, which, env)
    wanted = seed.wanted_meta(size)
    if reseed or (meta is not None and {k: meta.get(k) for k in wanted} != wanted):
        _fresh_database(mode, which, env)
    elif meta is None:
        # A database without the seed's record may hold anything: start it afresh.
        _fresh_database(mode, which, env)
    else:
        _ensure_database(mode, which, env)
    command = [PY, "-m", "benchmarks", "_prepare", size_name]
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        # A reused database whose schema no longer migrates (a migration renamed or
        # dropped since it was seeded): seed it afresh, once.
        print("the stored school does not migrate: seeding it afresh", file=sys.stderr)
        _fresh_database(mode, which, env)
        done = subprocess.run(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _prepare_here(size_name: str) -> None:
    """Subprocess side of ``prepare``: migrate, seed when needed, sign two people in."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from benchmarks import meetings as bench_meetings
    from benchmarks import seed
    from members.models import User

    call_command("migrate", verbosity=0, interactive=False)
    size = getattr(seed, size_name)
    if not seed.is_seeded(size):
        started = time.perf_counter()
        seed.seed(size)
        print(f"seeded {size_name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    meta = {**seed.seeded_meta(), **bench_meetings.ensure(seed.seeded_meta())}
    _vacuum()
    cookies = {}
    for who in ("member", "facilitator"):
        user = User.objects.get(pk=meta[who])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        # And the CSRF cookie her first page set, as her browser sends with every request.
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(CSRF_SECRET_LENGTH)}"
        )
    print(json.dumps({**meta, "cookies": cookies}))


def _vacuum(*tables: str) -> None:
    """Measure a maintained database: what autovacuum does in a live school (some machines
    run PostgreSQL with it off). Seeding writes in long transactions, and each write bumps
    its circle's revision, so without this the few circle rows sit among 100,000 dead
    versions and every scan of them reads 70 MB."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(map(connection.ops.quote_name, tables))}")


# --- processes --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "school.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/bench/bare/", timeout=2).read()
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: see {log}") from None
                time.sleep(0.3)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Worker:
    """``celery worker -Q celery,email --concurrency 2``, as the Procfile runs it."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self._log = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "celery"),
                "-A",
                "school",
                "worker",
                "-Q",
                "celery,email",
                "--concurrency",
                "2",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 90
        while "ready." not in log.read_text():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"the worker did not start: see {log}")
            time.sleep(0.3)
        self.pool = _children(self.proc.pid)

    def cpu(self) -> float:
        return sum(_cpu_seconds(p) for p in [self.proc.pid, *self.pool])

    def peak_rss_mb(self) -> float:
        return sum(_peak_rss_mb(p) for p in [self.proc.pid, *self.pool])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# --- measurements -----------------------------------------------------------------------------


@dataclass
class PageFigures:
    name: str
    ratios: list = field(default_factory=list)
    rps: list = field(default_factory=list)
    p99s: list = field(default_factory=list)
    errors: int = 0
    queries: int | None = None
    single_ms: float | None = None  # one request at a time, in process

    @property
    def ratio(self):
        return statistics.median(self.ratios)

    @property
    def p99(self):
        return statistics.median(self.p99s)


def _check_page(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{url} answered {response.status} at {response.url}")


def measure_pages(mode: Mode, big: Gunicorn, small: Gunicorn, meta: dict, small_meta: dict):
    from benchmarks.load import load

    member, facilitator = meta["cookies"]["member"], meta["cookies"]["facilitator"]
    pages = {
        "circle feed": (big, "/circles/bench-feed/", member),
        "log page": (big, f"/circles/bench-feed/logs/{meta['log']}/", member),
        "dashboard": (big, "/dashboard/", member),
        "circle health": (big, "/facilitate/bench-feed/health/", facilitator),
        "learning record": (big, "/me/record/", member),
        "calendar feed": (big, meta["feed_path"], ""),
        "people page": (big, "/circles/bench-feed/people/", member),
        "notifications page": (big, "/notifications/", member),
        "anonymous home": (big, "/", ""),
        "small circle, big school": (big, "/circles/bench-small/", member),
        "small circle, small school": (
            small, "/circles/bench-small/", small_meta["cookies"]["member"]
        ),
        "search": (big, SEARCH_PATH, member),
        "search, small school": (small, SEARCH_PATH, small_meta["cookies"]["member"]),
    }  # fmt: skip
    for server, path, cookie in pages.values():
        _check_page(server.url + path, cookie)
    bare = PageFigures("bare view")
    figures = {name: PageFigures(name) for name in pages}
    for _ in range(mode.rounds):
        base = load(big.url + "/bench/bare/", seconds=mode.seconds)
        bare.rps.append(base.rps)
        bare.p99s.append(base.p99_ms)
        bare.ratios.append(1.0)
        bare.errors += base.errors
        for name, (server, path, cookie) in pages.items():
            result = load(server.url + path, seconds=mode.seconds, cookie=cookie)
            fig = figures[name]
            fig.rps.append(result.rps)
            fig.p99s.append(result.p99_ms)
            fig.ratios.append(result.rps / max(base.rps, 0.001))
            fig.errors += result.errors
            print(
                f"  {name:<28}{result.rps:>8.1f} rps  bare {base.rps:>7.1f}  "
                f"p99 {result.p99_ms:>6.0f} ms",
                flush=True,
            )
    return bare, figures


def count_queries(meta: dict, figures: dict) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    member = User.objects.get(pk=meta["member"])
    facilitator = User.objects.get(pk=meta["facilitator"])
    paths = {
        "circle feed": (member, "/circles/bench-feed/"),
        "log page": (member, f"/circles/bench-feed/logs/{meta['log']}/"),
        "dashboard": (member, "/dashboard/"),
        "circle health": (facilitator, "/facilitate/bench-feed/health/"),
        "learning record": (member, "/me/record/"),
        "calendar feed": (None, meta["feed_path"]),
        "people page": (member, "/circles/bench-feed/people/"),
        "notifications page": (member, "/notifications/"),
        "anonymous home": (None, "/"),
        "small circle, big school": (member, "/circles/bench-small/"),
        "search": (member, SEARCH_PATH),
    }
    for name, (user, path) in paths.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.get(path).status_code == 200, path
        # A page a reader has kept (circles.pages) costs less: count and time a page
        # rendered afresh, at an address not seen before (the session and the bell are
        # cached by now, as for any reader after her first page).
        with CaptureQueriesContext(connection) as captured:
            client.get(_fresh_address(path, 0))
        figures[name].queries = len(captured)
        times = []
        for n in range(1, 4):
            started = time.perf_counter()
            client.get(_fresh_address(path, n))
            times.append(time.perf_counter() - started)
        figures[name].single_ms = statistics.median(times) * 1000


def _fresh_address(path: str, n: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}bench-render={time.time_ns()}-{n}"


@dataclass
class DigestFigures:
    members: int
    expected: int = 0
    sent: int = 0
    skipped: int = 0
    received: int = 0
    missing: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    cpu_ms_per_message: float = 0.0
    peak_rss_mb: float = 0.0


def measure_digest(mode: Mode, env: dict, meta: dict, members: int, log_dir: Path):
    from benchmarks.seed import anchor_week
    from benchmarks.smtp_sink import SmtpSink
    from members.models import Profile, User
    from notifications.models import DeliveryStatus, DigestDelivery, DigestRun
    from notifications.selectors import digest_recipients
    from notifications.services.digests import digest_run_start

    week = anchor_week()
    DigestDelivery.objects.all().delete()
    DigestRun.objects.all().delete()
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True)[:members])
    Profile.objects.update(digest_enabled=False)
    Profile.objects.filter(user_id__in=ids).update(digest_enabled=True)
    _vacuum("members_profile")
    expected = digest_recipients().count()
    _empty_broker(mode, env)
    fig = DigestFigures(members=members, expected=expected)
    with SmtpSink() as sink:
        worker_env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        worker = Worker(worker_env, log_dir / f"worker-{members}.log")
        try:
            cpu_before = worker.cpu()
            started = time.perf_counter()
            digest_run_start(week=week)
            deadline = started + 900
            while True:
                done = DigestDelivery.objects.filter(
                    week=week,
                    status__in=[
                        DeliveryStatus.SENT,
                        DeliveryStatus.SKIPPED,
                        DeliveryStatus.FAILED,
                    ],
                ).count()
                if done >= expected or time.perf_counter() > deadline:
                    break
                time.sleep(0.2)
            fig.seconds = time.perf_counter() - started
            time.sleep(0.5)  # the last batch's task returns
            cpu = worker.cpu() - cpu_before
            fig.peak_rss_mb = worker.peak_rss_mb()
        finally:
            worker.stop()
        sent = DigestDelivery.objects.filter(week=week, status=DeliveryStatus.SENT)
        fig.sent = sent.count()
        fig.skipped = DigestDelivery.objects.filter(
            week=week, status=DeliveryStatus.SKIPPED
        ).count()
        emails = {e.lower() for e in sent.values_list("member__email", flat=True)}
        fig.received = sink.messages
        fig.missing = len(emails - set(sink.counts)) + (expected - done)
        fig.duplicates = sink.duplicates
        fig.cpu_ms_per_message = cpu * 1000 / max(1, fig.sent)
    return fig


def _empty_broker(mode: Mode, env: dict) -> None:
    if mode.embedded:
        shutil.rmtree(Path(env["VAR_DIR"]) / "celery" / "queue", ignore_errors=True)
        (Path(env["VAR_DIR"]) / "celery" / "queue").mkdir(parents=True, exist_ok=True)
        return
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


# --- report -----------------------------------------------------------------------------------


def report(mode, bare, figures, digests, client) -> list[str]:
    missed = []
    lines = [
        "",
        f"make bench ({mode.name}; load: {client} -c8, {mode.rounds} round(s) of "
        f"{mode.seconds:g} s; medians; goals {'enforced' if mode.enforce else 'reported only'})",
        "",
        f"{'page':<28}{'rps':>8}{'x bare':>9}{'p99 ms':>9}{'render':>9}{'queries':>9}  goal",
        f"{'bare view':<28}{statistics.median(bare.rps):>8.1f}{1:>9.3f}{bare.p99:>9.0f}{'':>9}",
    ]
    for name, fig in figures.items():
        goal = ""
        problems = []
        if name in GOAL_PAGES:
            goal = f">= {PAGE_RATIO_GOAL:.2f} x, p99 <= {PAGE_P99_GOAL_MS:.0f}"
            if fig.ratio < PAGE_RATIO_GOAL:
                problems.append(f"{name}: {fig.ratio:.3f} x bare < {PAGE_RATIO_GOAL}")
            if fig.p99 > PAGE_P99_GOAL_MS:
                problems.append(f"{name}: p99 {fig.p99:.0f} ms > {PAGE_P99_GOAL_MS:.0f}")
        if fig.queries is not None and name != "anonymous home":
            goal += (", " if goal else "") + f"<= {QUERY_GOAL} queries"
            if fig.queries > QUERY_GOAL:
                problems.append(f"{name}: {fig.queries} queries > {QUERY_GOAL}")
        if fig.errors:
            problems.append(f"{name}: {fig.errors} failed requests")
        status = ("MISSED" if problems else "met") if goal or fig.errors else ""
        queries = "" if fig.queries is None else str(fig.queries)
        single = "" if fig.single_ms is None else f"{fig.single_ms:.0f}"
        lines.append(
            f"{name:<28}{statistics.median(fig.rps):>8.1f}{fig.ratio:>9.3f}{fig.p99:>9.0f}"
            f"{single:>9}{queries:>9}  {goal} {status}".rstrip()
        )
        missed += problems
    big = statistics.median(figures["small circle, big school"].rps)
    small = statistics.median(figures["small circle, small school"].rps)
    independence = small / big if big and small else float("inf")
    ok = independence <= SIZE_INDEPENDENCE_GOAL
    lines.append(
        f"\nsize independence: a 10-log circle's feed, small school / big school time = "
        f"{independence:.2f} (goal <= {SIZE_INDEPENDENCE_GOAL}) {'met' if ok else 'MISSED'}"
    )
    if not ok:
        missed.append(f"size independence {independence:.2f} > {SIZE_INDEPENDENCE_GOAL}")
    missed += _search_growth(figures, lines)
    if digests:
        lines += [
            "",
            f"{'digest':<10}{'eligible':>9}{'sent':>7}{'skipped':>8}{'missing':>8}{'dupl.':>6}"
            f"{'seconds':>9}{'CPU ms/msg':>11}{'peak RSS MB':>12}",
        ]
        for d in digests:
            lines.append(
                f"{d.members:<10}{d.expected:>9}{d.sent:>7}{d.skipped:>8}{d.missing:>8}"
                f"{d.duplicates:>6}{d.seconds:>9.1f}{d.cpu_ms_per_message:>11.2f}"
                f"{d.peak_rss_mb:>12.0f}"
            )
            if d.missing or d.duplicates:
                missed.append(f"digest {d.members}: {d.missing} missing, {d.duplicates} dupl.")
        low, high = digests[0], digests[-1]
        rss = high.peak_rss_mb / max(1.0, low.peak_rss_mb)
        rss_ok = rss <= DIGEST_RSS_GOAL
        wall_ok = high.seconds <= DIGEST_WALL_GOAL_S
        cpu_ok = high.cpu_ms_per_message <= DIGEST_CPU_GOAL_MS
        lines += [
            f"digest for {high.members}: {high.seconds:.1f} s (goal <= {DIGEST_WALL_GOAL_S:.0f} "
            f"s at 10,000) {'met' if wall_ok else 'MISSED'}; "
            f"{high.cpu_ms_per_message:.2f} ms CPU a message (goal <= {DIGEST_CPU_GOAL_MS:.0f}) "
            f"{'met' if cpu_ok else 'MISSED'}",
            f"worker peak RSS, {high.members} / {low.members} members: {rss:.2f} "
            f"(goal <= {DIGEST_RSS_GOAL}) {'met' if rss_ok else 'MISSED'}",
        ]
        if not wall_ok:
            missed.append(f"digest {high.members}: {high.seconds:.1f} s > {DIGEST_WALL_GOAL_S}")
        if not cpu_ok:
            missed.append(
                f"digest: {high.cpu_ms_per_message:.2f} ms CPU a message > {DIGEST_CPU_GOAL_MS}"
            )
        if not rss_ok:
            missed.append(f"digest: peak RSS ratio {rss:.2f} > {DIGEST_RSS_GOAL}")
    print("\n".join(lines))
    return missed


def _search_growth(figures: dict, lines: list[str]) -> list[str]:
    """A search in the big school (50,000 logs in a full run) against the small one (500):
    time ratio."""
    big = statistics.median(figures["search"].rps)
    small = statistics.median(figures["search, small school"].rps)
    growth = small / big if big and small else float("inf")
    ok = growth < SEARCH_GROWTH_GOAL
    lines.append(
        f"search growth: the same search, big school / small school time = "
        f"{growth:.2f} (goal < {SEARCH_GROWTH_GOAL}) {'met' if ok else 'MISSED'}"
    )
    return [] if ok else [f"search growth {growth:.2f} >= {SEARCH_GROWTH_GOAL}"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--embedded", action="store_true", help="SQLite + filesystem broker")
    parser.add_argument("--quick", action="store_true", help="one short round (development)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no goals (CI)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the schools again")
    parser.add_argument("--only", choices=["pages", "digest"], help="measure only this part")
    parser.add_argument("--rounds", type=int, help="rounds of page loads")
    parser.add_argument("--seconds", type=float, help="seconds of load per page and round")
    parser.add_argument("--digest-members", help="two sizes, e.g. 1000,10000")
    args = parser.parse_args(argv)
    mode = _mode(args)
    log_dir = ROOT / "var" / f"bench-{mode.name}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    print(f"preparing the schools ({mode.name})…", flush=True)
    meta = prepare(mode, 0, reseed=args.reseed)
    small_meta = prepare(mode, 1, reseed=args.reseed)

    env = _env(mode, 0)
    os.environ.update(env)
    for key in ("DATABASE_URL", "REDIS_URL"):
        if key not in env:
            os.environ.pop(key, None)
    import django

    django.setup()
    from benchmarks.load import client_name

    bare, figures, digests = PageFigures("bare view", [1.0], [0.0], [0.0]), {}, []
    if args.only != "digest":
        big = Gunicorn(env, log_dir / "gunicorn-big.log")
        small = Gunicorn(_env(mode, 1), log_dir / "gunicorn-small.log")
        try:
            print("pages…", flush=True)
            bare, figures = measure_pages(mode, big, small, meta, small_meta)
        finally:
            big.stop()
            small.stop()
        count_queries(meta, figures)
    if args.only != "pages":
        for members in mode.digest_sizes:
            print(f"digest for {members} members…", flush=True)
            digests.append(measure_digest(mode, env, meta, members, log_dir))
    if not figures:
        missed = []
        print("\n(pages not measured)")
        for d in digests:
            print(d)
    else:
        missed = report(mode, bare, figures, digests, client_name())
    for line in missed:
        print("MISSED:", line)
    if missed and mode.enforce:
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_prepare":
        _prepare_here(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
