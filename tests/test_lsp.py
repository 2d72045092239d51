"""End to end: ``vault-tools lsp`` driven over stdio by pytest-lsp's client.

Every test starts the server as a subprocess (``python -m vault_tools lsp --as-of ...``),
initializes it with a temporary copy of sample_vault (or a small vault made here) as the
workspace, and talks to it as an editor would. What the server publishes is checked
against what ``vault-tools check`` reports for the same note, worked out separately.
Results are awaited through the client's notifications, never by sleeping.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_lsp
from click.testing import CliRunner
from conftest import AS_OF, copy_sample_vault
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcMethodNotFound
from pygls.protocol import default_converter
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from vault_tools.cli import cli

# pytest-asyncio runs in strict mode here: each test is marked, one event loop per test.
# A result that does not respect the capabilities the client declared is a failure.
pytestmark = [
    pytest.mark.asyncio(loop_scope="function"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
]

SERVER = [sys.executable, "-m", "vault_tools", "lsp", "--as-of", AS_OF.isoformat()]
#: Seconds to wait for something the server should send (a generous bound, not a timing).
PATIENCE = 20.0

TOM = "Interviews/2026-11-23 Tom Becker.md"
PRIYA = "Interviews/2026-11-24 Priya Nair.md"
NADIA = "Interviews/2026-11-26 Nadia Karim.md"
JANE = "Interviews/2026-11-20 Jane Doe.md"
ELENA = "Interviews/2026-12-04 Elena Petrova.md"
GRETA = "Interviews/2026-11-17 Greta Nilsson.md"
CLARA = "Interviews/2026-11-21 Clara Martins.md"
DAILY = "Daily/2026-11-20.md"
STATUSES = ["planned", "requested", "scheduled", "done", "declined", "cancelled"]

T = TypeVar("T")
#: Any version of a document (``None`` is a version too: a publish without one).
ANY = object()

# --------------------------------------------------------------------------------------------
# The client: pytest-lsp's, recording every publish and log message in order


class Client(LanguageClient):
    """pytest-lsp's client, keeping every ``publishDiagnostics`` (not only the last per
    URI) and waking whoever waits for one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self._waiters: list[asyncio.Future[None]] = []

    def wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def until(self, check: Callable[[], T | None], what: str) -> T:
        """The first non-``None`` ``check()``, re-checked whenever a notification arrives."""

        async def wait() -> T:
            while True:
                found = check()
                if found is not None:
                    return found
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter

        try:
            return await asyncio.wait_for(wait(), PATIENCE)
        except TimeoutError:
            seen = [(p.uri.rsplit("/", 1)[-1], p.version) for p in self.published]
            logs = [m.message[:200] for m in self.log_messages]
            raise AssertionError(
                f"no {what} within {PATIENCE}s; published: {seen}; logs: {logs}"
            ) from None

    async def diagnostics_after(
        self, mark: int, uri: str, version: object = ANY
    ) -> types.PublishDiagnosticsParams:
        """The first publish for ``uri`` (of ``version`` when given) after ``mark``."""

        def check() -> types.PublishDiagnosticsParams | None:
            for params in self.published[mark:]:
                if params.uri == uri and (version is ANY or params.version == version):
                    return params
            return None

        return await self.until(check, f"publishDiagnostics for {uri} version {version}")

    async def log_after(self, mark: int, pattern: str) -> types.LogMessageParams:
        def check() -> types.LogMessageParams | None:
            for message in self.log_messages[mark:]:
                if re.search(pattern, message.message):
                    return message
            return None

        return await self.until(check, f"window/logMessage matching {pattern!r}")


def _published(ls: Client, params: types.PublishDiagnosticsParams) -> None:
    ls.diagnostics[params.uri] = params.diagnostics
    ls.published.append(params)
    ls.wake()


def _logged(ls: Client, params: types.LogMessageParams) -> None:
    ls.log_messages.append(params)
    ls.wake()


def _register_capability(ls: Client, params: types.RegistrationParams) -> None:
    return None


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _published
    features[types.WINDOW_LOG_MESSAGE] = _logged
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def client(lsp_client: Client):
    """A running server, not yet initialized (each test names its workspace)."""
    yield
    server = lsp_client._server
    if server is not None and server.returncode is None:
        await lsp_client.shutdown_session()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return copy_sample_vault(tmp_path / "vault")


