"""The mixed load: who asks for which page, and the writes that arrive meanwhile.

``build`` (in the seeded school's own process) signs in up to ``MEMBERS`` members spread
over the working circles, their facilitators among them, and draws the requests:

- each request is a random member and one kind of page she may see, by ``WEIGHTS`` (log
  pages most often; a circle's health page only for its facilitators), then a random page
  of that kind: one of her circles' feeds or people pages, any published log of any of her
  circles, a search for words of the seeded texts;
- the same members, one kind at a time (``kinds``), to measure each kind alone;
- what they may write: a response on a log of one of her circles (not her own), and a
  "helpful" mark by a log's author on a response to her log.

The list is written to a JSON file beside the school (a few MB), read by the bench's main
process. ``Writer`` (a thread of the main process) posts through the real forms at a fixed
rate while pages are loaded, and checks that each write is acknowledged and shown to its
author on her next page.
"""

import http.client
import json
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

MEMBERS = 200
MIX_REQUESTS = 20_000  # the list wrk draws the mix from
KIND_REQUESTS = 4_000  # each kind alone
WRITE_TARGETS = 5_000  # of each kind of write

# A member's next page, by kind: weights (the mix's share, for a member who may see all).
WEIGHTS = {
    "log page": 34,
    "circle feed": 16,
    "dashboard": 13,
    "notifications": 9,
    "search": 7,
    "meetings": 6,
    "people page": 5,
    "learning record": 5,
    "circle health": 5,  # facilitators only
}
KINDS = tuple(WEIGHTS)
FACILITATOR_KINDS = ("circle health",)

# Words of ``seed.TEXTS``, as people would search them.
SEARCH_TERMS = (
    "handover",
    "handover shift",
    "nurse risk",
    "volunteers briefing",
    "coordinator question",
    "supplier prices",
    "customers",
    "kitchen turnover",
    "twenty minutes",
    "sliding-scale fee",
    "clinic admin",
    "board meeting",
    "member story",
    "budget",
)


# --- the school's side (in ``_prepare``) -----------------------------------------------------


def _stored(name: str):
    from django.db import connection

    from benchmarks.seed import _table

    _table()
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_seed WHERE name = %s", [name])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _store(name: str, value) -> None:
    from django.db import connection

    from benchmarks.seed import _table

    _table()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_seed WHERE name = %s", [name])
        cursor.execute(
            "INSERT INTO bench_seed (name, value) VALUES (%s, %s)", [name, json.dumps(value)]
        )


