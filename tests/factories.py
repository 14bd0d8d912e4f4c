import factory
from django.utils import timezone

from circles.models import (
    ActionLog,
    Circle,
    LogState,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
    ResponseKind,
)
from members.models import Profile, Role, User

PASSWORD = "a-long-Passphrase-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    is_active = True

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Give the user a verified primary email (allauth) and an onboarded profile."""
        if not create:
            return
        obj.save()
        if extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )
        ProfileFactory(user=obj)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory, verified=False)
    display_name = factory.Faker("name")
    organisation = factory.Faker("company")
    sector = "health"
    onboarded_at = factory.LazyFunction(timezone.now)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test role {n}")
    slug = factory.Sequence(lambda n: f"test-role-{n}")
    sector = "health"


# --- circles --------------------------------------------------------------------------------


class CircleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circle
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Circle {n}")
    slug = factory.Sequence(lambda n: f"circle-{n}")
    purpose = "Ward managers helping each other with **safe staffing**."
    join_policy = "open"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(UserFactory)
    circle = factory.SubFactory(CircleFactory)
    kind = MembershipKind.MEMBER
    state = MembershipState.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class FacilitatorFactory(MembershipFactory):
    kind = MembershipKind.FACILITATOR


class ActionLogFactory(factory.django.DjangoModelFactory):
    """A published log; pass ``state=LogState.DRAFT, published_at=None`` for a draft."""

    class Meta:
        model = ActionLog

    circle = factory.SubFactory(CircleFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Handover huddle, attempt {n}")
    situation = "Night-to-day handover overruns by 20 minutes."
    action = "A 10-minute standing huddle with a printed board."
    prediction = "Handover finishes on time three days out of five."
    outcome = "On time on four days; one overran because of an admission."
    insight = "The board helped more than the standing."
    next_step = "Try the board with the weekend team."
    state = LogState.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    log = factory.SubFactory(ActionLogFactory)
    author = factory.SubFactory(UserFactory)
    kind = ResponseKind.QUESTION
    body = "What did the weekend team make of it?"


# --- commons --------------------------------------------------------------------------------


class LessonFactory(factory.django.DjangoModelFactory):
    """A lesson shared to the commons from one of its author's logs, credited by role and
    region."""

    class Meta:
        model = "commons.Lesson"

    source_log = factory.SubFactory(ActionLogFactory)
    author = factory.LazyAttribute(lambda o: o.source_log.author)
    circle = factory.LazyAttribute(lambda o: o.source_log.circle)
    title = factory.Sequence(lambda n: f"A board beats a briefing, lesson {n}")
    situation = "Handovers overran."
    action = "A printed board by the nurses station."
    outcome = "On time most days."
    insight = "People read a board they can point at."
    credit = "role_region"
    role = factory.SubFactory(RoleFactory)
    region = "north_west"