def capabilities(encodings: Sequence[str] | None = None) -> types.ClientCapabilities:
    markdown = [types.MarkupKind.Markdown, types.MarkupKind.PlainText]
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=list(encodings))
        if encodings
        else None,
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=False
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True, code_description_support=True
            ),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(documentation_format=markdown)
            ),
            hover=types.HoverClientCapabilities(content_format=markdown),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                    )
                )
            ),
        ),
    )


async def initialize(
    client: Client, root: Path, encodings: Sequence[str] | None = None
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )


# --------------------------------------------------------------------------------------------
# Helpers: documents, edits, the CLI's view


def read(path: Path) -> str:
    # As an editor reads a file: bytes decoded, line ends untouched.
    return path.read_bytes().decode("utf-8")


async def open_doc(
    client: Client, path: Path, text: str | None = None, version: int = 1
) -> types.PublishDiagnosticsParams:
    """Open ``path`` (with ``text``, else the file's) and return what is published for it."""
    mark = len(client.published)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(),
                language_id="markdown",
                version=version,
                text=read(path) if text is None else text,
            )
        )
    )
    return await client.diagnostics_after(mark, path.as_uri(), version)


async def change_doc(
    client: Client, path: Path, text: str, version: int
) -> types.PublishDiagnosticsParams:
    mark = len(client.published)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return await client.diagnostics_after(mark, path.as_uri(), version)


async def barrier(client: Client, path: Path) -> None:
    """A request answered after every message sent before it was handled: whatever those
    messages made the server publish has arrived by then."""
    await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=0, character=0),
        )
    )


async def hover_at(client: Client, path: Path, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=line, character=character),
        )
    )


async def complete_at(client: Client, path: Path, line: int, character: int) -> list[Any]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=line, character=character),
        )
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