def sign_in(user) -> dict:
    """A session for ``user`` and the CSRF cookie her first page set, as her browser sends
    them with every request; and the CSRF secret her forms post."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # Django accepts the unmasked secret as the form's token.
    csrf = get_random_string(CSRF_SECRET_LENGTH)
    return {
        "id": user.pk,
        "session": session.session_key,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "csrf": csrf,
    }


def _chosen(meta: dict) -> list[int]:
    """Up to ``MEMBERS`` members, taken in turn from each working circle (its facilitators
    first), starting with the measured member."""
    from benchmarks.seed import FEED_CIRCLE
    from circles.models import Membership, MembershipKind

    working = [FEED_CIRCLE] + [f"bench-circle-{i:02d}" for i in range(1, meta["size"]["circles"])]
    queues: dict[str, list[int]] = {slug: [] for slug in working}
    rows = (
        Membership.objects.active()
        .filter(circle__slug__in=working)
        .order_by("circle__slug", "member_id")
        .values_list("circle__slug", "member_id", "kind")
    )
    for slug, member_id, kind in rows:
        if kind == MembershipKind.FACILITATOR:
            queues[slug].insert(0, member_id)
        else:
            queues[slug].append(member_id)
    everyone = {m for q in queues.values() for m in q}
    wanted = min(MEMBERS, len(everyone))
    chosen, seen = [meta["member"], meta["facilitator"]], {meta["member"], meta["facilitator"]}
    positions = dict.fromkeys(working, 0)
    while len(chosen) < wanted:
        before = len(chosen)
        for slug in working:
            queue = queues[slug]
            while positions[slug] < len(queue) and queue[positions[slug]] in seen:
                positions[slug] += 1
            if positions[slug] < len(queue) and len(chosen) < wanted:
                chosen.append(queue[positions[slug]])
                seen.add(queue[positions[slug]])
                positions[slug] += 1
        if len(chosen) == before:
            break
    return chosen[:wanted]


def build(meta: dict, path: Path) -> dict:
    """Sign the members in, draw their requests and writes, write them to ``path``; return
    a summary for the bench's meta."""
    from django.contrib.sessions.models import Session

    from benchmarks.seed import TEXTS
    from circles.models import (
        ActionLog,
        CircleStatus,
        LogState,
        Membership,
        MembershipKind,
        Response,
    )
    from members.models import User

    words = set(re.findall(r"[\w-]+", " ".join(TEXTS).lower()))
    assert all(set(term.split()) <= words for term in SEARCH_TERMS), "a term not seeded"
    rng = random.Random(20261129)
    # The last run's sessions go; each run signs its members in afresh.
    Session.objects.filter(session_key__in=_stored("sessions") or []).delete()
    chosen = _chosen(meta)
    users = User.objects.in_bulk(chosen)
    members = [sign_in(users[pk]) for pk in chosen]
    _store("sessions", [m["session"] for m in members])
    index = {m["id"]: n for n, m in enumerate(members)}

    circles_of: dict[int, list[tuple[int, str]]] = {m["id"]: [] for m in members}
    facilitates: dict[int, list[str]] = {m["id"]: [] for m in members}
    for member_id, circle_id, slug, kind in (
        Membership.objects.active()
        .filter(member_id__in=chosen, circle__status=CircleStatus.ACTIVE)
        .order_by("member_id", "circle_id")
        .values_list("member_id", "circle_id", "circle__slug", "kind")
    ):
        circles_of[member_id].append((circle_id, slug))
        if kind == MembershipKind.FACILITATOR:
            facilitates[member_id].append(slug)
    circle_ids = {c for cs in circles_of.values() for c, _ in cs}
    logs_in: dict[int, list[tuple[int, int]]] = {c: [] for c in circle_ids}
    for pk, circle_id, author_id in (
        ActionLog.objects.filter(
            circle_id__in=circle_ids,
            state=LogState.PUBLISHED,
            is_hidden=False,
            locked_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "circle_id", "author_id")
    ):
        logs_in[circle_id].append((pk, author_id))
    slug_of = {c: s for cs in circles_of.values() for c, s in cs}
    # Each member's logs to read: every published log of her circles.
    readable = {
        m: [(slug_of[c], pk, author) for c, _ in cs for pk, author in logs_in[c]]
        for m, cs in circles_of.items()
    }

    def page(kind: str, member_id: int) -> str:
        if kind == "log page":
            slug, pk, _ = rng.choice(readable[member_id])
            return f"/circles/{slug}/logs/{pk}/"
        if kind == "circle feed":
            return f"/circles/{rng.choice(circles_of[member_id])[1]}/"
        if kind == "people page":
            return f"/circles/{rng.choice(circles_of[member_id])[1]}/people/"
        if kind == "circle health":
            return f"/facilitate/{rng.choice(facilitates[member_id])}/health/"
        if kind == "search":
            return "/search/?" + urlencode({"q": rng.choice(SEARCH_TERMS)})
        return {
            "dashboard": "/dashboard/",
            "notifications": "/notifications/",
            "learning record": "/me/record/",
            "meetings": "/meetings/",
        }[kind]

    def may_see(kind: str, member_id: int) -> bool:
        if kind in FACILITATOR_KINDS:
            return bool(facilitates[member_id])
        if kind in ("log page",):
            return bool(readable[member_id])
        if kind in ("circle feed", "people page"):
            return bool(circles_of[member_id])
        return True

    mix = []
    for _ in range(MIX_REQUESTS):
        member_id = rng.choice(chosen)
        kinds = [k for k in KINDS if may_see(k, member_id)]
        kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        mix.append((kind, page(kind, member_id), index[member_id]))
    kinds = {}
    for kind in KINDS:
        able = [m for m in chosen if may_see(kind, m)]
        kinds[kind] = [
            (page(kind, member_id), index[member_id])
            for member_id in (rng.choice(able) for _ in range(KIND_REQUESTS if able else 0))
        ]

    # Writes: a response on a log of her circles that is not hers ...
    others = {m: [(s, pk) for s, pk, author in logs if author != m] for m, logs in readable.items()}
    respond = []
    for _ in range(WRITE_TARGETS):
        member_id = rng.choice(chosen)
        if others[member_id]:
            slug, pk = rng.choice(others[member_id])
            respond.append((index[member_id], slug, pk))
    # ... and a log's author marking (or unmarking) a response to her log helpful.
    helpful = []
    for log_id, slug, log_author, pk, author, marked in (
        Response.objects.filter(
            log__author_id__in=chosen,
            log__state=LogState.PUBLISHED,
            log__is_hidden=False,
            log__locked_at__isnull=True,
            parent__isnull=True,
            is_hidden=False,
        )
        .order_by("pk")
        .values_list(
            "log_id", "log__circle__slug", "log__author_id", "pk", "author_id", "helpful_at"
        )
    ):
        if author != log_author and any(s == slug for _, s in circles_of[log_author]):
            helpful.append((index[log_author], slug, log_id, pk, marked is not None))
    if len(helpful) > WRITE_TARGETS:
        helpful = rng.sample(helpful, WRITE_TARGETS)

    data = {
        "members": members,
        "mix": mix,
        "kinds": kinds,
        "respond": respond,
        "helpful": helpful,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return {
        "mix_file": str(path),
        "mix_members": len(members),
        "mix_facilitators": sum(1 for m in chosen if facilitates[m]),
        "mix_circles": len({s for cs in circles_of.values() for _, s in cs}),
    }


# --- the bench's side -------------------------------------------------------------------------


@dataclass
class Traffic:
    members: list[dict]
    mix: list[tuple[str, str, int]]  # kind, path, member
    kinds: dict[str, list[tuple[str, int]]]
    respond: list[tuple[int, str, int]]
    helpful: list[list]

    @classmethod
    def read(cls, path: str) -> "Traffic":
        data = json.loads(Path(path).read_text())
        return cls(**data)

    def cookie(self, member: int) -> str:
        return self.members[member]["cookie"]

    def mix_entries(self) -> list[tuple[str, str]]:
        return [(path, self.cookie(m)) for _, path, m in self.mix]

    def kind_entries(self, kind: str) -> list[tuple[str, str]]:
        return [(path, self.cookie(m)) for path, m in self.kinds[kind]]

    def shares(self) -> dict[str, float]:
        counts = dict.fromkeys(KINDS, 0)
        for kind, _, _ in self.mix:
            counts[kind] += 1
        return {k: n / max(1, len(self.mix)) for k, n in counts.items()}


def get(base_url: str, path: str, cookie: str) -> tuple[int, str, str]:
    """One GET, redirects not followed: status, Location and body."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("Location") or "", body
    finally:
        conn.close()


def check_sample(base_url: str, traffic: Traffic, *, per_kind: int = 5, mixed: int = 20):
    """A sample of the requests, each as its member: every one must answer 200, not a
    redirect. Returns the failures: (kind, path, member id, status, location)."""
    rng = random.Random(7)
    sample = [
        (kind, path, member)
        for kind, entries in traffic.kinds.items()
        for path, member in rng.sample(entries, min(per_kind, len(entries)))
    ]
    sample += rng.sample(traffic.mix, min(mixed, len(traffic.mix)))

    def check(entry):
        kind, path, member = entry
        status, location, _ = get(base_url, path, traffic.cookie(member))
        if status != 200:
            return (kind, path, traffic.members[member]["id"], status, location)
        return None

    with ThreadPoolExecutor(2) as pool:  # as many as the server's workers
        return [failure for failure in pool.map(check, sample) if failure]


@dataclass
class Write:
    kind: str  # "response" or "helpful"
    phase: str  # what was being loaded when it was sent
    post_ms: float
    acknowledged: bool
    visible: bool
    problem: str = ""


class Writer(threading.Thread):
    """Writes through the real forms at ``rate`` a second, in turn a response and a helpful
    mark, each by a random member; after each, her next page (the log's) must show it.

    Each write starts on time whatever the last one's latency (up to ``IN_FLIGHT`` at once),
    as members do not wait for each other."""

    IN_FLIGHT = 4

    def __init__(self, base_url: str, traffic: Traffic, *, rate: float, tag: str):
        super().__init__(daemon=True)
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.traffic = traffic
        self.rate = rate
        self.tag = tag  # in every response written, with a serial number
        self.phase = ""
        self.writes: list[Write] = []
        self.rng = random.Random(time.time_ns())
        self._halt = threading.Event()
        self._lock = threading.Lock()
        # What each response's mark is now (True: marked helpful), as the last write left it,
        # and the marks being changed right now (never two writes on one mark at once).
        self.marked = {tuple(h[:4]): h[4] for h in traffic.helpful}
        self._busy: set[tuple] = set()
        self.started_at = self.stopped_at = 0.0

    def stop(self) -> None:
        self._halt.set()
        self.join(120)

    def run(self) -> None:
        self.started_at = time.perf_counter()
        kinds = [k for k, pool in (("response", self.traffic.respond),
                                   ("helpful", self.traffic.helpful)) if pool]  # fmt: skip
        n = 0
        with ThreadPoolExecutor(self.IN_FLIGHT, thread_name_prefix="bench-write") as pool:
            while kinds and self.rate > 0 and not self._halt.is_set():
                due = self.started_at + n / self.rate
                if self._halt.wait(max(0.0, due - time.perf_counter())):
                    break
                kind = kinds[n % len(kinds)]
                if kind == "response":
                    pool.submit(self._write, kind, self.phase, self._respond, n)
                else:
                    entry = self._free_mark()
                    if entry is not None:
                        pool.submit(self._write, kind, self.phase, self._helpful, entry)
                n += 1
        self.stopped_at = time.perf_counter()

    def _write(self, kind: str, phase: str, write, argument) -> None:
        try:
            done = write(argument)
        except (OSError, http.client.HTTPException) as error:
            done = Write(kind, phase, 0.0, False, False, f"{type(error).__name__}: {error}")
        done.phase = phase
        with self._lock:
            self.writes.append(done)

    def _free_mark(self) -> tuple | None:
        for _ in range(20):
            key = tuple(self.rng.choice(self.traffic.helpful)[:4])
            with self._lock:
                if key not in self._busy:
                    self._busy.add(key)
                    return key
        return None

    def _request(self, method: str, path: str, cookie: str, body: str | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            elapsed = (time.perf_counter() - started) * 1000
            return response.status, response.getheader("Location") or "", text, elapsed
        finally:
            conn.close()

    def _post(self, member: dict, path: str, fields: dict):
        body = urlencode({**fields, "csrfmiddlewaretoken": member["csrf"]})
        return self._request("POST", path, member["cookie"], body)

    def _respond(self, n: int) -> Write:
        who, slug, log_id = self.rng.choice(self.traffic.respond)
        member = self.traffic.members[who]
        log_path = f"/circles/{slug}/logs/{log_id}/"
        marker = f"bench-{self.tag}-{n:06d}"
        status, location, _, ms = self._post(
            member,
            f"{log_path}responses/",
            {"kind": "question", "body": f"What did the next shift notice? ({marker})"},
        )
        where = urlsplit(location)
        acknowledged = (
            status == 302 and where.path == log_path and where.fragment.startswith("response-")
        )
        if not acknowledged:
            return Write("response", "", ms, False, False, f"{log_path}: {status} {location}")
        status, _, page, _ = self._request("GET", log_path, member["cookie"])
        visible = status == 200 and marker in page
        problem = "" if visible else f"{log_path}: {status}, {marker} not on her next page"
        return Write("response", "", ms, True, visible, problem)

    def _helpful(self, key: tuple) -> Write:
        try:
            return self._mark(key)
        finally:
            with self._lock:
                self._busy.discard(key)

    def _mark(self, key: tuple) -> Write:
        who, slug, log_id, pk = key
        mark = not self.marked[key]
        member = self.traffic.members[who]
        log_path = f"/circles/{slug}/logs/{log_id}/"
        status, location, _, ms = self._post(
            member, f"{log_path}responses/{pk}/helpful/", {"helpful": "1" if mark else "0"}
        )
        where = urlsplit(location)
        acknowledged = (
            status == 302 and where.path == log_path and where.fragment == f"response-{pk}"
        )
        if not acknowledged:
            return Write("helpful", "", ms, False, False, f"{log_path} #{pk}: {status} {location}")
        self.marked[key] = mark
        status, _, page, _ = self._request("GET", log_path, member["cookie"])
        visible = status == 200 and _shows_mark(page, pk, marked=mark)
        problem = "" if visible else f"{log_path} #{pk}: {status}, the mark is not on her page"
        return Write("helpful", "", ms, True, visible, problem)


def _shows_mark(page: str, pk: int, *, marked: bool) -> bool:
    """The response's block offers to undo what was just done: its form posts helpful=0
    once marked, helpful=1 once unmarked."""
    start = page.find(f'id="response-{pk}"')
    if start < 0:
        return False
    end = page.find('<li id="response-', start + 1)
    block = page[start : end if end > 0 else len(page)]
    value = "0" if marked else "1"
    return re.search(rf'name="helpful"\s+value="{value}"', block) is not None
