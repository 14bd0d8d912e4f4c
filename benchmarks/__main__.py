"""`make bench`: the pages and the weekly digest at a real school's size.

Seeds (once, deterministically) a school on PostgreSQL + Redis — 20 working circles, 5,000
logs and 15,000 responses among 10,000 members, plus 45,000 logs in other circles around a
small circle of 10 logs — and a small school of 500 logs holding the same small circle.
Then, with DEBUG off, against gunicorn (2 sync workers):

- **the mix** (the first figure): 200 members signed in, spread over the working circles
  with their facilitators; each request is a random member and a page she may see —
  log pages most often, then her circles' feeds, the dashboard, notifications, a search,
  meetings, her circles' people pages, her record, a facilitator's circle health — drawn
  from a list of 20,000 (``benchmarks.mix``), loaded with ``wrk -t2 -c8`` and a Lua script
  (a Python client of the same shape when wrk is absent). Meanwhile members write through
  the real forms at a fixed rate (``--writes-per-second``, 2 by default): in turn a
  response on a log of one of their circles and a "helpful" mark by a log's author; each
  write must be acknowledged and shown on its author's next page. Rounds of the mix
  alternate with rounds of a bare Django view behind the same middleware; the mix's
  pages/s is a ratio to it (medians over the rounds), with its p50, p99 and non-2xx;
- **each kind of page alone**: the same members, one kind of page at a time, the writes
  still arriving; pages/s, ratio to the bare view, p50, p99, and queries a page rendered
  afresh for a representative member (Django's test client, in process) in the big school
  and in the small one: the count must not grow with the school;
- erasure beside posts, when ``benchmarks/erasure.py`` defines ``measure_erasure``;
- single URL, one member, re-read: each page loaded alone as one member (what a cache of
  her copy serves), a short section without goals;
- the weekly digest end to end for 1,000 and 10,000 members: a real Celery worker (2
  processes) over the real broker, to an SMTP sink the bench starts; wall time, worker CPU
  per message, worker peak RSS, missing and duplicate messages.

It prints the mix first and exits non-zero when a goal is missed (full and ``--quick``
runs on PostgreSQL). ``--embedded`` runs on the embedded default (SQLite, filesystem broker)
with a smaller school and reports its own figures; ``--smoke`` runs tiny sizes for a few
seconds to check that the bench works (CI), enforcing no goal — its school has fewer than
200 members, so every member is signed in.
"""

import argparse
import json
import os
import random
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

# Goals (issue: performance at a real school's size, under a real school's traffic).
MIX_RATIO_GOAL = 0.05  # the mix's pages/s over the bare view's
MIX_P99_GOAL_MS = 150.0
KIND_RPS_GOALS = {
    "log page": 150.0,
    "dashboard": 150.0,
    "circle feed": 150.0,
    "notifications": 150.0,
    "learning record": 150.0,
    "meetings": 150.0,
    "people page": 100.0,
    "search": 100.0,
}
QUERY_GOAL = 12  # a page, and the same count in the small school
QUERY_SAMPLE = 8  # pages of each kind, of different members, whose queries are counted too
RESPONSE_POST_P99_GOAL_MS = 200.0  # during the mix
WRITES_PER_SECOND = 2.0
ERASURE_WAIT_GOAL_S = 1.0
DIGEST_WALL_GOAL_S = 30.0
DIGEST_CPU_GOAL_MS = 4.0
DIGEST_RSS_GOAL = 1.2
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
    single_seconds: float = 2  # each single URL, one round
    query_sample: int = QUERY_SAMPLE
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
            "smoke", "SMOKE", "SMOKE_SMALL_SCHOOL", 1, 2, (20, 60), enforce=False,
            dbs=("sbs_bench_smoke", "sbs_bench_smoke_small"), redis_dbs=(13, 14),
            single_seconds=1, query_sample=2,
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
    command = [PY, "-m", "benchmarks", "_prepare", size_name, "mix" if which == 0 else ""]
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


