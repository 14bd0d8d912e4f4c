from members.selectors import roles_of


def dashboard_for(*, user) -> dict:
    """Everything the dashboard shows, already shaped so the template runs no query."""
    return {"my_roles": list(roles_of(user=user))}