async def actions_for(
    client: Client, path: Path, first: int, last: int, only: Sequence[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(
                start=types.Position(line=first, character=0),
                end=types.Position(line=last, character=0),
            ),
            context=types.CodeActionContext(diagnostics=[], only=list(only) if only else None),
        )
    )
    found = list(result or [])
    assert all(isinstance(a, types.CodeAction) for a in found), found
    return found  # type: ignore[return-value]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def lines_of(text: str) -> list[str]:
    """Lines as LSP counts them (``\\r\\n``, ``\\r``, ``\\n``), each with its end."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)


def offset(text: str, position: types.Position) -> int:
    """The index into ``text`` of an LSP position in UTF-16 units."""
    lines = lines_of(text)
    start = sum(len(line) for line in lines[: position.line])
    if position.line >= len(lines):
        assert position.character == 0, position
        return start
    line = lines[position.line].rstrip("\r\n")
    units = 0
    for index, char in enumerate(line):
        if units == position.character:
            return start + index
        units += utf16(char)
    assert units == position.character, (position, line)
    return start + len(line)


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """``edits`` (non-overlapping, positions in the original text) applied to ``text``."""
    spans = sorted(
        ((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for (_, end, _), later in zip(spans[1:], spans, strict=False):
        assert end <= later[0], f"overlapping edits: {spans}"
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def apply_workspace_edit(
    edit: types.WorkspaceEdit | None, path: Path, text: str, version: int
) -> str:
    """The text of ``path`` after ``edit``: it must touch that document alone (at its
    current ``version`` when versioned)."""
    assert edit is not None
    uri = path.as_uri()
    if edit.document_changes is not None:
        assert edit.changes is None
        edits: list[types.TextEdit] = []
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit), change
            assert change.text_document.uri == uri
            assert change.text_document.version == version
            edits += [e for e in change.edits if isinstance(e, types.TextEdit)]
            assert len(edits) == len(change.edits), "only plain TextEdits expected"
    else:
        assert edit.changes is not None and set(edit.changes) == {uri}
        edits = list(edit.changes[uri])
    return apply_edits(text, edits)


def check_json(vault: Path, note: Path) -> list[dict[str, Any]]:
    """``vault-tools check --format json`` on one note: its findings."""
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF.isoformat(),
            "--vault",
            str(vault),
            str(note),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    rel = note.relative_to(vault).as_posix()
    assert all(d["path"] == rel for d in data["diagnostics"])
    return data["diagnostics"]


def check_fix(vault: Path, note: Path) -> bytes:
    """What ``vault-tools check --fix`` writes into ``note``."""
    result = CliRunner().invoke(
        cli, ["check", "--fix", "--as-of", AS_OF.isoformat(), "--vault", str(vault), str(note)]
    )
    assert result.exit_code in (0, 1), result.output
    return note.read_bytes()


def codes_lines(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[str, int]]:
    return sorted((str(d.code), d.range.start.line) for d in diagnostics)


def span(d: types.Diagnostic) -> tuple[int, int, int, int]:
    r = d.range
    return r.start.line, r.start.character, r.end.line, r.end.character


# --------------------------------------------------------------------------------------------
# 1. Diagnostics on open


async def test_open_publishes_what_check_reports(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    published = await open_doc(client, note, version=7)

    assert published.version == 7
    found = published.diagnostics
    expected = check_json(vault, note)
    assert expected, "the note should have findings"
    assert codes_lines(found) == sorted((d["rule"], d["line"] - 1) for d in expected)
    severity = {
        "error": types.DiagnosticSeverity.Error,
        "warning": types.DiagnosticSeverity.Warning,
    }
    assert sorted((str(d.code), d.severity) for d in found) == sorted(
        (d["rule"], severity[d["severity"]]) for d in expected
    )
    # Where each is shown: the opening fence for a missing key, the key for a bad value.
    assert sorted((str(d.code), span(d)) for d in found) == [
        ("VT101", (0, 0, 0, 3)),
        ("VT102", (3, 0, 3, len("requested"))),
        ("VT103", (2, 0, 2, len("status"))),
        ("VT106", (0, 0, 0, 3)),
        ("VT106", (0, 0, 0, 3)),
    ]
    for d in found:
        assert d.source == "vault-tools"
        assert d.code_description is not None
        href = d.code_description.href
        assert href.startswith("file://") and href.endswith(f"RULES.md#{str(d.code).lower()}")
        assert d.message
        # The link leads to a file that exists and to an anchor in it.
        document, anchor = href.split("#")
        rules_md = Path(to_fs_path(document) or "")
        assert rules_md.name == "RULES.md"
        assert f'<a id="{anchor}"></a>' in rules_md.read_text(encoding="utf-8")
    assert sorted(d.message for d in found) == sorted(d["message"] for d in expected)


# --------------------------------------------------------------------------------------------
# 2. Changes


async def test_change_lints_the_unsaved_buffer(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    on_disk = note.read_bytes()
    text = read(note)
    first = await open_doc(client, note)
    assert ("VT101", 0) in codes_lines(first.diagnostics)

    # The person added, unquoted: VT101 goes, VT105 comes; the lines below move down.
    edited = text.replace("type: interview\n", "type: interview\nperson: [[Tom Becker]]\n", 1)
    assert edited != text
    second = await change_doc(client, note, edited, version=2)
    assert second.version == 2
    assert codes_lines(second.diagnostics) == [
        ("VT102", 4),
        ("VT103", 3),
        ("VT105", 2),
        ("VT106", 0),
        ("VT106", 0),
    ]
    # Two quick changes: what is published last is for the last version, and says so.
    fixed = edited.replace("status: waiting", "status: requested")
    mark = len(client.published)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note.as_uri(), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited + "x")],
        )
    )
    third = await change_doc(client, note, fixed, version=4)
    assert ("VT103", 3) not in codes_lines(third.diagnostics)
    assert [p.version for p in client.published[mark:] if p.uri == note.as_uri()][-1] == 4

    # Nothing was saved: the file is as it was, and check still sees its old findings.
    assert note.read_bytes() == on_disk
    assert ("VT101", 1) in [(d["rule"], d["line"]) for d in check_json(vault, note)]


# --------------------------------------------------------------------------------------------
# 3. Code actions


@pytest.mark.parametrize(
    ("rel", "line", "code"),
    [
        (TOM, 3, "VT102"),  # requested: 23 Nov 2026
        (PRIYA, 2, "VT105"),  # person: [[Priya Nair]]
        (NADIA, 5, "VT111"),  # Status: requested
    ],
)
async def test_quick_fix_removes_its_finding_only(
    client: Client, vault: Path, rel: str, line: int, code: str
) -> None:
    await initialize(client, vault)
    note = vault / rel
    text = read(note)
    before = (await open_doc(client, note)).diagnostics
    assert (code, line) in codes_lines(before)

    actions = await actions_for(client, note, line, line)
    quick = [
        a
        for a in actions
        if a.kind == types.CodeActionKind.QuickFix
        and [str(d.code) for d in a.diagnostics or []] == [code]
    ]
    assert len(quick) == 1, [a.title for a in actions]
    action = quick[0]
    assert action.title.endswith(f"({code})")
    assert action.is_preferred
    assert action.diagnostics is not None and action.diagnostics[0].range.start.line == line

    new = apply_workspace_edit(action.edit, note, text, version=1)
    old_lines, new_lines = lines_of(text), lines_of(new)
    assert len(new_lines) == len(old_lines)
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [
        line
    ]

    after = (await change_doc(client, note, new, version=2)).diagnostics
    remaining = [c for c in codes_lines(before) if c != (code, line)]
    assert codes_lines(after) == remaining


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
async def test_fix_all_is_what_check_fix_writes(
    client: Client, vault: Path, tmp_path: Path, newline: str
) -> None:
    other = copy_sample_vault(tmp_path / "other")
    for root in (vault, other):
        crafted = read(root / NADIA).replace("\n", newline)
        (root / NADIA).write_bytes(crafted.encode("utf-8"))
    await initialize(client, vault)
    note = vault / NADIA
    text = read(note)
    await open_doc(client, note)
    fixable = [d for d in check_json(vault, note) if d["fix"] is not None]
    assert len(fixable) > 1

    actions = await actions_for(client, note, 0, len(lines_of(text)))
    fix_all = [a for a in actions if a.title.startswith("Fix all vault-tools findings")]
    assert len(fix_all) == 1, [a.title for a in actions]
    assert fix_all[0].kind == types.CodeActionKind.QuickFix
    assert fix_all[0].title.endswith(f"({len(fixable)})")
    fixed = apply_workspace_edit(fix_all[0].edit, note, text, version=1)

    assert fixed.encode("utf-8") == check_fix(other, other / NADIA)
    assert fixed != text
    assert fixed.count(newline) == text.count(newline)

    # Asked only for source.fixAll: the one action of that kind, with the same edit.
    only = await actions_for(client, note, 0, 0, only=[types.CodeActionKind.SourceFixAll])
    assert [(a.kind, a.title) for a in only] == [("source.fixAll.vault-tools", fix_all[0].title)]
    assert apply_workspace_edit(only[0].edit, note, text, version=1) == fixed
    # And asked only for quick fixes: no source action among them.
    quick = await actions_for(client, note, 0, len(lines_of(text)), only=["quickfix"])
    assert quick and all(a.kind == "quickfix" for a in quick)

    after = await change_doc(client, note, fixed, version=2)
    assert not [d for d in after.diagnostics if d.code == "VT111"]


# --------------------------------------------------------------------------------------------
# 4. Completion


async def test_complete_front_matter_keys_and_status(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    text = read(note).replace("tags: [interview]\n", "tags: [interview]\n\n", 1)
    lines = lines_of(text)
    empty = lines.index("\n")
    assert lines[empty + 1].startswith("---")
    await open_doc(client, note, text)

    keys = {item.label: item for item in await complete_at(client, note, empty, 0)}
    assert {"person", "company", "role", "date"} <= set(keys)
    assert not {"type", "status", "requested", "tags"} & set(keys)
    company = keys["company"]
    assert company.kind == types.CompletionItemKind.Property
    assert isinstance(company.text_edit, types.TextEdit)
    assert company.text_edit.new_text.startswith("company:")
    assert company.text_edit.range.start == types.Position(line=empty, character=0)

    status_line = next(i for i, line in enumerate(lines) if line.startswith("status: "))
    items = await complete_at(client, note, status_line, len("status: "))
    assert sorted(item.label for item in items) == sorted(STATUSES)
    assert all(item.kind == types.CompletionItemKind.EnumMember for item in items)


async def test_complete_missing_sections_in_template_order(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    text = read(note).rstrip("\n") + "\n\n## "
    last = len(lines_of(text)) - 1
    await open_doc(client, note, text)

    template = read(vault / "Templates/Interview.md")
    order = re.findall(r"^## (.+)$", template, flags=re.MULTILINE)
    present = set(re.findall(r"^## (.+)$", text, flags=re.MULTILINE))
    assert present and order and set(order) - present
    items = await complete_at(client, note, last, len("## "))
    labels = [item.label for item in sorted(items, key=lambda i: i.sort_text or "")]
    assert labels == [name for name in order if name not in present]


async def test_complete_people_after_brackets(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    text = read(note).rstrip("\n") + "\n\nIntroduced by [["
    last = len(lines_of(text)) - 1
    await open_doc(client, note, text)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=note.as_uri()),
        position=types.Position(line=last, character=len("Introduced by [[")),
    )

    # The vault's people are read in the background: until they are, the answer says it
    # is incomplete (the editor asks again, as it does on the next keystroke), with no
    # names; the log says when they are read.
    mark = len(client.log_messages)
    early = await client.text_document_completion_async(params)
    assert isinstance(early, types.CompletionList), early
    if early.is_incomplete:
        assert not early.items, "names offered while they are still being read"
        await client.log_after(mark, r"people of .* read for \[\[ completion")
    answer = await client.text_document_completion_async(params)
    assert isinstance(answer, types.CompletionList) and not answer.is_incomplete, answer
    items = {i.label: i for i in answer.items}
    assert {"Jane Doe", "Ana Souza", "Priya Nair"} <= set(items)
    assert all(i.kind == types.CompletionItemKind.Reference for i in answer.items)
    jane = items["Jane Doe"].text_edit
    assert isinstance(jane, types.TextEdit) and jane.new_text == "Jane Doe]]"
    start = len("Introduced by [[")
    assert (jane.range.start.character, jane.range.end.character) == (start, start)


# --------------------------------------------------------------------------------------------
# 5. Hover


async def test_hover_rule_docs_key_docs_and_rule_codes(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    elena = vault / ELENA
    text = read(elena)
    found = (await open_doc(client, elena)).diagnostics
    closed = next(d for d in found if d.code == "VT301")
    shown = await hover_at(client, elena, closed.range.start.line, closed.range.start.character + 2)
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert shown.contents.kind == types.MarkupKind.Markdown
    assert "VT301" in shown.contents.value
    assert shown.range == closed.range

    # A key: its type and meaning (in a clean note, so nothing else is on the line).
    jane = vault / JANE
    assert list((await open_doc(client, jane)).diagnostics) == []
    status_line = next(
        i for i, line in enumerate(lines_of(read(jane))) if line.startswith("status")
    )
    shown = await hover_at(client, jane, status_line, 2)
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "**status**" in shown.contents.value
    assert all(status in shown.contents.value for status in STATUSES)
    assert "VT" not in shown.contents.value

    # A rule code written in the note.
    ignoring = text.replace("---\n", "---\nvault-tools-ignore: [VT301]\n", 1)
    after = await change_doc(client, elena, ignoring, version=2)
    assert not [d for d in after.diagnostics if d.code == "VT301"]
    column = len("vault-tools-ignore: [")
    shown = await hover_at(client, elena, 1, column + 1)
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "**VT301**" in shown.contents.value
    assert shown.range == types.Range(
        start=types.Position(line=1, character=column),
        end=types.Position(line=1, character=column + len("VT301")),
    )
    # Nothing to say over plain text.
    assert await hover_at(client, elena, lines_of(ignoring).index("## Questions\n") + 1, 0) is None


# --------------------------------------------------------------------------------------------
# 6. Robustness


def send_raw(client: Client, body: bytes) -> None:
    """Write one message to the server as it is, bypassing the client's checks."""
    writer = client.protocol.writer
    assert writer is not None
    writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def raw_request(client: Client, msg_id: str, method: str, params: Any) -> Any:
    """Send a request whose params the client could not build (pygls's client only sends
    what its types allow), and await its answer like any other."""
    answer: concurrent.futures.Future[Any] = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = answer  # where pygls waits for its answers
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
    send_raw(client, json.dumps(message).encode("utf-8"))
    return await asyncio.wait_for(asyncio.wrap_future(answer), PATIENCE)


