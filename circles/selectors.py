"""Reads that pages and emails need, shaped so templates run no queries."""

from members.selectors import roles_of

# --- directory and circle pages (memberships engineer) --------------------------------------


# --- feed, log page, dashboard, my logs (logs engineer) -------------------------------------


def dashboard_for(*, user) -> dict:
    """Everything the dashboard shows, already shaped so the template runs no query."""
    return {"my_roles": list(roles_of(user=user))}
