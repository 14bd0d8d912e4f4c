"""Two facilitators deciding on the same thing at the same moment: one decision is taken
and recorded, the other is told it is already done (the services lock the row)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from circles.models import ModerationAction, ModerationVerb, Report, ReportReason, ReportState
from facilitation import services
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    ResponseFactory,
)

ATTEMPTS = 4


def _race(actions):
    barrier = threading.Barrier(len(actions))
    results = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            results.append("ok")
        except ValidationError as error:
            results.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent transactions need PostgreSQL: set DATABASE_URL=postgres://… "
            "(SQLite serialises writers with IMMEDIATE transactions anyway)"
        )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_hides_record_one_decision(postgres_only):
    circle = CircleFactory()
    facilitators = [FacilitatorFactory(circle=circle).member for _ in range(ATTEMPTS)]
    log = ActionLogFactory(circle=circle)
    response = ResponseFactory(log=log)
    results = _race(
        [
            lambda f=f: services.content_hide(actor=f, response=response, reason=f"By {f.pk}")
            for f in facilitators
        ]
    )
    assert results == ["This is already hidden."] * (ATTEMPTS - 1) + ["ok"]
    assert ModerationAction.objects.filter(verb=ModerationVerb.HIDE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_dismissals_record_one_decision(postgres_only):
    circle = CircleFactory()
    facilitators = [FacilitatorFactory(circle=circle).member for _ in range(ATTEMPTS)]
    log = ActionLogFactory(circle=circle)
    reporter = MembershipFactory(circle=circle).member
    report, _ = services.report_create(reporter=reporter, log=log, reason=ReportReason.OTHER)
    results = _race(
        [lambda f=f: services.report_dismiss(actor=f, report=report) for f in facilitators]
    )
    assert results == ["This report has already been dealt with."] * (ATTEMPTS - 1) + ["ok"]
    assert ModerationAction.objects.filter(verb=ModerationVerb.DISMISS).count() == 1
    assert Report.objects.get(pk=report.pk).state == ReportState.DISMISSED
