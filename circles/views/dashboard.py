"""A member's dashboard: her circles, logs waiting for a response, her commitments (filled
by ``circles.selectors.dashboard_for``), kept for her while none of it changes."""

from functools import partial

from django.contrib.auth.decorators import login_required

from circles.pages import kept_page
from circles.selectors import dashboard_for, dashboard_revisions


@login_required
def dashboard(request):
    return kept_page(
        request,
        "circles/dashboard.html",
        partial(dashboard_for, user=request.user),
        depends_on=partial(dashboard_revisions, user=request.user),
    )
