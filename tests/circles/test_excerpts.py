"""Excerpts of what people wrote, as emails and lists show them."""

from circles.text import excerpt


def test_an_excerpt_is_the_whole_text_when_it_fits_with_whitespace_collapsed():
    assert excerpt("Night  handover\n\nruns late", 200) == "Night handover runs late"
    assert excerpt("", 200) == ""
    assert excerpt(None, 200) == ""


def test_a_long_excerpt_keeps_as_much_as_fits_and_ends_with_an_ellipsis():
    link = "https://example.org/" + "a" * 300
    text = f"See {link} for the rota."
    cut = excerpt(text, 100)
    assert len(cut) == 100 and cut.endswith("…")
    assert cut.startswith("See https://example.org/aaaa")  # not just "See…"
