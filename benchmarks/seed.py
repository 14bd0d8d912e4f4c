"""Deterministic seeding of a school of a given size, with bulk inserts and a progress bar.

The same ``Size`` and ``SEED_VERSION`` always give the same rows (dates are relative to
the Monday the school was seeded, stored with it); a database already seeded at that size
and version is reused as it is.
"""

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

SEED_VERSION = 3  # 2: notifications for the measured member; 3: for every log's author
RANDOM_SEED = 20261128


@dataclass(frozen=True)
class Size:
    circles: int  # the school's working circles
    members: int  # every member; all of them get a digest
    logs: int  # logs in the working circles
    responses: int
    filler_logs: int  # logs in other circles, to make the school big around a small circle
    small_circle_logs: int = 10


FULL = Size(circles=20, members=10_000, logs=5_000, responses=15_000, filler_logs=45_000)
SMALL_SCHOOL = Size(circles=4, members=200, logs=490, responses=1_000, filler_logs=0)
EMBEDDED = Size(circles=6, members=1_000, logs=1_200, responses=3_600, filler_logs=3_800)
EMBEDDED_SMALL_SCHOOL = Size(circles=2, members=60, logs=490, responses=600, filler_logs=0)
SMOKE = Size(circles=3, members=60, logs=120, responses=300, filler_logs=200)
SMOKE_SMALL_SCHOOL = Size(circles=2, members=30, logs=40, responses=60, filler_logs=0)

FEED_CIRCLE = "bench-feed"
SMALL_CIRCLE = "bench-small"
TAGS = [f"topic-{i:02d}" for i in range(30)]
TEXTS = [
    "We tried a **new handover** on the ward: each nurse names one risk for the next shift. "
    "Three of five shifts used it; the other two ran late and skipped it.",
    "Our volunteers kept missing the Tuesday briefing. I moved it to a ten-minute call "
    "on Monday evening and asked each coordinator to bring one question.",
    "A supplier raised prices by 12%. Instead of passing it on I asked three customers "
    "what they would drop first — all three named the same item.",
    "Staff turnover in the kitchen: two leavers in a month. I sat with each for *twenty "
    "minutes* and asked what would have made them stay.",
    "We piloted a sliding-scale fee for the clinic. Uptake rose, but admin time doubled; "
    "the form is the bottleneck, not the price.",
    "I asked the board to read one member story before each meeting. The discussion "
    "started from people rather than the budget for the first time.",
]


def _table():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed (name VARCHAR(64) PRIMARY KEY, value TEXT)"
        )


def seeded_meta() -> dict | None:
    _table()
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_seed WHERE name = 'meta'")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _save_meta(meta: dict) -> None:
    _table()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_seed WHERE name = 'meta'")
        cursor.execute(
            "INSERT INTO bench_seed (name, value) VALUES ('meta', %s)", [json.dumps(meta)]
        )


def wanted_meta(size: Size) -> dict:
    return {"version": SEED_VERSION, "size": asdict(size)}


def is_seeded(size: Size) -> bool:
    meta = seeded_meta()
    return meta is not None and {k: meta.get(k) for k in ("version", "size")} == wanted_meta(size)


def anchor_week() -> dt.date:
    """The Monday the school was seeded: its digest week."""
    return dt.date.fromisoformat(seeded_meta()["anchor"])


def _bulk(model, rows, bar, batch_size=2000):
    created = []
    for i in range(0, len(rows), batch_size):
        created += model.objects.bulk_create(rows[i : i + batch_size])
        bar.update(len(rows[i : i + batch_size]))
    return created


