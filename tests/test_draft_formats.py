"""The message formats of ``vault-tools draft`` (issue #14): text, ``eml`` read back with the
standard library's ``email`` parser, ``mailto:`` read back with ``urllib.parse``."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from vault_tools.errors import VaultToolsError
from vault_tools.render.draft import (
    AddressError,
    Message,
    message_eml,
    message_mailto,
    message_text,
)

AS_OF = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
INJECTION = "Thanks\r\nBcc: x@y.example"

JANE = Message(
    to=("jane@acme.example",),
    to_name="Jürgen Müller, PhD",
    subject="Grüße und Dank 🎉 – unser Gespräch",
    body=(
        "Hallo Jürgen,\n"
        "\n"
        "vielen Dank für Ihre Zeit! 🙏 Straße, Öl, naïve café.\n"
        + "Ein sehr langer Satz ohne Umbruch, "
        * 12
        + "\n"
        "Viele Grüße\n"
        "Sam"
    ),
)


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def content(message: EmailMessage) -> str:
    """The body text as the parser reads it, with the file's CRLF line ends as ``\\n``."""
    text = message.get_content()
    assert isinstance(text, str)
    return text.replace("\r\n", "\n")


def query(url: str) -> dict[str, str]:
    """The ``hfields`` of a ``mailto:`` URL, each value percent-decoded with ``unquote``
    (which, unlike ``parse_qs``, leaves a ``+`` a plus)."""
    fields: dict[str, str] = {}
    for pair in urlsplit(url).query.split("&"):
        name, sep, value = pair.partition("=")
        assert sep, pair
        assert name not in fields, name
        fields[name] = unquote(value, errors="strict")
    return fields


# eml -----------------------------------------------------------------------------------------


def test_eml_reads_back_with_the_email_parser() -> None:
    data = message_eml(JANE)
    message = parsed(data)

    [address] = message["To"].addresses
    assert address.display_name == "Jürgen Müller, PhD"
    assert address.addr_spec == "jane@acme.example"
    assert message["Subject"] == "Grüße und Dank 🎉 – unser Gespräch"
    assert message["X-Unsent"] == "1"
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert content(message) == JANE.body + "\n"
    assert message.defects == []


def test_eml_is_ascii_with_crlf_lines_within_78_octets() -> None:
    data = message_eml(JANE, AS_OF)
    assert data.isascii()
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 78
    # the name with an umlaut and a comma, the subject with umlauts: RFC 2047 encoded words
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in head
    assert "Müller".encode() not in data
    assert "🎉".encode() not in data


@pytest.mark.parametrize(
    "body",
    [
        "x" * 300,  # one long ASCII line
        "word " * 200,  # a long ASCII line with spaces
        "ä" * 300,  # a long non-ASCII line
        "short\nlines\n",
    ],
)
def test_eml_body_lines_are_kept_short_and_read_back(body: str) -> None:
    data = message_eml(Message(("jane@acme.example",), None, "Hello", body))
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    message = parsed(data)
    assert content(message).rstrip("\n") == body.rstrip("\n")
    encoding = message["Content-Transfer-Encoding"]
    if max(len(line) for line in body.splitlines()) > 78 or not body.isascii():
        assert encoding in ("quoted-printable", "base64")


def test_eml_ascii_subject_is_not_encoded() -> None:
    data = message_eml(Message(("jane@acme.example",), "Jane Doe", "Thank you", "Hi"))
    assert b"\r\nSubject: Thank you\r\n" in b"\r\n" + data
    assert b"To: Jane Doe <jane@acme.example>\r\n" in data


def test_eml_date_only_when_given() -> None:
    assert "Date" not in parsed(message_eml(JANE))
    message = parsed(message_eml(JANE, AS_OF))
    assert message["Date"].datetime == AS_OF


def test_eml_without_an_address_has_no_to() -> None:
    message = parsed(message_eml(Message((), "Jane Doe", "Hello", "Hi")))
    assert "To" not in message
    assert message["Subject"] == "Hello"
    assert message["X-Unsent"] == "1"


