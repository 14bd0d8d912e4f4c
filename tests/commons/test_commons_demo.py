"""`manage.py seed_commons_demo` shares two demo lessons, once, and search finds them."""

from io import StringIO

import pytest
from django.core.management import call_command

from commons.models import Lesson
from search.selectors import Filters, search
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_commons_is_seeded_once_and_found_by_search():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_commons_demo", stdout=StringIO())
    call_command("seed_commons_demo", stdout=StringIO())
    assert Lesson.objects.listed().count() == 2
    official = UserFactory()
    assert search(user=official, text="huddle", filters=Filters(only="lesson")).count == 1
