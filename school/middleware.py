"""Response headers every page gets: a Content-Security-Policy, and no caching of pages
that depend on who is signed in."""

from functools import wraps

from django.conf import settings
from django.utils.cache import has_vary_header, patch_cache_control


def csp_header_value(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def csp_update(**directives: list[str]):
    """Add sources to directives of the policy for one view's responses only, e.g.
    ``@csp_update(style_src=["'unsafe-inline'"])`` (underscores stand for hyphens)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            response = view(*args, **kwargs)
            extra = getattr(response, "csp_update", {})
            for name, sources in directives.items():
                directive = name.replace("_", "-")
                extra[directive] = [*extra.get(directive, []), *sources]
            response.csp_update = extra
            return response

        return wrapped

    return decorator


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response (the admin included):
    scripts and styles only from this site's own files, no plugins, no framing, forms post
    only here. ``CSP_REPORT_ONLY`` sends it as report-only, to try a change out first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = {name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY.items()}
        for directive, sources in getattr(response, "csp_update", {}).items():
            policy[directive] = [
                *policy.get(directive, policy.get("default-src", [])),
                *sources,
            ]
        if settings.CSP_REPORT_URI:
            policy["report-uri"] = [settings.CSP_REPORT_URI]
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        response.headers.setdefault(header, csp_header_value(policy))
        return response


class PrivatePagesMiddleware:
    """A page that depends on who is signed in is never stored: not by a shared (ward)
    computer's browser, nor by a proxy. Such a page read the session (that is where who is
    signed in comes from), so the session middleware marked it ``Vary: Cookie``; that mark
    is all this looks at, so it never queries anything itself (an error page while the
    database is down stays quick). Static files are served before this runs (whitenoise)
    and keep their long cache lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if has_vary_header(response, "Cookie"):
            patch_cache_control(response, private=True, no_store=True)
        return response