def test_eml_several_addresses_each_with_the_name() -> None:
    m = Message(("jane@acme.example", "jane+home@mail.example"), "Jane Doe", "Hello", "Hi")
    addresses = parsed(message_eml(m))["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in addresses] == [
        ("Jane Doe", "jane@acme.example"),
        ("Jane Doe", "jane+home@mail.example"),
    ]


@pytest.mark.parametrize(
    "message",
    [
        Message(("jane@acme.example",), "Jane", INJECTION, "Hi"),
        Message(("jane@acme.example",), INJECTION, "Hello", "Hi"),
        Message(("jane@acme.example",), "Jane\nBcc: x@y.example", "Hi\rBcc: x@y.example", "Hi"),
    ],
    ids=["subject", "name", "lone-lf-and-cr"],
)
def test_eml_header_injection_adds_no_header(message: Message) -> None:
    data = message_eml(message)
    result = parsed(data)
    assert "Bcc" not in result
    assert b"\r\nBcc:" not in data
    assert sorted(result.keys()) == sorted(
        ["To", "Subject", "X-Unsent", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
    )
    [address] = result["To"].addresses
    assert address.addr_spec == "jane@acme.example"
    # the line break became a space, the words are still there
    for value in (result["Subject"], address.display_name):
        assert "\r" not in value and "\n" not in value
    assert "Bcc: x@y.example" in result["Subject"] + address.display_name


def test_eml_injection_keeps_the_words_with_one_space() -> None:
    result = parsed(message_eml(Message(("jane@acme.example",), None, INJECTION, "Hi")))
    assert result["Subject"] == "Thanks Bcc: x@y.example"


def test_eml_other_line_breaks_and_controls_in_headers_are_escaped() -> None:
    subject = "A\u2028B\x0bC\x85D\u202eE\x1b[31m"
    result = parsed(message_eml(Message(("jane@acme.example",), None, subject, "Hi")))
    assert result["Subject"] == "A\\u2028B\\x0bC\\x85D\\u202eE\\x1b[31m"


def test_eml_body_controls_are_escaped_lines_and_tabs_kept() -> None:
    body = "one\n\ttwo \u202eevil\x00\nthree\r\nfour"
    result = parsed(message_eml(Message((), None, "s", body)))
    assert content(result) == "one\n\ttwo \\u202eevil\\x00\nthree\nfour\n"


@pytest.mark.parametrize(
    "raw",
    [
        "jane at acme.example",
        "jane@acme.example, bob@acme.example",
        "Jane <jane@acme.example>",
        "jane@acme.example\r\nBcc: x@y.example",
        "jürgen@acme.example",  # a non-ASCII local part needs SMTPUTF8
        "",
    ],
)
def test_an_address_that_is_not_one_addr_spec_is_refused(raw: str) -> None:
    m = Message((raw,), "Jane", "Hello", "Hi")
    with pytest.raises(AddressError) as caught:
        message_eml(m)
    assert isinstance(caught.value, VaultToolsError)
    assert caught.value.exit_code == 2
    assert "\r" not in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(AddressError):
        message_mailto(m)


def test_a_non_ascii_domain_becomes_idna() -> None:
    m = Message(("jane@müller.example",), None, "Hello", "Hi")
    [address] = parsed(message_eml(m))["To"].addresses
    assert address.addr_spec == "jane@xn--mller-kva.example"
    assert message_mailto(m) == "mailto:jane@xn--mller-kva.example?subject=Hello&body=Hi"


# mailto --------------------------------------------------------------------------------------

TRICKY_SUBJECT = "Grüße & Dank? #1 = 100% + mehr"
TRICKY_BODY = "Hallo Jürgen,\n\na & b = c? #tag 50% 1+1=2\nGrüße\n"


def test_mailto_reads_back_exactly_with_urllib() -> None:
    url = message_mailto(Message(("jane@acme.example",), "Jane", TRICKY_SUBJECT, TRICKY_BODY))
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.path == "jane@acme.example"
    assert parts.fragment == ""  # the "#" was encoded, nothing was cut off
    assert query(url) == {
        "subject": TRICKY_SUBJECT,
        "body": TRICKY_BODY.replace("\n", "\r\n"),
    }


def test_mailto_has_no_bare_plus_space_or_line_break() -> None:
    url = message_mailto(Message(("jane@acme.example",), None, TRICKY_SUBJECT, TRICKY_BODY))
    assert url.isascii()
    for char in "+ \r\n#":
        assert char not in url
    assert "%2B" in url and "%20" in url and "%0D%0A" in url
    # so parse_qs (which would read a bare "+" as a space) reads the same values
    assert parse_qs(urlsplit(url).query, strict_parsing=True) == {
        "subject": [TRICKY_SUBJECT],
        "body": [TRICKY_BODY.replace("\n", "\r\n")],
    }


def test_mailto_body_line_breaks_are_crlf_once() -> None:
    url = message_mailto(Message((), None, "", "a\r\nb\nc\rd"))
    assert url == "mailto:?body=a%0D%0Ab%0D%0Ac%0D%0Ad"


def test_mailto_without_an_address() -> None:
    url = message_mailto(Message((), "Jane", "Hi there", "Body"))
    assert url == "mailto:?subject=Hi%20there&body=Body"
    assert urlsplit(url).path == ""


def test_mailto_empty_message() -> None:
    assert message_mailto(Message((), None, "", "")) == "mailto:"


def test_mailto_several_addresses() -> None:
    url = message_mailto(Message(("jane@acme.example", "bob+work@acme.example"), None, "Hi", ""))
    assert url == "mailto:jane@acme.example,bob%2Bwork@acme.example?subject=Hi"
    assert [unquote(a) for a in urlsplit(url).path.split(",")] == [
        "jane@acme.example",
        "bob+work@acme.example",
    ]


def test_mailto_subject_injection_has_no_line_break() -> None:
    url = message_mailto(Message(("jane@acme.example",), None, INJECTION, "Hi"))
    assert query(url)["subject"] == "Thanks Bcc: x@y.example"
    assert "%0D" not in url.split("&body=")[0] and "%0A" not in url.split("&body=")[0]


def test_mailto_emoji_and_umlauts_are_utf8() -> None:
    url = message_mailto(Message((), None, "ü🎉", ""))
    assert url == "mailto:?subject=%C3%BC%F0%9F%8E%89"


# text ----------------------------------------------------------------------------------------


def test_text_format() -> None:
    m = Message(("jane@acme.example",), "Jane Doe", "Thank you", "Hi Jane,\n\nThanks!\n")
    assert message_text(m) == (
        "To: Jane Doe <jane@acme.example>\nSubject: Thank you\n\nHi Jane,\n\nThanks!\n"
    )


def test_text_format_without_address_or_name() -> None:
    assert message_text(Message((), "Jane Doe", "Hello", "Hi")) == "Subject: Hello\n\nHi\n"
    assert message_text(Message(("jane@acme.example",), None, "Hello", "Hi")).startswith(
        "To: jane@acme.example\nSubject: Hello\n\n"
    )


def test_text_format_shows_control_characters_escaped() -> None:
    m = Message(
        ("jane@acme.example",),
        "Jane\u202eeoD",
        "Hi\r\nBcc: x@y\x1b[2J",
        "line one\x1b[31m red\n\tindented \u2066isolate\u2069\x07\n",
    )
    assert message_text(m) == (
        "To: Jane\\u202eeoD <jane@acme.example>\n"
        "Subject: Hi\\r\\nBcc: x@y\\x1b[2J\n"
        "\n"
        "line one\\x1b[31m red\n"
        "\tindented \\u2066isolate\\u2069\\x07\n"
    )


def test_text_and_eml_and_mailto_survive_lone_surrogates() -> None:
    """A lone surrogate (an undecodable byte of a file name) cannot be UTF-8: escaped."""
    m = Message(("jane@acme.example",), "J\udce9", "caf\udce9", "caf\udce9")
    assert "caf\\xe9" in message_text(m)
    assert parsed(message_eml(m))["Subject"] == "caf\\xe9"
    assert query(message_mailto(m)) == {"subject": "caf\\xe9", "body": "caf\\xe9"}
