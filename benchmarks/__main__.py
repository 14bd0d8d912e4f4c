"""Benchmarks for the pages and jobs that grow with a circle.

Run with ``make bench``. Every figure is reported as a ratio: against the baseline (the
anonymous home page, measured in the same run, on the same machine, interleaved with the
scenarios) and, for each page, its "many items" time against its "few items" time. These
machines are shared and noisy, so absolute milliseconds are shown only for orientation.

Targets (the run exits non-zero when one is missed):
- a paginated or capped page (circle feed, dashboard) with 200 items costs at most
  ``GROWTH_LIMIT`` x the same page with 20 items (a page's worth), with equal query counts;
- the log page (every response shown) and the health page (every log counted) may grow
  in time, but not in query count;
- a digest batch of 100 members costs at most ``GROWTH_LIMIT`` x per member what a batch of
  10 costs, with equal query counts besides the one update that records each email sent
  (one SMTP connection per batch).
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "school.settings")
os.environ.setdefault("SECRET_KEY", "insecure-key-for-benchmarks")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from tqdm import tqdm  # noqa: E402

GROWTH_LIMIT = 2.0
FEW, MANY = 20, 200
# These render or aggregate every item (a log shows all its responses; health counts every
# log): their time may grow with the items, their query count may not.
UNBOUNDED = {"log page", "circle health"}
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def _median_seconds(fn, repeat=REPEAT) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _queries(fn) -> int:
    settings.DEBUG = True
    reset_queries()
    fn()
    n = len(connection.queries)
    settings.DEBUG = False
    return n


def _build(size: int, tag: str):
    """A circle with ``size`` logs, the last log with ``size`` responses, ``size`` members."""
    from tests.factories import (
        ActionLogFactory,
        CircleFactory,
        FacilitatorFactory,
        MembershipFactory,
        ResponseFactory,
        UserFactory,
    )

    circle = CircleFactory(slug=f"bench-{tag}", name=f"Bench {tag}")
    facilitator = UserFactory(email=f"fac-{tag}@example.org")
    FacilitatorFactory(member=facilitator, circle=circle)
    members = [UserFactory(email=f"m{i}-{tag}@example.org") for i in range(size)]
    for m in members:
        MembershipFactory(member=m, circle=circle)
    logs = [ActionLogFactory(circle=circle, author=members[i % size]) for i in range(size)]
    for log in logs:
        log.tags.add("handover", "staffing")
    for i in range(size):
        ResponseFactory(log=logs[-1], author=members[(i + 1) % size])
    return circle, facilitator, members[0], logs[-1]


def _digest_batches(base: float) -> list[str]:
    """Per-member cost of a digest batch of 10 and of 100 members (email to memory)."""
    import datetime as dt

    from django.utils import timezone

    from circles.models import Membership
    from notifications.models import DigestDelivery
    from notifications.services.digests import digest_send_batch

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    week = today - dt.timedelta(days=today.weekday())
    ids = list(
        Membership.objects.filter(circle__slug="bench-large")
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    figures = {}
    for size in (10, 100):
        batch = ids[:size]

        sent = []

        def run(batch=batch, sent=sent):
            DigestDelivery.objects.filter(week=week).delete()
            result = digest_send_batch(week=week, member_ids=batch)
            assert result.sent + result.skipped == len(batch), result
            sent.append(result.sent)

        # Each email sent is recorded by one update of its own: count the rest.
        figures[size] = (_median_seconds(run, repeat=5) / size, _queries(run) - sent[-1])
    (few_t, few_q), (many_t, many_q) = figures[10], figures[100]
    growth = many_t / few_t
    print(f"\n{'digest batch':<16}{'members':<9}{'ms/member':>10}{'x baseline':>12}{'queries':>9}")
    print(f"{'':<16}{10:<9}{few_t * 1000:>10.2f}{few_t / base:>12.2f}{few_q:>9}")
    print(f"{'':<16}{100:<9}{many_t * 1000:>10.2f}{many_t / base:>12.2f}{many_q:>9}")
    print(f"per-member cost, 100 vs 10: {growth:.2f}")
    failures = []
    if growth > GROWTH_LIMIT:
        failures.append(f"digest batch: per-member 100/10 = {growth:.2f} > {GROWTH_LIMIT}")
    if many_q != few_q:
        failures.append(
            f"digest batch: {many_q} queries besides sends for 100 members, {few_q} for 10"
        )
    return failures


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        small = _build(FEW, "small")
        large = _build(MANY, "large")
        anon = Client()

        def page(client_user, url):
            c = Client()
            c.force_login(client_user)

            def get():
                r = c.get(url)
                assert r.status_code == 200, (url, r.status_code)

            return get

        scenarios = {}
        for label, (circle, fac, member, log) in (("few", small), ("many", large)):
            scenarios[("circle feed", label)] = page(member, circle.get_absolute_url())
            scenarios[("log page", label)] = page(member, log.get_absolute_url())
            scenarios[("dashboard", label)] = page(member, "/dashboard/")
            scenarios[("circle health", label)] = page(fac, f"/facilitate/{circle.slug}/health/")

        def baseline():
            assert anon.get("/").status_code == 200

        results = {}
        base_samples = []
        for key, fn in tqdm(scenarios.items(), desc="benchmarks", unit="scenario"):
            base_samples.append(_median_seconds(baseline))
            results[key] = (_median_seconds(fn), _queries(fn))
        base = statistics.median(base_samples)

        failures = []
        print(f"\nbaseline (anonymous home page): {base * 1000:.2f} ms\n")
        print(
            f"{'scenario':<16}{'items':<7}{'ms':>8}{'x baseline':>12}{'queries':>9}{'many/few':>10}"
        )
        for name in dict.fromkeys(k[0] for k in scenarios):
            few_t, few_q = results[(name, "few")]
            many_t, many_q = results[(name, "many")]
            growth = many_t / few_t
            for label, (t, q) in (("few", (few_t, few_q)), ("many", (many_t, many_q))):
                extra = f"{growth:>10.2f}" if label == "many" else ""
                print(f"{name:<16}{label:<7}{t * 1000:>8.2f}{t / base:>12.2f}{q:>9}{extra}")
            if growth > GROWTH_LIMIT and name not in UNBOUNDED:
                failures.append(f"{name}: many/few = {growth:.2f} > {GROWTH_LIMIT}")
            if many_q != few_q:
                failures.append(f"{name}: {many_q} queries with many items, {few_q} with few")
        failures += _digest_batches(base)
        for line in failures:
            print("MISSED:", line)
        return 1 if failures else 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