@transaction.atomic
def seed(size: Size) -> dict:
    """Fill an empty, migrated database. Returns the stored meta."""
    from allauth.account.models import EmailAddress
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    from circles.models import (
        CARD_EXCERPT_LENGTH,
        ActionLog,
        Circle,
        LogState,
        Membership,
        MembershipKind,
        MembershipState,
        Response,
        ResponseKind,
    )
    from circles.text import excerpt_text, render_markdown
    from members.models import Profile, Role, User

    rng = random.Random(RANDOM_SEED)
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    anchor = today - dt.timedelta(days=today.weekday())
    anchor_at = dt.datetime.combine(anchor, dt.time.min, tzinfo=timezone.get_default_timezone())
    now = timezone.now()
    html = {t: render_markdown(t) for t in TEXTS}
    excerpts = {t: excerpt_text(h, CARD_EXCERPT_LENGTH) for t, h in html.items()}
    password = make_password("bench-Passphrase-2026")

    filler_circles = max(1, size.filler_logs // 2500) if size.filler_logs else 0
    total = (
        size.members * 4
        + size.logs
        + size.filler_logs
        + size.small_circle_logs
        + size.responses
        + 20
        + 2 * (size.logs + size.filler_logs + size.small_circle_logs)
        + size.responses
    )
    bar = tqdm(total=total, desc="seeding", unit="row", mininterval=1.0)

    roles = [
        Role.objects.create(name=f"Bench role {i}", slug=f"bench-role-{i}", sector="health")
        for i in range(5)
    ]
    users = _bulk(
        User,
        [
            User(email=f"bench{i:05d}@example.org", password=password, is_active=True)
            for i in range(size.members)
        ],
        bar,
    )
    _bulk(
        EmailAddress,
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        bar,
    )
    _bulk(
        Profile,
        [
            Profile(
                user=u,
                display_name=f"Member {i:05d}",
                organisation="Bench Trust",
                sector="health",
                onboarded_at=now,
            )
            for i, u in enumerate(users)
        ],
        bar,
    )

    names = [FEED_CIRCLE] + [f"bench-circle-{i:02d}" for i in range(1, size.circles)]
    circles = []
    for i, slug in enumerate(names):
        circles.append(
            Circle(
                name=slug.replace("-", " ").title(),
                slug=slug,
                purpose=TEXTS[i % len(TEXTS)],
                purpose_html=html[TEXTS[i % len(TEXTS)]],
                capacity=5000,
            )
        )
    circles.append(
        Circle(name="Bench Small", slug=SMALL_CIRCLE, purpose=TEXTS[0], purpose_html=html[TEXTS[0]])
    )
    for i in range(filler_circles):
        circles.append(
            Circle(
                name=f"Bench Archive {i:02d}",
                slug=f"bench-archive-{i:02d}",
                purpose=TEXTS[1],
                purpose_html=html[TEXTS[1]],
                capacity=5000,
            )
        )
    circles = Circle.objects.bulk_create(circles)
    working, small, fillers = (
        circles[: size.circles],
        circles[size.circles],
        circles[-filler_circles:] if filler_circles else [],
    )
    Circle.roles.through.objects.bulk_create(
        [Circle.roles.through(circle=c, role=roles[i % len(roles)]) for i, c in enumerate(circles)]
    )

    # Memberships: everyone in one working circle, every third member in a second one.
    members_of: dict[int, list] = {c.pk: [] for c in circles}
    rows = []
    for i, u in enumerate(users):
        homes = [working[i % size.circles]]
        if i % 3 == 0 and size.circles > 1:
            second = working[(i // 3 + 7) % size.circles]
            if second.pk != homes[0].pk:
                homes.append(second)
        for c in homes:
            members_of[c.pk].append(u)
    the_member = bench_member_index(size)
    for c in [small, *fillers]:
        picked = users[:12] if c is small else rng.sample(users, min(12, len(users)))
        if c is small and users[the_member] not in picked:
            picked = [*picked, users[the_member]]
        members_of[c.pk].extend(picked)
    joined = anchor_at - dt.timedelta(weeks=30)
    for c in circles:
        for n, u in enumerate(members_of[c.pk]):
            rows.append(
                Membership(
                    member=u,
                    circle=c,
                    state=MembershipState.ACTIVE,
                    kind=MembershipKind.FACILITATOR if n == 0 else MembershipKind.MEMBER,
                    joined_at=joined,
                    created_at=joined,
                )
            )
    _bulk(Membership, rows, bar)
    user_ids = {u.pk for u in users}
    assert len(user_ids) == len(users)

    # Logs: a fifth published in the digest week, the rest over the 25 weeks before.
    def make_log(circle, n):
        author = rng.choice(members_of[circle.pk])
        text = TEXTS[n % len(TEXTS)]
        roll = rng.random()
        if roll < 0.2:
            published = anchor_at - dt.timedelta(seconds=rng.randint(3600, 7 * 86400 - 3600))
        else:
            published = anchor_at - dt.timedelta(seconds=rng.randint(7 * 86400, 26 * 7 * 86400))
        state = LogState.DRAFT if roll > 0.97 else LogState.PUBLISHED
        due = anchor + dt.timedelta(days=rng.randint(-20, 14)) if rng.random() < 0.3 else None
        return ActionLog(
            circle=circle,
            author=author,
            title=f"Log {n} in {circle.slug}",
            situation=text,
            situation_html=html[text],
            situation_excerpt=excerpts[text],
            action=TEXTS[(n + 1) % len(TEXTS)],
            action_html=html[TEXTS[(n + 1) % len(TEXTS)]],
            next_step="Ask two colleagues what they saw." if due else "",
            next_step_html="<p>Ask two colleagues what they saw.</p>" if due else "",
            next_step_due=due,
            state=state,
            created_at=published,
            published_at=published if state == LogState.PUBLISHED else None,
            is_hidden=state == LogState.PUBLISHED and 0.95 < roll <= 0.97,
        )

    logs = [make_log(working[n % size.circles], n) for n in range(size.logs)]
    logs += [make_log(small, n) for n in range(size.small_circle_logs)]
    logs += [make_log(fillers[n % len(fillers)], n) for n in range(size.filler_logs)]
    for c in working:
        first = next(lg for lg in logs if lg.circle is c and lg.state == LogState.PUBLISHED)
        first.pinned_at = first.published_at
    logs = _bulk(ActionLog, logs, bar)

    # Responses: on the working circles' published logs; about a third get none.
    published = [
        lg for lg in logs[: size.logs] if lg.state == LogState.PUBLISHED and not lg.is_hidden
    ]
    the_log = max(
        (lg for lg in published if lg.circle.slug == FEED_CIRCLE), key=lambda lg: lg.published_at
    )
    answered = [lg for lg in published if rng.random() < 0.7 and lg is not the_log]
    kinds = ResponseKind.values
    responses = []

    def make_response(log, n):
        author = rng.choice(members_of[log.circle_id])
        text = TEXTS[n % len(TEXTS)]
        created = log.published_at + dt.timedelta(seconds=rng.randint(1800, 4 * 86400))
        created = min(created, now - dt.timedelta(minutes=1))
        return Response(
            log=log,
            author=author,
            kind=kinds[n % len(kinds)],
            body=text,
            body_html=html[text],
            created_at=created,
            is_hidden=rng.random() < 0.01,
        )

    for n in range(size.responses):
        responses.append(make_response(rng.choice(answered), n))
    for n in range(20):  # the log page measured: twenty responses
        response = make_response(the_log, n)
        response.is_hidden = False
        responses.append(response)
    _bulk(Response, responses, bar)

    tags = Tag.objects.bulk_create([Tag(name=t, slug=t) for t in TAGS])
    log_type = ContentType.objects.get_for_model(ActionLog)
    circle_type = ContentType.objects.get_for_model(Circle)
    tagged = []
    for lg in logs:
        for tag in rng.sample(tags, 2):
            tagged.append(TaggedItem(tag=tag, content_type=log_type, object_id=lg.pk))
    for c in circles:
        for tag in rng.sample(tags, 2):
            tagged.append(TaggedItem(tag=tag, content_type=circle_type, object_id=c.pk))
    _bulk(TaggedItem, tagged, bar, batch_size=5000)
    Profile.roles.through.objects.bulk_create(
        [Profile.roles.through(profile_id=users[the_member].profile.pk, role=roles[-1])]
    )
    _notifications_seed(users[the_member], responses)
    _notifications_of_authors(responses, bar)
    bar.close()

    meta = {
        **wanted_meta(size),
        "anchor": anchor.isoformat(),
        "member": users[the_member].pk,
        "facilitator": members_of[working[0].pk][0].pk,
        "log": the_log.pk,
    }
    _save_meta(meta)
    return meta


def _notifications_seed(member, responses, count: int = 200) -> None:
    """The measured member's bell and notifications page: ``count`` notifications about
    responses in her circles, a quarter of them unread."""
    from notifications.models import Notification, Verb

    circles = set(member.memberships.values_list("circle_id", flat=True))
    mine = [r for r in responses if r.log.circle_id in circles][:count]
    Notification.objects.bulk_create(
        Notification(
            recipient=member,
            verb=Verb.RESPONDED,
            actor_id=r.author_id,
            circle_id=r.log.circle_id,
            log_id=r.log_id,
            response=r,
            created_at=r.created_at,
            read_at=None if n % 4 == 0 else r.created_at,
        )
        for n, r in enumerate(mine)
    )


def _notifications_of_authors(responses, bar) -> None:
    """Every log's author heard of each response to her log, as ``response_posted`` tells
    her: the notifications page of any member who writes logs; three in four read."""
    from notifications.models import Notification, Verb

    rows = [
        Notification(
            recipient_id=r.log.author_id,
            verb=Verb.RESPONDED,
            actor_id=r.author_id,
            circle_id=r.log.circle_id,
            log_id=r.log_id,
            response=r,
            created_at=r.created_at,
            read_at=None if n % 4 == 0 else r.created_at,
        )
        for n, r in enumerate(responses)
        if r.author_id != r.log.author_id and not r.is_hidden
    ]
    _bulk(Notification, rows, bar, batch_size=5000)


def bench_member_index(size: Size) -> int:
    """A member (not a facilitator) of the feed circle who is in a second circle too."""
    for i in range(size.circles * 3, size.members):
        if i % size.circles == 0 and i % 3 == 0:
            return i
    return size.circles