async def test_malformed_messages_leave_the_server_answering(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    await open_doc(client, note)

    # Requests whose params do not fit the method: an error answer, not silence.
    for n, params in enumerate([{"textDocument": 5}, {"bad": 1}, None, [1, 2]]):
        with pytest.raises(JsonRpcException) as raised:
            await raw_request(client, f"bad-{n}", "textDocument/hover", params)
        assert raised.value.code == JsonRpcInvalidParams.CODE, params
    # An unknown method: method not found.
    with pytest.raises(JsonRpcMethodNotFound):
        await raw_request(client, "bad-x", "vault-tools/nothing", {})
    # A notification that does not fit, bytes that are no JSON, a body that is no object.
    send_raw(client, b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 5}')
    send_raw(client, b"{not json")
    send_raw(client, b"[1, 2, 3]")

    shown = await hover_at(client, note, 2, 1)  # the status key, VT103 on it
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "VT103" in shown.contents.value
    assert client._server is not None and client._server.returncode is None


@pytest.mark.parametrize(
    ("rel", "code"),
    [(GRETA, "VT004"), (CLARA, "VT001")],
)
async def test_note_that_does_not_parse(client: Client, vault: Path, rel: str, code: str) -> None:
    await initialize(client, vault)
    note = vault / rel
    expected = check_json(vault, note)
    assert code in [d["rule"] for d in expected]
    found = (await open_doc(client, note)).diagnostics
    assert codes_lines(found) == sorted((d["rule"], d["line"] - 1) for d in expected)


async def test_binary_junk_buffer(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / "Interviews/junk.md"
    junk = "---\n\x00\x01\x89PNG\r\n\x1a\n\ud800\udfff\ufffe: [\n" + "\x00" * 100 + "\n"
    published = await open_doc(client, note, junk)
    assert "VT001" in [str(d.code) for d in published.diagnostics] or "VT004" in [
        str(d.code) for d in published.diagnostics
    ]
    for d in published.diagnostics:
        assert d.range.start.line < len(lines_of(junk))
    # Lone surrogates and NULs, no front matter: a finding, and the server goes on.
    published = await change_doc(client, note, "\ud800" * 10 + "\x00\n", version=2)
    assert "VT003" in [str(d.code) for d in published.diagnostics]
    await hover_at(client, note, 0, 3)
    await complete_at(client, note, 0, 3)
    await actions_for(client, note, 0, 1)
    shown = await hover_at(client, vault / TOM, 2, 1)
    assert shown is None  # not open: nothing to say, but an answer
    assert client._server is not None and client._server.returncode is None


async def test_huge_buffer_is_not_linted(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    text = read(note)
    assert (await open_doc(client, note)).diagnostics
    huge = text + ("x" * 99 + "\n") * 30_000
    assert len(huge) > 3_000_000
    mark, logs = len(client.published), len(client.log_messages)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=note.as_uri(), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=huge)],
        )
    )
    cleared = await client.diagnostics_after(mark, note.as_uri())
    assert list(cleared.diagnostics) == []
    said = await client.log_after(logs, r"too long to check")
    assert "Tom Becker" in said.message
    # Back to a note's size: linted again.
    again = await change_doc(client, note, text, version=3)
    assert again.diagnostics


