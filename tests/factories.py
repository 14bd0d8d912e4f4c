import factory
from django.utils import timezone

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
