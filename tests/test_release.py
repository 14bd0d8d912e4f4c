"""The release (``school.release``): a digest of the code, the templates and the lock,
carried by every cache key that holds rendered text (the digest's lines), so a deploy never
reads what the last release rendered."""


def test_the_release_names_the_code_and_templates(settings, tmp_path):
    from school.release import release

    templates = tmp_path / "templates"
    templates.mkdir()
    card = templates / "card.html"
    card.write_text("<p>{{ log.title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    settings.BASE_DIR = tmp_path
    (tmp_path / "requirements.lock").write_text("Django==5.2\n")
    first = release.__wrapped__()
    assert release.__wrapped__() == first  # made of contents, not of times
    card.write_text("<p>{{ log.title }} ({{ log.circle }})</p>")
    assert release.__wrapped__() != first