async def test_file_in_no_vault_is_not_checked(client: Client, vault: Path, tmp_path: Path) -> None:
    await initialize(client, vault)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stray = elsewhere / "2026-11-23 Tom Becker.md"
    stray.write_bytes((vault / TOM).read_bytes())
    logs = len(client.log_messages)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=stray.as_uri(), language_id="markdown", version=1, text=read(stray)
            )
        )
    )
    said = await client.log_after(logs, r"no vault")
    assert "elsewhere" in said.message
    await barrier(client, stray)
    assert not [p for p in client.published if p.uri == stray.as_uri() and p.diagnostics]
    assert await hover_at(client, stray, 2, 1) is None


@pytest.mark.parametrize("rel", [DAILY, "Projects/Career plan.md"])
async def test_non_interview_note_has_no_diagnostics(client: Client, vault: Path, rel: str) -> None:
    await initialize(client, vault)
    note = vault / rel
    assert "type: interview" not in read(note)
    published = await open_doc(client, note)
    assert list(published.diagnostics) == []
    # The same text as an interview note has findings: the empty list is not for nothing.
    text = read(note)
    if text.startswith("---\n"):
        as_interview = text.replace("---\n", "---\ntype: interview\n", 1)
    else:
        as_interview = "---\ntype: interview\n---\n" + text
    assert (await change_doc(client, note, as_interview, version=2)).diagnostics


