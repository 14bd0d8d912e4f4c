"""Directory, public circle page, joining and membership decisions (work in progress)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404("Not built yet.")


directory = detail = join = request_to_join = leave = admit = decline = _todo
invites = invite_revoke = invite_accept = _todo
