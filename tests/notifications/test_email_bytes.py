"""What the school puts on the wire is what the standard library would have written: the
short-header policy and the direct writer of multipart emails give the same bytes as
``email.generator.BytesGenerator`` under the standard ``compat32`` policy, and an email
that does not fit the direct writer (an attachment) is still written by the generator."""

import email
from email import policy as email_policy
from email.generator import BytesGenerator
from io import BytesIO

import pytest

from notifications.emails import SchoolEmail, absolute_links, message_build

LONG_LINE = "word " * 300  # over 998 bytes: Django sends the part quoted-printable

BODIES = {
    "ascii": ("Hello Ann,\n\nTwo new logs.\n", "<p>Hello Ann,</p>\n<p>Two new logs.</p>"),
    "non-ascii": ("Hello Zoë — 16–22 Nov ✓\r\nline\rline\n", "<p>Zoë &mdash; ✓</p>\n"),
    "long line": (LONG_LINE, f"<p>{LONG_LINE}</p>"),
    "dots and From": ("From here\n.\n..\n", "<p>\n.\n</p>"),
    "empty text": ("", "<p>only html</p>"),
    "no newline at end": ("last line", "<p>x</p>"),
}
SUBJECTS = [
    "2 new logs and a question for you",
    "Your circles, 16–22 Nov",  # non-ASCII: encoded
    "A subject long enough to be folded by the standard library's header writer, "
    "past seventy-eight characters",
    "Two  spaces",
]


def stdlib_bytes(message, linesep: str) -> bytes:
    """The standard generator under the standard policy."""
    out = BytesIO()
    generator = BytesGenerator(out, mangle_from_=False, policy=email_policy.compat32)
    generator.flatten(message, linesep=linesep)
    return out.getvalue()


def school_email(subject: str, text: str, html: str, **kwargs) -> SchoolEmail:
    message = SchoolEmail(
        subject=subject,
        body=text,
        from_email="Social Business School <school@example.org>",
        to=["zoë@example.org" if kwargs.pop("unicode_to", False) else "ann@example.org"],
        headers={"List-Unsubscribe": "<https://school.example/unsubscribe/abc/>"},
        **kwargs,
    )
    message.attach_alternative(html, "text/html")
    return message


@pytest.mark.parametrize("body", list(BODIES))
@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("linesep", ["\r\n", "\n"])
def test_written_as_the_standard_library_writes_it(body, subject, linesep):
    text, html = BODIES[body]
    built = school_email(subject, text, html).message()
    assert type(built).as_bytes is not type(built).__mro__[1].as_bytes  # the direct writer
    assert built.as_bytes(linesep=linesep) == stdlib_bytes(built, linesep)


def test_the_boundary_is_set_before_writing_and_absent_from_the_text():
    built = school_email("Hello", "text", "<p>html</p>").message()
    boundary = built.get_boundary()
    assert boundary and boundary.startswith("=") and len(boundary) > 30
    written = built.as_bytes(linesep="\r\n")
    assert written.count(f"--{boundary}".encode()) == 3  # two parts and the closing line


def test_a_message_reads_back_with_its_headers_and_parts():
    built = school_email(SUBJECTS[1], *BODIES["non-ascii"], unicode_to=True).message()
    parsed = email.message_from_bytes(built.as_bytes(linesep="\r\n"), policy=email_policy.default)
    assert parsed["Subject"] == SUBJECTS[1]
    assert parsed["List-Unsubscribe"] == "<https://school.example/unsubscribe/abc/>"
    plain, rich = parsed.get_payload()
    assert plain.get_content().splitlines() == BODIES["non-ascii"][0].splitlines()
    assert rich.get_content_type() == "text/html" and "Zoë" in rich.get_content()


@pytest.mark.parametrize("linesep", ["\r\n", "\n"])
def test_an_attachment_is_left_to_the_standard_library(linesep):
    message = school_email("Your data", "Attached.", "<p>Attached.</p>")
    message.attach("data.zip", b"PK\x03\x04binary\x00bytes", "application/zip")
    built = message.message()
    assert built.get_content_subtype() == "mixed"
    assert built.as_bytes(linesep=linesep) == stdlib_bytes(built, linesep)
    parsed = email.message_from_bytes(built.as_bytes(linesep=linesep))
    assert parsed.get_payload()[1].get_payload(decode=True) == b"PK\x03\x04binary\x00bytes"


@pytest.mark.django_db
def test_a_rendered_email_is_written_as_the_standard_library_writes_it(settings):
    from tests.factories import UserFactory

    member = UserFactory()
    member.profile.name = "Zoë Brontë"
    member.profile.save()
    built = message_build(
        template="digest",
        context={"member": member, "digest": None, "span": "16–22 Nov", "entries": {}},
        to=member.email,
        member_id=member.pk,
        email_type="digest",
    ).message()
    assert built.as_bytes(linesep="\r\n") == stdlib_bytes(built, "\r\n")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="/people/3/">x</a>', '<a href="http://testserver/people/3/">x</a>'),
        ('<a href="people/3/">x</a>', '<a href="http://testserver/people/3/">x</a>'),
        ('<a href="https://nhs.uk/">x</a>', '<a href="https://nhs.uk/">x</a>'),
        ('<a href="//cdn.example/x">x</a>', '<a href="//cdn.example/x">x</a>'),
        ('<a href="mailto:a@b.org">x</a>', '<a href="mailto:a@b.org">x</a>'),
        ('<a data-href="/x/">x</a>', '<a data-href="http://testserver/x/">x</a>'),
        ('<a xhref="/x/">x</a>', '<a xhref="/x/">x</a>'),
        ('href="/start/"', 'href="http://testserver/start/"'),
    ],
)
def test_relative_links_become_absolute(settings, html, expected):
    settings.SITE_URL = "http://testserver"
    assert absolute_links(html) == expected