async def test_close_clears_diagnostics(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    assert (await open_doc(client, note)).diagnostics
    mark = len(client.published)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=note.as_uri())
        )
    )
    cleared = await client.diagnostics_after(mark, note.as_uri())
    assert list(cleared.diagnostics) == []
    assert list(client.diagnostics[note.as_uri()]) == []


# --------------------------------------------------------------------------------------------
# 7. Settings


async def test_config_change_republishes_open_notes(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / TOM
    before = (await open_doc(client, note)).diagnostics
    assert "VT106" in [d.code for d in before]

    config = vault / ".vault-tools.toml"
    text = config.read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("#")  # the [rules] table ends the file
    config.write_text(text + 'VT106 = "off"\n', encoding="utf-8")
    mark = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    after = (await client.diagnostics_after(mark, note.as_uri())).diagnostics
    assert codes_lines(after) == [c for c in codes_lines(before) if c[0] != "VT106"]

    # A config that no longer reads: said, and the last good settings stay in use.
    config.write_text(text + "VT106 = [unclosed\n", encoding="utf-8")
    mark, logs = len(client.published), len(client.log_messages)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    said = await client.log_after(logs, r"last settings that read stay in use")
    assert said.type == types.MessageType.Warning
    again = (await client.diagnostics_after(mark, note.as_uri())).diagnostics
    assert codes_lines(again) == codes_lines(after)


async def test_template_change_republishes_open_notes(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    note = vault / JANE
    text = read(note)
    prompt = "- Which three things will I remember?"
    section = re.search(r"^## Takeaways\n(?:(?!## ).*\n)*", text, flags=re.MULTILINE)
    assert section is not None
    own = text[: section.start()] + f"## Takeaways\n{prompt}\n\n" + text[section.end() :]
    assert list((await open_doc(client, note, own)).diagnostics) == []

    # The template now writes that line as its prompt: the section counts as empty.
    template = vault / "Templates/Interview.md"
    written = read(template).replace("## Takeaways\n", f"## Takeaways\n{prompt}\n", 1)
    template.write_text(written, encoding="utf-8")
    mark = len(client.published)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=template.as_uri())
        )
    )
    after = (await client.diagnostics_after(mark, note.as_uri())).diagnostics
    assert [str(d.code) for d in after] == ["VT202"]
    assert "Takeaways" in after[0].message


