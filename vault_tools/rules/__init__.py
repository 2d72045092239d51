"""The rule registry: a literal tuple, one entry per rule code."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vault_tools.diagnostics import Finding
from vault_tools.interview import Context
from vault_tools.note import Note
from vault_tools.rules import files, frontmatter, questions, sections

Check = Callable[[Note, Context], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # the default: "error" or "warning"
    check: Check

    @property
    def doc(self) -> str:
        # Docstrings use reST literals; a terminal reads single backticks better.
        return inspect.cleandoc(self.check.__doc__ or "").replace("``", "`")

    @property
    def summary(self) -> str:
        return " ".join(self.doc.split("\n\n", 1)[0].split())


ALL_RULES: tuple[Rule, ...] = (
    Rule("VT001", "invalid-yaml", "error", files.invalid_yaml),
    Rule("VT002", "not-utf8", "error", files.not_utf8),
    Rule("VT003", "missing-frontmatter", "error", files.missing_frontmatter),
    Rule("VT004", "unclosed-frontmatter", "error", files.unclosed_frontmatter),
    Rule("VT005", "unreadable-file", "error", files.unreadable_file),
    Rule("VT101", "required-key-missing", "error", frontmatter.required_key_missing),
    Rule("VT102", "wrong-type", "error", frontmatter.wrong_type),
    Rule("VT103", "invalid-status", "error", frontmatter.invalid_status),
    Rule("VT104", "dates-disagree", "warning", frontmatter.dates_disagree),
    Rule("VT105", "unquoted-wikilink", "warning", frontmatter.unquoted_wikilink_key),
    Rule("VT106", "recommended-key-missing", "warning", frontmatter.recommended_key_missing),
    Rule("VT107", "duplicate-key", "warning", frontmatter.duplicate_key),
    Rule("VT109", "hash-comment-value", "warning", frontmatter.hash_comment),
    Rule("VT110", "template-placeholder", "warning", frontmatter.template_placeholder),
    Rule("VT111", "key-spelling", "warning", frontmatter.key_spelling),
    Rule("VT201", "missing-section", "error", sections.missing_section),
    Rule("VT202", "empty-section", "error", sections.empty_section),
    Rule("VT203", "duplicate-section", "warning", sections.duplicate_section),
    Rule("VT204", "reflection-without-parts", "warning", sections.reflection_without_parts),
    Rule("VT301", "closed-question", "warning", questions.closed_question),
    Rule("VT302", "no-question", "error", questions.no_question),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
