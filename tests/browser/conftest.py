"""Real-browser fixtures: Playwright for Python driving Debian's Chromium against live_server.

One Chromium per test session (started on first use, closed at the end); one fresh browser
context per person in a journey. Nothing is downloaded: Playwright is pointed at the system
Chromium, and axe-core comes bundled inside the axe-playwright-python package.

Every page a journey visits must pass ``check_page(page)`` (axe: WCAG 2.0/2.1/2.2 A and AA,
zero violations; no sideways scroll at 320px); every page is served with the site's
Content-Security-Policy and breaks none of it (the console reports no violation). A test
that navigates to a page and never checks it errors at teardown, so a journey cannot
silently skip a page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, DESKTOP, page_key

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
HOW_TO_GET_CHROMIUM = (
    "install Debian's Chromium with `apt-get install -y chromium` (.ci/run does this), "
    "or point CHROMIUM_PATH at a Chromium binary"
)
# Generous, for a machine shared with other test runs; a passing journey never waits them out.
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


# --- collection: browser tests are marked and run last ---------------------------------------


def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/browser and run it after the rest of the suite: a slow
    browser never hides a fast failure.

    While Chromium is open Playwright's event loop is "running" in the main thread; the
    browser is opened for each module and closed after it (``browser``).
    """
    here = Path(__file__).parent
    browser_items, other_items = [], []
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            # Under pytest-xdist a module's journeys run together, on one browser.
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))
            browser_items.append(item)
        else:
            other_items.append(item)
    items[:] = other_items + browser_items


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _this_runs_failures_only():
    shutil.rmtree(ARTIFACTS / "failures", ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one module's journeys (under pytest-xdist a module runs on one
    worker): the rest of the suite never shares a process with an open browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the lock file installs it
        pytest.skip("Playwright is not installed: run `make install` (requirements.lock)")
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"No Chromium found for the browser tests: {HOW_TO_GET_CHROMIUM}")

    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an asyncio loop running in this thread while the
    # browser is open; Django would then refuse ORM calls from the test (set-up data,
    # assertions, the database flush). They are plain synchronous calls: allow them for
    # exactly as long as the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        playwright.stop()
        pytest.skip(f"Chromium at {executable} did not start ({exc}): {HOW_TO_GET_CHROMIUM}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings):
    """The live server, with links in emails pointing at it."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def open_page(browser, site, request):
    """Open a page in a fresh browser context (a separate person with their own cookies).

    ``open_page(java_script_enabled=False)`` gives a person whose browser runs no script;
    ``open_page(tab_of=page)`` opens another tab for the person who has ``page`` open.
    Uncaught JavaScript errors, server errors (5xx), a page served without a
    Content-Security-Policy and any CSP violation reported in the console fail the test.
    """
    contexts = []
    pages = []

    def _open(*, java_script_enabled: bool = True, viewport: dict | None = None, tab_of=None):
        if tab_of is not None:  # a new tab for the same person (say, a link from an email)
            context = tab_of.context
        else:
            context = browser.new_context(
                base_url=site.url,
                viewport=viewport or DESKTOP,
                java_script_enabled=java_script_enabled,
                locale="en-GB",
                timezone_id="Europe/London",
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            contexts.append(context)
        page = context.new_page()
        page.sbs_javascript = java_script_enabled if tab_of is None else tab_of.sbs_javascript
        page.sbs_visited = []
        page.sbs_checked = set()
        page.sbs_problems = []
        page.on(
            "framenavigated",
            lambda frame: frame == page.main_frame and page.sbs_visited.append(frame.url),
        )
        page.on("pageerror", lambda exc: page.sbs_problems.append(f"JavaScript error: {exc}"))
        page.on(
            "response",
            lambda response: (
                response.status >= 500
                and page.sbs_problems.append(f"{response.status} from {response.url}")
            ),
        )
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.sbs_problems.append(f"CSP violation on {page.url}: {message.text}")
            ),
        )
        page.on(
            "response",
            lambda response: (
                response.request.resource_type == "document"
                and response.url.startswith(site.url)
                and "content-security-policy" not in response.headers
                and page.sbs_problems.append(f"no Content-Security-Policy on {response.url}")
            ),
        )
        pages.append(page)
        return page

    yield _open

    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    problems = []
    for index, page in enumerate(pages):
        if failed and not page.is_closed():
            ARTIFACTS.joinpath("failures").mkdir(parents=True, exist_ok=True)
            name = f"{request.node.name}-{index}.png".replace("/", "_")
            page.screenshot(path=ARTIFACTS / "failures" / name, full_page=True, caret="initial")
        problems += page.sbs_problems
        unchecked = {
            page_key(url)
            for url in page.sbs_visited
            if url.startswith(site.url) and page_key(url) not in page.sbs_checked
        }
        if unchecked:
            problems.append(f"visited but never checked with check_page(): {sorted(unchecked)}")
    for context in contexts:
        context.close()
    if problems and not failed:
        pytest.fail("\n".join(problems))


@pytest.fixture
def page(open_page):
    return open_page()
