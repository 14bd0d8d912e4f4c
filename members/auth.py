"""The authentication backends (``AUTHENTICATION_BACKENDS``): Django's and allauth's, whose
``get_user`` — run once per signed-in request — reads the member's profile and whether an
email address of hers is verified with her user row, in one query. Every page needs both
(``members.middleware`` checks onboarding and verification and sets her time zone).

That query runs on every signed-in request, so it is compiled once per process and
database (``_UserQuery``), prepared on the server (``school.prepared``), and its rows are
turned into objects as the ORM's own ``ModelIterable`` does; only the user's id changes
between requests."""

from functools import cache

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.db import connections, router
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators

from school.prepared import execute_prepared

_EMAIL_VERIFIED = RawSQL(
    "EXISTS (SELECT 1 FROM account_emailaddress e"
    ' WHERE e.user_id = "members_user"."id" AND e.verified)',
    (),
    output_field=BooleanField(),
)
_ANY_ID = -7_319_205_113  # stands for the user's id while the query is compiled


class _UserQuery:
    def __init__(self, alias: str):
        users = get_user_model()._default_manager.db_manager(alias).select_related("profile")
        query = users.annotate(email_verified=_EMAIL_VERIFIED).filter(pk=_ANY_ID).query
        self.alias = alias
        self.compiler = query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.id_at = self.params.index(_ANY_ID)
        info, select = self.compiler.klass_info, self.compiler.select
        fields = info["select_fields"]
        self.fields = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.fields]]
        self.model = info["model"]
        # What ``results_iter`` and ``ModelIterable`` would work out again for every row.
        columns = [column[0] for column in select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)
        self.populators = get_related_populators(info, select, alias)
        self.annotations = list(self.compiler.annotation_col_map.items())

    def user(self, user_id: int):
        params = list(self.params)
        params[self.id_at] = user_id
        with connections[self.alias].cursor() as cursor:
            execute_prepared(cursor, "members_user_signed_in", self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(self.compiler.apply_converters([row], self.converters))
        user = self.model.from_db(self.alias, self.init_list, row[self.fields])
        for populator in self.populators:
            populator.populate(row, user)
        for name, at in self.annotations:
            setattr(user, name, row[at])
        return user


@cache
def _user_query(alias: str) -> _UserQuery:
    return _UserQuery(alias)


class _WithProfile:
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except Exception:  # a session naming no valid id: nobody
            return None
        alias = router.db_for_read(get_user_model())
        user = _user_query(alias).user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithProfile, backends.ModelBackend):
    pass


class AuthenticationBackend(_WithProfile, auth_backends.AuthenticationBackend):
    pass
