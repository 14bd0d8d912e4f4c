"""Demo data for `make run`. Idempotent: running it twice changes nothing."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circles.models import (
    REPLY,
    ActionLog,
    Circle,
    Invite,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from circles.services.memberships import invite_create, invite_token
from members.models import Profile, Role, User

DEMO_PASSWORD = "demo-passphrase-2026"

PEOPLE = [
    # email, display name, organisation, sector, role slugs, staff
    ("admin@example.org", "School admin", "Social Business School", "other", [], True),
    (
        "asha@example.org",
        "Asha Patel",
        "St Mary's Hospital",
        "health",
        ["ward-manager-senior-nurse"],
        False,
    ),
    (
        "tom@example.org",
        "Tom Okafor",
        "Northgate General",
        "health",
        ["ward-manager-senior-nurse", "charge-nurse"],
        False,
    ),
    ("grace@example.org", "Grace Lindqvist", "Royal Infirmary", "health", ["matron"], False),
    (
        "ben@example.org",
        "Ben Morales",
        "Leeds City Council",
        "local_government",
        ["city-official-service-delivery"],
        False,
    ),
    (
        "chloe@example.org",
        "Chloe Nakamura",
        "Bristol City Council",
        "local_government",
        ["deputy-head-of-service", "city-official-service-delivery"],
        False,
    ),
    (
        "ravi@example.org",
        "Ravi Shah",
        "Camden Council",
        "local_government",
        ["team-leader-public-service"],
        False,
    ),
]


class Command(BaseCommand):
    help = "Create demo users (and circles, logs and responses) for local use."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, name, org, sector, role_slugs, staff in PEOPLE:
            user, created = User.objects.get_or_create(
                email=email, defaults={"is_staff": staff, "is_superuser": staff}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            profile, _ = Profile.objects.get_or_create(user=user)
            profile.display_name = name
            profile.organisation = org
            profile.sector = sector
            profile.onboarded_at = profile.onboarded_at or timezone.now()
            profile.save()
            profile.roles.set(Role.objects.filter(slug__in=role_slugs))
        invite = seed_circles_and_logs(now=timezone.now())
        self.stdout.write(
            f"Demo circles: {', '.join(c.name for c in Circle.objects.filter(slug__in=SLUGS))}"
        )
        if invite is not None:
            token_url = reverse("circles:invite_accept", kwargs={"token": invite_token(invite)})
            self.stdout.write(
                f"Invite link to the cross-role circle: {settings.SITE_URL}{token_url}"
            )
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for email, name, *_rest, staff in PEOPLE:
            self.stdout.write(f"  {email:<22} {name}{'  (admin)' if staff else ''}")


# --- circles, action logs and responses ----------------------------------------------------

WARD, CITY, CROSS = "ward-managers-safe-staffing", "city-service-delivery", "across-the-boundary"
SLUGS = [WARD, CITY, CROSS]

CIRCLES = [
    {
        "slug": WARD,
        "name": "Ward managers: safe staffing and flow",
        "purpose": "For ward managers and senior nurses who want to try small, practical "
        "changes to **staffing, handover and patient flow** — and tell each other honestly "
        "what happened.\n\nWe meet (online) on Tuesdays; in between, we log and respond.",
        "join_policy": "open",
        "entry_question": "",
        "rhythm_weekday": 1,
        "roles": ["ward-manager-senior-nurse", "charge-nurse", "matron"],
        "tags": ["staffing", "handover", "patient flow"],
        "facilitators": ["grace@example.org"],
        "members": ["asha@example.org", "tom@example.org"],
    },
    {
        "slug": CITY,
        "name": "City service delivery lab",
        "purpose": "City officials who run services residents use every day — waste, "
        "housing repairs, contact centres — working through one change at a time.",
        "join_policy": "request",
        "entry_question": "Which service are you responsible for, and what would you like to "
        "change in it this quarter?",
        "rhythm_weekday": 3,
        "roles": [
            "city-official-service-delivery",
            "deputy-head-of-service",
            "team-leader-public-service",
        ],
        "tags": ["residents", "contact centre", "repairs"],
        "facilitators": ["chloe@example.org"],
        "members": ["ben@example.org", "ravi@example.org"],
        "pending": [
            (
                "tom@example.org",
                "I run a ward, but our discharge depends on council "
                "care packages: I would like to understand how you plan capacity.",
            )
        ],
    },
    {
        "slug": CROSS,
        "name": "Across the boundary: health and council",
        "purpose": "A small invite-only circle where nurses and council officials learn from "
        "each other's fixes. What works on a ward sometimes works in a contact centre.",
        "join_policy": "invite",
        "entry_question": "",
        "rhythm_weekday": 4,
        "roles": ["ward-manager-senior-nurse", "matron", "city-official-service-delivery"],
        "tags": ["cross-sector", "discharge"],
        "facilitators": ["grace@example.org", "chloe@example.org"],
        "members": ["asha@example.org", "ben@example.org"],
    },
]

# (key, circle slug, author, days ago published (None = draft), follows key, fields, tags,
#  next step due in days (None = no date; negative = already past))
LOGS = [
    (
        "huddle",
        WARD,
        "asha@example.org",
        21,
        None,
        {
            "title": "Ten-minute safety huddle at 07:30",
            "situation": "Day staff start the shift without knowing which patients are "
            "highest risk. Two falls last month happened in the first hour.",
            "action": "A standing huddle at the nurses' station at 07:30: every nurse names "
            "their one highest-risk patient, the nurse in charge writes it on the board.",
            "prediction": "The huddle will take ten minutes and the falls in the first hour "
            "will drop. I expect some pushback from the agency staff.",
            "outcome": "It took 14 minutes in week one and 9 by week two. No falls in the "
            "first hour for two weeks. The agency nurses liked it most — they said it was "
            "the first time anyone told them who to watch.",
            "insight": "I assumed resistance would come from outside the team; it came from "
            "two of my own band 6s who felt it duplicated handover.",
            "next_step": "Ask the night team to add their one worry to the board before "
            "they leave.",
            "ask": "Has anyone combined the huddle with handover rather than adding it on?",
        },
        ["handover", "falls"],
        -14,
    ),
    (
        "huddle-2",
        WARD,
        "asha@example.org",
        5,
        "huddle",
        {
            "title": "Safety huddle, week three: nights join in",
            "situation": "Following up the 07:30 huddle: the night team's knowledge was "
            "getting lost between handover and the huddle.",
            "action": "Night nurses write their one worry on the board at 07:00; the day "
            "huddle starts from it.",
            "prediction": "Nights will do it on most days if it takes under two minutes.",
            "outcome": "Five nights out of seven. The two misses were on nights with a "
            "cardiac arrest and a staff shortage.",
            "insight": "The board works because it outlasts the conversation.",
            "next_step": "Share the board template with the other two medical wards and "
            "ask their managers what they would change.",
            "ask": "Would a template be useful for your ward? What would you change?",
        },
        ["handover", "falls"],
        5,
    ),
    (
        "pharmacy",
        WARD,
        "tom@example.org",
        3,
        None,
        {
            "title": "Discharge before 11: moving the pharmacy round",
            "situation": "Patients fit for discharge wait until mid-afternoon for "
            "take-home medicines, so the beds are not free for the morning admissions.",
            "action": "Agreed with pharmacy to review tomorrow's likely discharges at 16:00 "
            "the day before, not on the morning round.",
            "prediction": "Half of planned discharges leave before 11:00 within a month.",
            "outcome": "Too early to say: first week, 3 of 11 left before 11.",
            "next_step": "Keep a tally for three more weeks and meet pharmacy on Friday.",
            "ask": "What did you do when consultants changed the plan on the morning round?",
        },
        ["patient flow", "discharge"],
        10,
    ),
    (
        "rota-draft",
        WARD,
        "tom@example.org",
        None,
        None,
        {
            "title": "Rota requests: trying self-rostering",
            "situation": "Half my rota requests arrive after the rota is published.",
            "action": "Thinking of a shared rota with rules the team agrees on.",
        },
        ["staffing"],
        None,
    ),
    (
        "bins",
        CITY,
        "ben@example.org",
        14,
        None,
        {
            "title": "Missed bin collections: one number for residents",
            "situation": "Residents report a missed collection to the contact centre, the "
            "crew, and the councillor — three records, no one owns the fix.",
            "action": "One reference number, given on the first call and printed on the "
            "crew's tablet, so everyone updates the same record.",
            "prediction": "Repeat calls about the same missed bin halve within six weeks.",
            "outcome": "Repeat calls down by a third after four weeks. The crews like "
            "closing the job themselves.",
            "insight": "The councillors' casework system was the real second record; "
            "nobody had asked their office.",
            "next_step": "Meet the members' casework team and agree they use the same reference.",
            "ask": "How have you brought councillors' casework into a service fix?",
        },
        ["residents", "waste"],
        -2,
    ),
    (
        "repairs",
        CITY,
        "ravi@example.org",
        1,
        None,
        {
            "title": "Housing repairs: booking the second visit at the first",
            "situation": "Two-visit repairs take five weeks because the second visit is "
            "booked by a different team after a report is typed up.",
            "action": "Give the operative a tablet to book the second visit before they "
            "leave the property.",
            "prediction": "Median time to finish a two-visit repair falls below three weeks.",
            "next_step": "Run it with one patch team for a month.",
            "ask": "What went wrong when you let front-line staff book work directly?",
        },
        ["repairs"],
        30,
    ),
    (
        "tell-us-once",
        CROSS,
        "asha@example.org",
        6,
        None,
        {
            "title": "What the council's 'tell us once' taught my ward about discharge letters",
            "situation": "Families repeat the same story to the ward, the discharge team and "
            "social care.",
            "action": "Borrowed the council's 'tell us once' idea: one family conversation, "
            "written up once, shared with social care with consent.",
            "prediction": "Fewer calls from families asking what happens next.",
            "outcome": "Families said they felt heard. Social care still asked twice — "
            "their form does not read ours.",
            "insight": "The fix lives on the boundary; neither side can make it alone.",
        },
        ["discharge", "cross-sector"],
        None,
    ),
    (
        "contact-handover",
        CROSS,
        "ben@example.org",
        2,
        None,
        {
            "title": "Borrowing the nursing handover for our contact-centre shift change",
            "situation": "Calls that span a shift change get dropped: the next adviser "
            "does not know what was promised.",
            "action": "A five-minute standing handover at 14:00 based on Asha's huddle "
            "board: every adviser names their one open promise.",
            "prediction": "Fewer complaints that start with 'I was told someone would call'.",
            "next_step": "Run it for two weeks and count the 'I was told' complaints.",
            "ask": "Nurses: how do you stop handover becoming a status report?",
        },
        ["cross-sector", "handover"],
        12,
    ),
]

# (log key, author, kind, body, hours after the log was published, helpful)
RESPONSES = [
    (
        "huddle",
        "tom@example.org",
        "question",
        "What did you do on days when the nurse in charge was pulled to another ward? Did "
        "the huddle still happen?",
        5,
        True,
    ),
    (
        "huddle",
        "grace@example.org",
        "reflection",
        "We tried something similar on the stroke unit. The board outlasted the matron who "
        "started it — which I think is the real test.",
        26,
        False,
    ),
    (
        "huddle-2",
        "grace@example.org",
        "question",
        "What would make the two missed nights easier — is it the two minutes, or knowing "
        "that someone will read it?",
        20,
        False,
    ),
    (
        "bins",
        "ravi@example.org",
        "question",
        "Who closes the record when a crew says the bin was not out? Does the resident hear back?",
        3,
        True,
    ),
    (
        "bins",
        "chloe@example.org",
        "resource",
        "The LGA case study on casework and service requests is worth ten minutes: it shows "
        "how two councils shared one reference with members' offices.",
        28,
        False,
    ),
    (
        "bins",
        "ravi@example.org",
        "suggestion",
        "Try giving the councillors' office read-only access to the crew tablet view first — "
        "less to negotiate than a new process.",
        50,
        False,
    ),
    (
        "tell-us-once",
        "ben@example.org",
        "reflection",
        "Same on our side: residents tell us once and then three of our own forms ask again. "
        "Your consent step is what we are missing.",
        8,
        True,
    ),
]

# Replies: (log key, who wrote the response replied to, who replies, body, hours after it).
REPLIES = [
    (
        "huddle",
        "tom@example.org",
        "asha@example.org",
        "Tom — on those days the most senior nurse ran it, and it was shorter but it happened. "
        "Writing it on the board made it less dependent on me.",
        25,
    ),
]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def seed_circles_and_logs(*, now) -> Invite | None:
    """Circles, memberships, logs and responses, created once (matched by slug, by
    member and circle, by author and title, by log, author and body)."""
    admin = User.objects.get(email="admin@example.org")
    circles = {spec["slug"]: _circle_seed(spec=spec, admin=admin, now=now) for spec in CIRCLES}
    logs = _logs_seed(circles=circles, now=now)
    _responses_seed(logs=logs, now=now)

    cross = circles[CROSS]
    invite = Invite.objects.filter(circle=cross).order_by("-created_at").first()
    if invite is None:
        invite = invite_create(actor=_user("grace@example.org"), circle=cross, days=60)
    return invite if invite.is_usable(now) else None


def _circle_seed(*, spec: dict, admin: User, now) -> Circle:
    circle, _ = Circle.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "purpose": spec["purpose"],
            "join_policy": spec["join_policy"],
            "entry_question": spec["entry_question"],
            "rhythm_weekday": spec["rhythm_weekday"],
            "created_by": admin,
        },
    )
    circle.roles.set(Role.objects.filter(slug__in=spec["roles"]))
    circle.tags.set(spec["tags"])
    for emails, kind in ((spec["facilitators"], MembershipKind.FACILITATOR),
                         (spec["members"], MembershipKind.MEMBER)):  # fmt: skip
        for email in emails:
            Membership.objects.get_or_create(
                member=_user(email),
                circle=circle,
                defaults={
                    "kind": kind,
                    "state": MembershipState.ACTIVE,
                    "joined_at": now - timedelta(days=40),
                    "created_at": now - timedelta(days=40),
                },
            )
    for email, answer in spec.get("pending", []):
        Membership.objects.get_or_create(
            member=_user(email),
            circle=circle,
            defaults={"state": MembershipState.PENDING, "entry_answer": answer},
        )
    return circle


def _logs_seed(*, circles: dict, now) -> dict[str, ActionLog]:
    logs: dict[str, ActionLog] = {}
    for key, slug, email, days_ago, follows, fields, tags, due_in in LOGS:
        published_at = None if days_ago is None else now - timedelta(days=days_ago)
        log, _ = ActionLog.objects.get_or_create(
            circle=circles[slug],
            author=_user(email),
            title=fields["title"],
            defaults={
                **fields,
                "follows": logs.get(follows),
                "state": LogState.DRAFT if published_at is None else LogState.PUBLISHED,
                "published_at": published_at,
                "created_at": (published_at or now) - timedelta(hours=2),
                "next_step_due": None
                if due_in is None
                else timezone.localdate(now) + timedelta(days=due_in),
            },
        )
        log.tags.set(tags)
        logs[key] = log
    return logs


def _responses_seed(*, logs: dict, now) -> None:
    for key, email, kind, body, hours, helpful in RESPONSES:
        log = logs[key]
        created = (log.published_at or now) + timedelta(hours=hours)
        Response.objects.get_or_create(
            log=log,
            author=_user(email),
            body=body,
            defaults={
                "kind": kind,
                "created_at": created,
                "helpful_at": created + timedelta(hours=4) if helpful else None,
            },
        )
    for key, asked_by, email, body, hours in REPLIES:
        parent = Response.objects.filter(
            log=logs[key], author=_user(asked_by), parent__isnull=True
        ).first()
        Response.objects.get_or_create(
            log=logs[key],
            parent=parent,
            author=_user(email),
            body=body,
            defaults={"kind": REPLY, "created_at": parent.created_at + timedelta(hours=hours)},
        )
