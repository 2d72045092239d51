"""The interview template: the vault's own, or the one that ships with vault-tools."""

from __future__ import annotations

from pathlib import Path

from vault_tools.config import Config
from vault_tools.files import read_note_bytes

TEMPLATE_NAME = "Interview.md"


def builtin_template() -> str:
    # Read beside this module (package data): cheaper to import than importlib.resources.
    return (Path(__file__).parent / TEMPLATE_NAME).read_text("utf-8")


def template_text(root: Path, config: Config) -> str:
    """The vault's ``<templates>/Interview.md`` when it exists and reads, else the built-in."""
    if config.templates:
        try:
            return read_note_bytes(root, f"{config.templates}/{TEMPLATE_NAME}").decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            pass
    return builtin_template()


def draft_template_text(root: Path, config: Config, name: str) -> str:
    """A draft's template: the vault's ``<templates>/<name>`` (``Thank-you.md``,
    ``Request.md``, ``Keep-in-touch.md``) when it exists and reads, else the built-in."""
    if config.templates:
        try:
            return read_note_bytes(root, f"{config.templates}/{name}").decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            pass
    return (Path(__file__).parent / name).read_text("utf-8")
