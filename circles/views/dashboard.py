"""A member's dashboard: her circles, logs waiting for a response, her commitments (filled
by ``circles.selectors.dashboard_for``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from circles.selectors import dashboard_for


@login_required
def dashboard(request):
    return render(request, "circles/dashboard.html", dashboard_for(user=request.user))
