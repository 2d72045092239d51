"""A drafted message (``vault-tools draft``) as text, as an RFC 5322 ``.eml`` file a mail
client opens as a draft, or as an RFC 6068 ``mailto:`` URL. Nothing here sends anything.

Every piece of text from a note passes the output boundary (:func:`printable`): in the text
format control characters are shown as escapes; in a header (``eml`` headers, the
``mailto:`` subject) line breaks become a space first, so a subject or a name holding
``"\\r\\nBcc: x@y"`` cannot add a header, and the rest is escaped as in the text format.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import quote

from vault_tools.errors import VaultToolsError
from vault_tools.render import printable

#: A run of line breaks in a header value: one space in its place.
_LINE_BREAKS = re.compile(r"[\r\n]+")
#: Any line break of the body (CRLF, a lone CR or a lone LF).
_BODY_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Message:
    """A message to send: who to, with what subject, saying what."""

    to: tuple[str, ...]  # addresses, may be empty (no email known): ("jane@acme.example",)
    to_name: str | None  # "Jane Doe" (shown in To: "Jane Doe <jane@acme.example>")
    subject: str
    body: str  # plain text, "\n" line breaks, may hold any Unicode


class AddressError(VaultToolsError, ValueError):
    """An address a mail client could not use (``jane at acme``, ``a@b, c@d``): a user's
    mistake in a note, so exit 2 and no traceback."""


def message_text(m: Message) -> str:
    """The message as a person reads it: ``To:`` (only when there is an address),
    ``Subject:``, a blank line and the body, control characters shown as escapes."""
    lines: list[str] = []
    if m.to:
        lines.append(f"To: {', '.join(_shown_recipient(m.to_name, a) for a in m.to)}")
    lines.append(f"Subject: {printable(m.subject)}")
    body = printable(m.body, keep_lines=True)
    return "\n".join(lines) + "\n\n" + body + ("" if body.endswith("\n") else "\n")


def message_eml(m: Message, date: dt.datetime | None = None) -> bytes:
    """The message as an RFC 5322 file with CRLF line ends (``email.policy.SMTP``), marked
    ``X-Unsent: 1`` so a mail client (Outlook, Apple Mail, Thunderbird) opens it as a draft.

    ``To`` is left out when there is no address; ``Date`` is written only when ``date`` is
    given (a naive one is written as of an unknown zone, ``-0000``). Non-ASCII headers are
    RFC 2047 encoded words, the body is UTF-8 in 7bit, quoted-printable or base64 as the
    standard library picks, so no line is longer than 78 octets.

    Raises :class:`AddressError` for an address that is not one plain ``addr-spec``.
    """
    msg = EmailMessage(policy=SMTP)
    if m.to:
        name = _header_value(m.to_name or "")
        msg["To"] = [_address(name, raw) for raw in m.to]
    msg["Subject"] = _header_value(m.subject)
    if date is not None:
        msg["Date"] = date
    msg["X-Unsent"] = "1"
    msg.set_content(printable(m.body, keep_lines=True), charset="utf-8")
    return msg.as_bytes()


def message_mailto(m: Message) -> str:
    """The message as an RFC 6068 ``mailto:`` URL: the addresses joined by ``,`` (``@``
    kept, everything else outside letters, digits and ``-._~`` percent-encoded, ``+`` too),
    then ``subject`` and ``body`` percent-encoded as UTF-8 (a space as ``%20``, never
    ``+``), line breaks in the body as ``%0D%0A``. An empty subject or body is left out.

    Raises :class:`AddressError` for an address that is not one plain ``addr-spec``.
    """
    to = ",".join(quote(_address("", raw).addr_spec, safe="@") for raw in m.to)
    fields: list[str] = []
    subject = _header_value(m.subject)
    if subject:
        fields.append("subject=" + quote(subject, safe=""))
    body = _BODY_BREAK.sub("\r\n", printable(m.body, keep_lines=True))
    if body:
        fields.append("body=" + quote(body, safe=""))
    return "mailto:" + to + ("?" + "&".join(fields) if fields else "")


def _shown_recipient(name: str | None, address: str) -> str:
    shown = printable(address.strip())
    return f"{printable(name)} <{shown}>" if name else shown


def _header_value(text: str) -> str:
    """``text`` fit for one header line: each run of CR/LF a space, then the other controls
    escaped (some, like U+2028, would count as a line break too)."""
    return printable(_LINE_BREAKS.sub(" ", text))


def _address(name: str, raw: str) -> Address:
    """``raw`` as one address, its domain in IDNA (ASCII) form: ``email`` would otherwise
    write a non-ASCII domain as an encoded word, which no mail server reads."""
    text = raw.strip()
    local, at, domain = text.rpartition("@")
    try:
        if at and not domain.isascii():
            text = f"{local}@{domain.encode('idna').decode('ascii')}"
        return Address(display_name=name, addr_spec=text)
    except (ValueError, IndexError, UnicodeError, HeaderParseError) as error:
        raise AddressError(f"not an email address: {printable(raw)!r} ({error})") from None
