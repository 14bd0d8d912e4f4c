"""The release: a digest of the project's own code, templates and locked dependencies,
worked out once per process (at start-up for the web and the worker). Every cache key that
holds rendered HTML carries it (the digest's lines), so a deploy
that changes a template, or the code that shapes what a template is given, never reads
HTML rendered by the release before it."""

import hashlib
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings

_SUFFIXES = (".py", ".html", ".txt")


def _own(path: Path, base: Path) -> bool:
    return path.is_relative_to(base) and "site-packages" not in path.parts


def _files() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(d).resolve() for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(a.path).resolve() for a in apps.get_app_configs()]
    roots.append(base / "school")
    files = [base / "requirements.lock"]
    for root in sorted({r for r in roots if _own(r, base)}):
        files += [
            p
            for p in root.rglob("*")
            if p.suffix in _SUFFIXES and "migrations" not in p.parts and p.is_file()
        ]
    return sorted({p for p in files if p.exists()})


@cache
def release() -> str:
    """16 hex digits naming this release (the same on every machine of a deploy: it is
    made of the files' contents and their paths, not of times)."""
    base = Path(settings.BASE_DIR).resolve()
    digest = hashlib.blake2b(digest_size=8)
    for path in _files():
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