# --------------------------------------------------------------------------------------------
# 8. Shutdown


async def test_shutdown_then_exit_ends_with_code_0(client: Client, vault: Path) -> None:
    await initialize(client, vault)
    await open_doc(client, vault / TOM)
    await client.shutdown_session()
    assert client._server is not None
    assert client._server.returncode == 0


# --------------------------------------------------------------------------------------------
# Position encodings


@pytest.mark.parametrize(
    ("offered", "negotiated"),
    [
        (None, "utf-16"),
        (["utf-8", "utf-16"], "utf-8"),
        (["utf-32"], "utf-32"),
    ],
)
async def test_ranges_in_the_negotiated_encoding(
    client: Client, tmp_path: Path, offered: list[str] | None, negotiated: str
) -> None:
    root = tmp_path / "small"
    (root / "Interviews").mkdir(parents=True)
    (root / ".vault-tools.toml").write_text("", encoding="utf-8")
    result = await initialize(client, root, offered)
    assert result.capabilities.position_encoding == negotiated

    before = "- 🙂 "
    question = "Do you like Grüße?"
    text = (
        '---\ntype: interview\nperson: "Jürgen Groß"\ncompany: Ü\nrole: r\n'
        f"status: planned\n---\n## Objectives\n- ü\n\n## Questions\n{before}{question}\n"
    )
    note = root / "Interviews/2026-11-20 Jürgen Groß.md"
    found = (await open_doc(client, note, text)).diagnostics
    closed = [d for d in found if d.code == "VT301"]
    assert len(closed) == 1

    def units(s: str) -> int:
        codec = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}[negotiated]
        width = {"utf-8": 1, "utf-16": 2, "utf-32": 4}[negotiated]
        return len(s.encode(codec)) // width

    line = lines_of(text).index(before + question + "\n")
    expected = (line, units(before), line, units(before + question))
    assert span(closed[0]) == expected
    # The same code points count differently in each encoding: the check is not vacuous.
    for part in (before, before + question):
        assert len({len(part), utf16(part), len(part.encode("utf-8"))}) == 3

    # A position the client sends is read in those units too.
    shown = await hover_at(client, note, line, units(before + "Do"))
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "VT301" in shown.contents.value
    assert shown.range == closed[0].range
