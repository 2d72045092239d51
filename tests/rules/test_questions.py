"""VT3xx: prepared questions."""

from __future__ import annotations

import pytest
from conftest import findings
from notes import SCHEDULED, line_of, replace

QUESTIONS = (
    "- What does your team measure first when a feature ships?\n"
    "- How do you decide what not to measure?\n"
)


@pytest.mark.parametrize(
    "word",
    [
        "is",
        "are",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "will",
        "should",
        "have",
        "has",
        "was",
        "were",
    ],
)
def test_vt301_closed_question(word: str) -> None:
    question = f"- {word.capitalize()} the team growing next year?\n"
    text = replace(SCHEDULED, QUESTIONS, QUESTIONS + question)
    assert findings(text) == [("VT301", line_of(text, question.strip()))]


def test_vt301_numbered_bold_and_checkbox_items() -> None:
    text = replace(
        SCHEDULED,
        QUESTIONS,
        QUESTIONS + "3. **Do** you like it?\n- [ ] Should I apply now?\n",
    )
    assert findings(text) == [
        ("VT301", line_of(text, "Do** you")),
        ("VT301", line_of(text, "Should I")),
    ]


def test_open_questions_starting_with_similar_words_are_fine() -> None:
    text = replace(
        SCHEDULED,
        QUESTIONS,
        "- Isolation aside, how do you stay in touch?\n- Dos and don'ts for a first year?\n",
    )
    assert findings(text) == []


def test_vt301_question_line_outside_a_list() -> None:
    text = replace(SCHEDULED, QUESTIONS, QUESTIONS + "\nWould you recommend the role?\n")
    assert findings(text) == [("VT301", line_of(text, "Would you"))]


def test_vt302_prose_without_questions() -> None:
    text = replace(SCHEDULED, QUESTIONS, "I want to ask about their career path.\n")
    assert findings(text) == [("VT302", line_of(text, "## Questions"))]


def test_vt302_question_mark_line_counts() -> None:
    text = replace(SCHEDULED, QUESTIONS, "What surprised you most in your first year?\n")
    assert findings(text) == []


def test_questions_in_code_blocks_do_not_count() -> None:
    text = replace(SCHEDULED, QUESTIONS, "Plan:\n```\n- Do you like it?\n```\n")
    assert findings(text) == [("VT302", line_of(text, "## Questions"))]


def test_empty_questions_is_vt202_not_vt302() -> None:
    text = replace(SCHEDULED, QUESTIONS, "<!-- Open-ended questions -->\n")
    assert findings(text) == [("VT202", line_of(text, "## Questions"))]