def _prepare_here(size_name: str, traffic: bool) -> None:
    """Subprocess side of ``prepare``: migrate, seed when needed, sign the measured member
    and a facilitator in; and for the big school, the mix's members and requests."""
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import meetings as bench_meetings
    from benchmarks import mix, seed
    from members.models import User

    call_command("migrate", verbosity=0, interactive=False)
    size = getattr(seed, size_name)
    if not seed.is_seeded(size):
        started = time.perf_counter()
        seed.seed(size)
        print(f"seeded {size_name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    meta = {**seed.seeded_meta(), **bench_meetings.ensure(seed.seeded_meta())}
    _vacuum()
    cookies = {
        who: mix.sign_in(User.objects.get(pk=meta[who]))["cookie"]
        for who in ("member", "facilitator")
    }
    if traffic:
        meta.update(mix.build(meta, Path(os.environ["VAR_DIR"]) / "bench-traffic.json"))
    print(json.dumps({**meta, "cookies": cookies}))


def _queries_here(sample: int) -> None:
    """Subprocess side of ``count_queries``: each kind's queries for its representative
    member in this school, and the most over a sample of the mix's members and pages (when
    this school has them)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks import meetings as bench_meetings
    from benchmarks import seed
    from benchmarks.mix import Traffic
    from members.models import User

    clients = {}

    def queries(user_id: int, path: str) -> int | None:
        if user_id not in clients:
            clients[user_id] = Client(raise_request_exception=False)
            clients[user_id].force_login(User.objects.get(pk=user_id))
        client = clients[user_id]
        answer = client.get(path)
        if answer.status_code != 200:
            print(f"{path} answered {answer.status_code}", file=sys.stderr)
            return None
        # The second page: the session and the bell are cached by now, as for any reader
        # after her first page.
        with CaptureQueriesContext(connection) as captured:
            client.get(_fresh_address(path, 0))
        return len(captured)

    meta = {**seed.seeded_meta(), **bench_meetings.ensure(seed.seeded_meta())}
    counts = {
        kind: queries(meta[who], path) for kind, (who, path) in representative_pages(meta).items()
    }
    most = {}
    traffic = Path(os.environ["VAR_DIR"]) / "bench-traffic.json"
    if traffic.exists():
        traffic = Traffic.read(str(traffic))
        rng = random.Random(11)
        for kind, entries in traffic.kinds.items():
            found = [
                queries(traffic.members[member]["id"], path)
                for path, member in rng.sample(entries, min(sample, len(entries)))
            ]
            most[kind] = None if None in found or not found else max(found)
    for client in clients.values():
        client.logout()  # its session goes
    print(json.dumps({"representative": counts, "most": most}))


def representative_pages(meta: dict) -> dict:
    """A page of each kind for the measured member (the facilitator for circle health):
    the feed circle, its log with twenty responses, her notifications and record."""
    from benchmarks.seed import FEED_CIRCLE

    return {
        "log page": ("member", f"/circles/{FEED_CIRCLE}/logs/{meta['log']}/"),
        "circle feed": ("member", f"/circles/{FEED_CIRCLE}/"),
        "dashboard": ("member", "/dashboard/"),
        "notifications": ("member", "/notifications/"),
        "search": ("member", SEARCH_PATH),
        "meetings": ("member", "/meetings/"),
        "people page": ("member", f"/circles/{FEED_CIRCLE}/people/"),
        "learning record": ("member", "/me/record/"),
        "circle health": ("facilitator", f"/facilitate/{FEED_CIRCLE}/health/"),
    }


def _fresh_address(path: str, n: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}bench-render={time.time_ns()}-{n}"


def _vacuum(*tables: str) -> None:
    """Measure a maintained database: what autovacuum does in a live school (some machines
    run PostgreSQL with it off): seeding writes in long transactions, and the planner needs
    the tables' statistics."""
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
    p50s: list = field(default_factory=list)
    p99s: list = field(default_factory=list)
    non_2xx: int = 0
    socket_errors: int = 0
    queries: int | None = None  # the representative member's page
    small_queries: int | None = None  # the same in the small school
    most_queries: int | None = None  # the most over a sample of members and pages

    def add(self, load, bare_rps: float) -> None:
        self.rps.append(load.rps)
        self.p50s.append(load.p50_ms)
        self.p99s.append(load.p99_ms)
        self.ratios.append(load.rps / max(bare_rps, 0.001))
        self.non_2xx += load.non_2xx
        self.socket_errors += load.socket_errors

    @property
    def pages_per_s(self):
        return statistics.median(self.rps) if self.rps else 0.0

    @property
    def ratio(self):
        return statistics.median(self.ratios) if self.ratios else 0.0

    @property
    def p50(self):
        return statistics.median(self.p50s) if self.p50s else 0.0

    @property
    def p99(self):
        return statistics.median(self.p99s) if self.p99s else 0.0


@dataclass
class MixFigures:
    bare: PageFigures
    mix: PageFigures
    kinds: dict
    writer: object  # mix.Writer, stopped
    traffic: object  # mix.Traffic
    failures: list  # the sample checked before loading: what did not answer 200


def measure_mix(mode: Mode, big: Gunicorn, meta: dict, *, writes_per_second: float, log_dir):
    """Rounds of: the bare view, the mix, each kind alone; the writer posting throughout."""
    from benchmarks.load import load, load_list
    from benchmarks.mix import KINDS, Traffic, Writer, check_sample

    traffic = Traffic.read(meta["mix_file"])
    failures = check_sample(big.url, traffic)
    for kind, path, member, status, location in failures:
        print(f"  check: {kind} {path} as member {member} answered {status} {location}".rstrip())
    mix_entries = traffic.mix_entries()
    kind_entries = {kind: traffic.kind_entries(kind) for kind in KINDS if traffic.kinds[kind]}
    bare = PageFigures("bare view")
    mixed = PageFigures("mix")
    kinds = {kind: PageFigures(kind) for kind in kind_entries}
    writer = Writer(big.url, traffic, rate=writes_per_second, tag=f"{time.time_ns():x}")
    writer.start()
    work_dir = log_dir / "wrk"
    try:
        for _ in range(mode.rounds):
            writer.phase = "bare view"
            base = load(big.url + "/bench/bare/", seconds=mode.seconds)
            bare.add(base, base.rps)
            writer.phase = "mix"
            result = load_list(big.url, mix_entries, seconds=mode.seconds, work_dir=work_dir)
            mixed.add(result, base.rps)
            print(
                f"  {'mix':<18}{result.rps:>8.1f} pages/s  bare {base.rps:>7.1f}  "
                f"p50 {result.p50_ms:>5.0f} ms  p99 {result.p99_ms:>5.0f} ms  "
                f"non-2xx {result.non_2xx}",
                flush=True,
            )
            for kind, entries in kind_entries.items():
                writer.phase = kind
                result = load_list(big.url, entries, seconds=mode.seconds, work_dir=work_dir)
                kinds[kind].add(result, base.rps)
                print(
                    f"  {kind:<18}{result.rps:>8.1f} pages/s  "
                    f"p50 {result.p50_ms:>5.0f} ms  p99 {result.p99_ms:>5.0f} ms  "
                    f"non-2xx {result.non_2xx}",
                    flush=True,
                )
    finally:
        writer.stop()
    return MixFigures(bare, mixed, kinds, writer, traffic, failures)


def count_queries(mode: Mode, figures: MixFigures) -> None:
    """Each kind's queries a page rendered afresh, in the big school and in the small one
    (each in its own process: its own settings)."""
    for which, attr in ((0, "queries"), (1, "small_queries")):
        done = subprocess.run(
            [PY, "-m", "benchmarks", "_queries", str(mode.query_sample)],
            env=_env(mode, which),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        counted = json.loads(done.stdout.strip().splitlines()[-1])
        for kind, count in counted["representative"].items():
            if kind in figures.kinds:
                setattr(figures.kinds[kind], attr, count)
        for kind, count in counted["most"].items():
            if kind in figures.kinds and which == 0:
                figures.kinds[kind].most_queries = count


def _check_page(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{url} answered {response.status} at {response.url}")


def measure_single_urls(mode: Mode, big: Gunicorn, small: Gunicorn, meta: dict, small_meta):
    """Each page loaded alone, the same URL re-read by one member: one short round."""
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
    seconds = mode.single_seconds
    bare = PageFigures("bare view")
    figures = {name: PageFigures(name) for name in pages}
    base = load(big.url + "/bench/bare/", seconds=seconds)
    bare.add(base, base.rps)
    for name, (server, path, cookie) in pages.items():
        try:
            _check_page(server.url + path, cookie)
        except (OSError, RuntimeError) as error:
            print(f"  {name}: {error}", flush=True)
        result = load(server.url + path, seconds=seconds, cookie=cookie)
        figures[name].add(result, base.rps)
    return bare, figures


def measure_erasure_beside_posts(env: dict, meta: dict) -> dict | None:
    """``benchmarks/erasure.py``'s ``measure_erasure``, when it is there; None when not.
    An erasure module that fails to import is reported as such."""
    if not (ROOT / "benchmarks" / "erasure.py").exists():
        return None
    try:
        from benchmarks import erasure
    except Exception as error:  # noqa: BLE001 (reported, not raised: the pages are measured)
        return {"error": f"benchmarks/erasure.py does not import: {error!r}"}
    measure = getattr(erasure, "measure_erasure", None)
    if measure is None:
        return None
    try:
        return measure(env, meta)
    except Exception as error:  # noqa: BLE001 (reported with the figures)
        return {"error": f"measure_erasure failed: {error!r}"}


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


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _status(problems: list) -> str:
    return "MISSED" if problems else "met"


def report_mix(mode, figures: MixFigures, meta: dict, client: str) -> tuple[list, list]:
    lines, missed = [], []
    traffic, writer = figures.traffic, figures.writer
    members = len(traffic.members)
    shares = ", ".join(f"{k} {v:.1%}" for k, v in traffic.shares().items())
    lines += [
        "",
        f"make bench ({mode.name}; load: "
        f"{'wrk -t2 -c8' if client == 'wrk' else 'a Python client, 8 connections'}, "
        f"{mode.rounds} round(s) of "
        f"{mode.seconds:g} s; medians over rounds; goals "
        f"{'enforced' if mode.enforce else 'reported only'})",
        "",
        f"THE MIX: {members} members signed in"
        + (" (every member of this school: it has fewer than 200)" if members < 200 else "")
        + f", {meta.get('mix_facilitators', 0)} of them facilitators, over "
        f"{meta.get('mix_circles', 0)} circles; each request a random member and a page she "
        f"may see, from {len(traffic.mix):,} drawn requests",
        f"  shares: {shares}",
        f"{'':<20}{'pages/s':>9}{'x bare':>9}{'p50 ms':>8}{'p99 ms':>8}{'non-2xx':>9}"
        f"{'socket':>8}  goal",
    ]
    bare, mix = figures.bare, figures.mix
    lines.append(
        f"{'bare view':<20}{bare.pages_per_s:>9.1f}{1:>9.3f}{bare.p50:>8.1f}{bare.p99:>8.1f}"
        f"{bare.non_2xx:>9}{bare.socket_errors:>8}"
    )
    problems = []
    if mix.ratio < MIX_RATIO_GOAL:
        problems.append(f"mix: {mix.ratio:.3f} x bare < {MIX_RATIO_GOAL}")
    if mix.p99 > MIX_P99_GOAL_MS:
        problems.append(f"mix: p99 {mix.p99:.0f} ms > {MIX_P99_GOAL_MS:.0f}")
    if mix.non_2xx or mix.socket_errors:
        problems.append(f"mix: {mix.non_2xx} non-2xx, {mix.socket_errors} socket errors")
    problems += _failed_checks(figures.failures)
    lines.append(
        f"{'mix':<20}{mix.pages_per_s:>9.1f}{mix.ratio:>9.3f}{mix.p50:>8.1f}{mix.p99:>8.1f}"
        f"{mix.non_2xx:>9}{mix.socket_errors:>8}  >= {MIX_RATIO_GOAL:.2f} x bare, p99 <= "
        f"{MIX_P99_GOAL_MS:.0f} ms, 0 non-2xx: {_status(problems)}"
    )
    if figures.failures:
        lines.append(
            f"  checked before loading: {len(figures.failures)} sampled page(s) did not answer "
            "200 (see var/bench-*-logs/gunicorn-big.log)"
        )
    missed += problems

    more, problems = _report_writes(writer)
    lines += more
    missed += problems

    lines += [
        "",
        "EACH KIND OF PAGE ALONE: the same members, one kind of page at a time, the writes "
        "still arriving. Queries of a page rendered afresh: the representative member's "
        "(queries), the same page in the small school (small), the most over "
        f"{mode.query_sample} pages of other members (most)",
        f"{'kind':<18}{'pages/s':>9}{'x bare':>9}{'p50 ms':>8}{'p99 ms':>8}{'non-2xx':>9}"
        f"{'queries':>9}{'small':>7}{'most':>6}  goal",
    ]
    for kind, fig in figures.kinds.items():
        problems = []
        goal = []
        if kind in KIND_RPS_GOALS:
            goal.append(f">= {KIND_RPS_GOALS[kind]:.0f}/s")
            if fig.pages_per_s < KIND_RPS_GOALS[kind]:
                problems.append(
                    f"{kind}: {fig.pages_per_s:.1f} pages/s < {KIND_RPS_GOALS[kind]:.0f}"
                )
        goal.append(f"<= {QUERY_GOAL} queries, same in small")
        problems += _query_problems(kind, fig)
        if fig.non_2xx or fig.socket_errors:
            problems.append(f"{kind}: {fig.non_2xx} non-2xx, {fig.socket_errors} socket errors")
        counts = "".join(
            f"{'' if n is None else n:>{width}}"
            for n, width in ((fig.queries, 9), (fig.small_queries, 7), (fig.most_queries, 6))
        )
        lines.append(
            f"{kind:<18}{fig.pages_per_s:>9.1f}{fig.ratio:>9.3f}{fig.p50:>8.1f}{fig.p99:>8.1f}"
            f"{fig.non_2xx + fig.socket_errors:>9}{counts}  {', '.join(goal)}: "
            f"{_status(problems)}"
        )
        missed += problems
    return lines, missed


def _report_writes(writer) -> tuple[list, list]:
    """The writes, through the real forms, during every load of the mix and the kinds."""
    if writer.rate <= 0:
        return ["", "writes: none (--writes-per-second 0)"], []
    writes = writer.writes
    elapsed = max(0.001, writer.stopped_at - writer.started_at)
    acknowledged = sum(w.acknowledged for w in writes)
    visible = sum(w.visible for w in writes)
    responses = [w for w in writes if w.kind == "response"]
    during_mix = [w.post_ms for w in responses if w.phase == "mix" and w.acknowledged]
    all_posts = [w.post_ms for w in responses if w.acknowledged]
    helpful = [w.post_ms for w in writes if w.kind == "helpful" and w.acknowledged]
    lost = []
    if acknowledged < len(writes) or visible < len(writes) or not writes:
        lost.append(f"writes: {len(writes)} sent, {acknowledged} acknowledged, {visible} visible")
    slow = []
    post_p99 = _ms(during_mix, 0.99)
    if post_p99 is None or post_p99 > RESPONSE_POST_P99_GOAL_MS:
        slow.append(
            f"response POST p99 {_fmt_ms(post_p99)} ms during the mix "
            f"(goal <= {RESPONSE_POST_P99_GOAL_MS:.0f})"
        )
    lines = [
        "",
        f"writes through the forms during the loads: {writer.rate:g}/s asked, "
        f"{len(writes) / elapsed:.2f}/s sent; {len(writes)} sent ({len(responses)} responses, "
        f"{len(writes) - len(responses)} helpful marks), {acknowledged} acknowledged, "
        f"{visible} visible on the author's next page (goal: all) {_status(lost)}",
        f"  response POST during the mix: p50 {_fmt_ms(_ms(during_mix, 0.5))} ms, p99 "
        f"{_fmt_ms(post_p99)} ms over {len(during_mix)} (goal p99 <= "
        f"{RESPONSE_POST_P99_GOAL_MS:.0f} ms) {_status(slow)}",
        f"  response POST, all loads: p50 {_fmt_ms(_ms(all_posts, 0.5))} ms, p99 "
        f"{_fmt_ms(_ms(all_posts, 0.99))} ms over {len(all_posts)}; helpful POST: p50 "
        f"{_fmt_ms(_ms(helpful, 0.5))} ms, p99 {_fmt_ms(_ms(helpful, 0.99))} ms over "
        f"{len(helpful)}",
    ]
    for w in [w for w in writes if w.problem][:5]:
        lines.append(f"  {w.kind} during {w.phase or '?'}: {w.problem}")
    return lines, lost + slow


def _query_problems(kind: str, fig: PageFigures) -> list[str]:
    """At most ``QUERY_GOAL`` queries a page, whoever reads it, and the same in the small
    school: a count that grows with the school fails."""
    if fig.queries is None or fig.small_queries is None:
        return [f"{kind}: queries not counted (the page did not answer 200 in process)"]
    problems = []
    if max(fig.queries, fig.most_queries or 0) > QUERY_GOAL:
        problems.append(
            f"{kind}: {fig.queries} queries a page (the most over other members' pages: "
            f"{fig.most_queries}) > {QUERY_GOAL}"
        )
    if fig.small_queries != fig.queries:
        problems.append(
            f"{kind}: {fig.queries} queries a page, {fig.small_queries} in the small school"
        )
    return problems


def _failed_checks(failures: list) -> list[str]:
    """The sample checked before loading, by kind: how many failed, and the first."""
    by_kind: dict[str, list] = {}
    for failure in failures:
        by_kind.setdefault(failure[0], []).append(failure)
    lines = []
    for kind, found in by_kind.items():
        _, path, member, status, location = found[0]
        lines.append(
            f"{kind}: {len(found)} sampled page(s) did not answer 200, e.g. {path} as member "
            f"{member}: {status} {location}".rstrip()
        )
    return lines


def report_erasure(erasure: dict | None) -> tuple[list, list]:
    if erasure is None:
        return ["", "erasure beside posts: not measured (no measure_erasure in "
                "benchmarks/erasure.py)"], []  # fmt: skip
    if "max_wait_s" not in erasure:
        return ["", f"erasure beside posts: {erasure.get('error')}"], [str(erasure.get("error"))]
    wait = erasure["max_wait_s"]
    problems = [] if wait <= ERASURE_WAIT_GOAL_S else [f"erasure: a post waited {wait:.2f} s"]
    if erasure.get("error"):
        problems.append(f"erasure: {erasure['error']}")
    batches = ""
    if "batches" in erasure:
        batches = f" in {erasure['batches']} transactions"
        if "max_batch_s" in erasure:
            batches += f" (the longest {erasure['max_batch_s']:.2f} s)"
    lines = [
        "",
        f"erasure beside posts: {erasure['logs']:,} logs erased in {erasure['erasure_s']:.1f} s"
        f"{batches} while members posted {erasure['posts']:,} times; the longest wait of a "
        f"post {wait:.2f} s (goal <= {ERASURE_WAIT_GOAL_S:g} s) {_status(problems)}",
    ]
    if erasure.get("error"):
        lines.append(f"  {erasure['error']}")
    return lines, problems


def report_single_urls(mode, bare, figures) -> list:
    lines = [
        "",
        f"SINGLE URL, ONE MEMBER, RE-READ: each page alone, the same URL again and again by "
        f"one member (one round of {mode.single_seconds:g} s; no goals)",
        f"{'page':<28}{'rps':>8}{'x bare':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}",
        f"{'bare view':<28}{bare.pages_per_s:>8.1f}{1:>9.3f}{bare.p50:>8.1f}{bare.p99:>8.1f}",
    ]
    for name, fig in figures.items():
        lines.append(
            f"{name:<28}{fig.pages_per_s:>8.1f}{fig.ratio:>9.3f}{fig.p50:>8.1f}{fig.p99:>8.1f}"
            f"{fig.non_2xx + fig.socket_errors:>8}"
        )
    big = figures["small circle, big school"].pages_per_s
    small = figures["small circle, small school"].pages_per_s
    independence = small / big if big and small else float("inf")
    lines.append(
        f"size independence: a 10-log circle's feed, big school / small school time = "
        f"{independence:.2f} (1.0: no slower in the big school)"
    )
    big = figures["search"].pages_per_s
    small = figures["search, small school"].pages_per_s
    growth = small / big if big and small else float("inf")
    lines.append(f"search growth: the same search, big school / small school time = {growth:.2f}")
    return lines


def report_digest(digests) -> tuple[list, list]:
    lines, missed = [], []
    if not digests:
        return lines, missed
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
    return lines, missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--embedded", action="store_true", help="SQLite + filesystem broker")
    parser.add_argument("--quick", action="store_true", help="one short round (development)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no goals (CI)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the schools again")
    parser.add_argument(
        "--only", choices=["pages", "erasure", "digest"], help="measure only this part"
    )
    parser.add_argument("--rounds", type=int, help="rounds of page loads")
    parser.add_argument("--seconds", type=float, help="seconds of load per page and round")
    parser.add_argument("--digest-members", help="two sizes, e.g. 1000,10000")
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=WRITES_PER_SECOND,
        help=f"writes through the forms during the page loads (default {WRITES_PER_SECOND:g})",
    )
    args = parser.parse_args(argv)
    mode = _mode(args)
    log_dir = ROOT / "var" / f"bench-{mode.name}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    print(f"preparing the schools ({mode.name})…", flush=True)
    meta = prepare(mode, 0, reseed=args.reseed)
    small_meta = prepare(mode, 1, reseed=args.reseed)
    if meta["mix_members"] < 200:
        print(
            f"the {mode.name} school has {meta['mix_members']} members: all of them are "
            "signed in for the mix (200 in a full school)",
            flush=True,
        )

    env = _env(mode, 0)
    os.environ.update(env)
    for key in ("DATABASE_URL", "REDIS_URL"):
        if key not in env:
            os.environ.pop(key, None)
    import django

    django.setup()
    from benchmarks.load import client_name

    lines, missed = [], []
    mixed = single = erasure = None
    digests = []
    if args.only in (None, "pages"):
        big = Gunicorn(env, log_dir / "gunicorn-big.log")
        small = Gunicorn(_env(mode, 1), log_dir / "gunicorn-small.log")
        try:
            print("the mix and each kind of page…", flush=True)
            mixed = measure_mix(
                mode, big, meta, writes_per_second=args.writes_per_second, log_dir=log_dir
            )
            print("single URLs, one member…", flush=True)
            single = measure_single_urls(mode, big, small, meta, small_meta)
        finally:
            big.stop()
            small.stop()
        count_queries(mode, mixed)
    if args.only in (None, "erasure"):
        print("erasure beside posts…", flush=True)
        erasure = measure_erasure_beside_posts(env, meta)
    if args.only in (None, "digest"):
        for members in mode.digest_sizes:
            print(f"digest for {members} members…", flush=True)
            digests.append(measure_digest(mode, env, meta, members, log_dir))

    if mixed is not None:
        more, problems = report_mix(mode, mixed, meta, client_name())
        lines += more
        missed += problems
    else:
        lines += ["", f"make bench ({mode.name}; pages not measured)"]
    if args.only in (None, "erasure"):
        more, problems = report_erasure(erasure)
        lines += more
        missed += problems
    if single is not None:
        lines += report_single_urls(mode, *single)
    more, problems = report_digest(digests)
    lines += more
    missed += problems
    print("\n".join(lines))
    for line in missed:
        print("MISSED:", line)
    if missed and mode.enforce:
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_prepare":
        _prepare_here(sys.argv[2], traffic=sys.argv[3] == "mix")
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "_queries":
        _queries_here(int(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
