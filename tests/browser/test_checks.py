"""The page checks every journey relies on must themselves be able to fail."""

import pytest

from tests.browser.helpers import (
    assert_aria_references_resolve,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
)

pytestmark = pytest.mark.browser

CLEAN = """<!DOCTYPE html><html lang="en"><head><title>Clean</title></head><body>
<main><h1>Clean</h1><label for="q">Search</label><input id="q" type="search"></main>
</body></html>"""


@pytest.fixture
def bare_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_axe_passes_a_clean_page_and_fails_an_unlabelled_input_and_low_contrast(bare_page):
    bare_page.set_content(CLEAN)
    assert_no_axe_violations(bare_page)

    bare_page.set_content(
        CLEAN.replace('<label for="q">Search</label>', "").replace(
            "<h1>Clean</h1>", '<h1>Clean</h1><p style="color:#bbb;background:#fff">faint</p>'
        )
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(bare_page)
    assert "label" in str(failure.value)
    assert "color-contrast" in str(failure.value)


def test_sideways_scroll_at_320px_is_caught(bare_page):
    bare_page.set_content(CLEAN)
    assert_no_horizontal_scroll(bare_page)

    bare_page.set_content(CLEAN.replace("</main>", '<pre style="width:400px">wide</pre></main>'))
    with pytest.raises(pytest.fail.Exception, match="scrolls sideways at 320px"):
        assert_no_horizontal_scroll(bare_page)
    assert bare_page.viewport_size == {"width": 1280, "height": 800}  # restored


def test_help_text_that_a_field_points_at_must_exist(bare_page):
    bare_page.set_content(CLEAN.replace('type="search"', 'type="search" aria-describedby="q_help"'))
    with pytest.raises(pytest.fail.Exception, match='aria-describedby="q_help"'):
        assert_aria_references_resolve(bare_page)

    bare_page.set_content(
        CLEAN.replace('type="search"', 'type="search" aria-describedby="q_help"').replace(
            "</main>", '<p id="q_help">Words from the title.</p></main>'
        )
    )
    assert_aria_references_resolve(bare_page)


def test_axe_runs_on_a_page_whose_javascript_is_off(browser, site):
    """axe needs timers, which a no-JavaScript page never fires: it runs in a twin page."""
    context = browser.new_context(java_script_enabled=False, base_url=site.url)
    try:
        page = context.new_page()
        page.sbs_javascript = False
        page.route(
            "**/no-js-probe/",
            lambda route: route.fulfill(
                body=CLEAN.replace('<label for="q">Search</label>', ""),
                content_type="text/html",
            ),
        )
        page.goto("/no-js-probe/")
        with pytest.raises(pytest.fail.Exception, match="label"):
            assert_no_axe_violations(page)
    finally:
        context.close()
