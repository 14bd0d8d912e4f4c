from django.db.models import QuerySet

from members.models import Role, User


def roles_of(*, user: User) -> QuerySet[Role]:
    if not user.is_authenticated or not hasattr(user, "profile"):
        return Role.objects.none()
    return user.profile.roles.all()
