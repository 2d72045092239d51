"""Generate a realistic synthetic vault for benchmarks (seeded: same arguments, same vault).

    python benchmarks/generate_vault.py /tmp/vault-10k --notes 10000 --seed 1

About a third of the notes are interview notes in every status (a mix of clean notes and
notes with findings); the rest are daily notes, person notes, project notes and clippings,
with and without front matter, in nested folders, plus an ``.obsidian/`` folder. Notes are
2-4 KB, like real ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

FIRST = [
    "Ana",
    "Jane",
    "Marcus",
    "Priya",
    "Tobias",
    "Leonie",
    "Karim",
    "Sofia",
    "Jonas",
    "Mei",
    "Omar",
    "Clara",
    "Felix",
    "Elena",
    "Rahul",
    "Greta",
    "Tom",
    "Henrik",
    "Lukas",
    "David",
]
LAST = [
    "Souza",
    "Doe",
    "Lee",
    "Nair",
    "Schmidt",
    "Wagner",
    "Haddad",
    "Rossi",
    "Weber",
    "Chen",
    "Farouk",
    "Martins",
    "Braun",
    "Petrova",
    "Mehta",
    "Nilsson",
    "Becker",
    "Larsen",
    "Müller",
    "Okafor",
]
COMPANIES = [
    "Acme Corp",
    "Kiezkorb",
    "Beta GmbH",
    "Northwind",
    "Kite Insurance",
    "Globex",
    "Initech",
    "Umbrella Health",
]
ROLES = [
    "Staff Data Engineer",
    "Product Analyst",
    "Engineering Manager",
    "Data Scientist",
    "Analytics Lead",
    "Platform Engineer",
]
WORDS = [
    "data",
    "team",
    "pipeline",
    "model",
    "analyst",
    "platform",
    "product",
    "career",
    "question",
    "growth",
    "learning",
    "mentor",
    "stakeholder",
    "dashboard",
    "warehouse",
    "streaming",
    "contract",
    "quality",
    "ownership",
    "roadmap",
    "hiring",
    "remote",
    "onboarding",
    "metric",
    "experiment",
    "review",
    "feedback",
    "strategy",
    "ownership",
    "culture",
    "budget",
]
OPEN = ["How", "What", "Why", "Which", "Tell me about", "Where", "When"]
CLOSED = ["Do", "Is", "Can", "Would"]
STATUSES = ["planned", "requested", "scheduled", "done", "done", "done", "declined", "cancelled"]


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def interview(rng: random.Random, as_of: dt.date, index: int) -> tuple[str, str]:
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    status = rng.choice(STATUSES)
    day = as_of + dt.timedelta(
        days=rng.randint(-200, -1) if status != "scheduled" else rng.randint(1, 30)
    )
    lines = ["---", "type: interview", f'person: "[[{person}]]"']
    if rng.random() > 0.05:
        lines.append(f"company: {rng.choice(COMPANIES)}")
    lines.append(f"role: {rng.choice(ROLES)}")
    lines.append(f"status: {status}")
    lines.append(f"requested: {(day - dt.timedelta(days=rng.randint(3, 20))).isoformat()}")
    if status in ("scheduled", "done"):
        lines.append(f"date: {day.isoformat()}T{rng.randint(8, 18):02d}:{rng.choice(['00', '30'])}")
    if status == "done" and rng.random() > 0.2:
        lines.append(f"thank_you_sent: {(day + dt.timedelta(days=rng.randint(0, 2))).isoformat()}")
    if rng.random() > 0.6:
        lines.append(f"keep_in_touch: {rng.choice(['60d', '90d', '12w', '3m', 'never'])}")
    lines.append("tags: [interview]")
    lines.append("---")
    lines.append(f"# Informational interview with {person}")
    lines.append("")
    sections = ["Objectives", "Research", "Questions"]
    if status == "done":
        sections += ["Notes", "Takeaways", "Reflection", "Follow-up"]
    for name in sections:
        if rng.random() < 0.03:
            continue  # a missing section now and then
        style = rng.random()
        if style < 0.02:  # setext headings are rare in Obsidian vaults
            lines += [name, "-" * len(name)]
        else:
            lines.append(f"## {name}")
        if name == "Questions":
            for _ in range(rng.randint(3, 7)):
                start = rng.choice(CLOSED) if rng.random() < 0.1 else rng.choice(OPEN)
                lines.append(f"- {start} {' '.join(rng.choice(WORDS) for _ in range(8))}?")
        elif name == "Reflection":
            lines += [
                "### What went well",
                f"- {sentence(rng)}",
                "### What to improve",
                f"- {sentence(rng)}",
            ]
        elif name == "Follow-up":
            lines.append(f"- [x] Send thank-you note ✅ {(day + dt.timedelta(days=1)).isoformat()}")
            due = as_of + dt.timedelta(days=rng.randint(-10, 30))
            lines.append(f"- [ ] {sentence(rng, 6)} 📅 {due.isoformat()}")
        elif name == "Notes":
            lines.append(paragraph(rng, rng.randint(10, 18)))
            if rng.random() < 0.2:
                lines += [
                    "",
                    "```sql",
                    "select team, count(*) from people group by team;",
                    "## not a heading",
                    "```",
                ]
            lines.append("")
            lines.append(paragraph(rng, rng.randint(4, 8)))
        else:
            lines.append(paragraph(rng, rng.randint(3, 7)))
        lines.append("")
    name = f"Interviews/{day.year}/{day.isoformat()} {person} {index}.md"
    return name, "\n".join(lines) + "\n"


def other(rng: random.Random, as_of: dt.date, index: int) -> tuple[str, str]:
    kind = rng.choice(["daily", "person", "project", "clipping"])
    body = "\n\n".join(paragraph(rng, rng.randint(4, 7)) for _ in range(rng.randint(3, 6)))
    if kind == "daily":
        day = as_of - dt.timedelta(days=index % 2000)
        text = f"---\ntags: [daily]\n---\n# {day}\n\n- Met someone #interview\n\n{body}\n"
        return f"Daily/{day.year}/{day.isoformat()} {index}.md", text
    if kind == "person":
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return (
            f"People/{person} {index}.md",
            f"---\ntype: person\ncompany: {rng.choice(COMPANIES)}\n---\n# {person}\n\n{body}\n",
        )
    if kind == "project":
        return (
            f"Projects/p{index % 37}/Note {index}.md",
            f"# Project note {index}\n\n## Plan\n{body}\n\n- [ ] {sentence(rng, 5)}\n",
        )
    return (
        f"Clippings/{index % 11}/Clip {index}.md",
        f"---\nsource: https://example.org/{index}\ntags: [clipping, reading]\n---\n{body}\n",
    )


def generate(
    root: Path, notes: int, seed: int, as_of: dt.date, interview_share: float = 0.35
) -> None:
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "app.json").write_text('{"alwaysUpdateLinks": true}\n')
    for index in range(notes):
        rel, text = (
            interview(rng, as_of, index)
            if rng.random() < interview_share
            else other(rng, as_of, index)
        )
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-27")
    args = parser.parse_args()
    generate(args.root, args.notes, args.seed, dt.date.fromisoformat(args.as_of))


if __name__ == "__main__":
    main()
