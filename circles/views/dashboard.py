"""A member's dashboard: her circles, logs waiting for a response, her commitments (filled
by ``circles.selectors.dashboard_for``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from circles.people import people_shown
from circles.selectors import dashboard_for


@login_required
def dashboard(request):
    context = dashboard_for(user=request.user)
    context["shown"] = people_shown(circle_ids=[c.pk for c in context["my_circles"]])
    return render(request, "circles/dashboard.html", context)
