"""The pygls adapter: LSP messages in, ``features`` out, over stdio.

The only importer of pygls and lsprotocol. Documents are synchronised in full (an
interview note is a few kilobytes, and the server's text can never drift from the
editor's); diagnostics are published on open, ``DEBOUNCE`` seconds after the last change,
and on save, each for the document version it was computed from. Nothing a client sends
can stop the server: every handler logs what went wrong and answers with nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import re
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, LanguageServerProtocol
from pygls.uris import to_fs_path

from vault_tools import __version__
from vault_tools.diagnostics import Diagnostic
from vault_tools.lsp.features import (
    FIX_ALL,
    QUICKFIX,
    SETTINGS_FILES,
    Action,
    Completion,
    Span,
    TextChange,
    Vault,
    code_actions,
    completions,
    diagnostic_span,
    hover,
    rule_doc_link,
    vault_root_of,
)
from vault_tools.note import split_lines
from vault_tools.render import printable
from vault_tools.templates import TEMPLATE_NAME

#: Seconds of quiet after a change before its diagnostics are worked out: a burst of
#: keystrokes is linted once, and a note's findings still arrive well within 100 ms.
DEBOUNCE = 0.03

#: A buffer longer than this (in characters) is not linted as the user types: the server
#: says so once and leaves it to ``vault-tools check``. Notes are kilobytes; this is a
#: pasted log or a generated file.
MAX_LIVE_CHARS = 2_000_000

T = TypeVar("T")

#: The method a message the server could not read becomes (answered, if a request).
IGNORED = "$/vault-tools/ignored"

_LINE_END = re.compile(r"\r\n|\r|\n")

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
}
_COMPLETION_KIND = {
    "key": types.CompletionItemKind.Property,
    "status": types.CompletionItemKind.EnumMember,
    "section": types.CompletionItemKind.Module,
    "person": types.CompletionItemKind.Reference,
}


def _units(text: str, column: int, encoding: str) -> int:
    """Code-point ``column`` of ``text`` in the client's position units."""
    part = text[:column]
    if encoding == types.PositionEncodingKind.Utf32:
        return len(part)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(part.encode("utf-8", "surrogatepass"))
    return len(part.encode("utf-16-le", "surrogatepass")) // 2


def _column(text: str, units: int, encoding: str) -> int:
    """The code-point column of a position given in the client's units (clamped)."""
    if encoding == types.PositionEncodingKind.Utf32:
        return max(0, min(units, len(text)))
    counted = 0
    for index, char in enumerate(text):
        if counted >= units:
            return index
        if encoding == types.PositionEncodingKind.Utf8:
            counted += len(char.encode("utf-8", "surrogatepass"))
        else:
            counted += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, answering a request whose params do not fit its method with an
    error: pygls would drop it, and a client would wait for the answer for ever."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            msg_id = data.get("id")
            if "method" in data and isinstance(msg_id, (int, str)) and type(msg_id) is not bool:
                self._send_response(msg_id, error=exc.to_response_error())
            return JsonRPCNotification(method=IGNORED, jsonrpc="2.0", params=None)


class _Server(LanguageServer):
    """pygls's server, telling of a message it could not handle in the log, not in a pop-up:
    the user did nothing wrong, and the server goes on."""

    def report_server_error(self, error: Exception, source: Any) -> None:
        with contextlib.suppress(Exception):
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=printable(f"vault-tools: a message was not handled: {error!r}"),
                )
            )


class NotesServer:
    """The state behind the protocol: the vaults of open notes, pending lints, what was
    published. ``vault``/``as_of``: ``--vault`` and ``--as-of`` of ``vault-tools lsp``."""

    def __init__(self, vault: Path | None = None, as_of: dt.date | None = None) -> None:
        self.explicit_root = vault
        self.as_of = as_of
        self.server = _Server(
            "vault-tools",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=_Protocol,
        )
        self.vaults: dict[Path, Vault] = {}
        #: Open documents by the URI the client names them with: text and version.
        self.documents: dict[str, tuple[str, int | None]] = {}
        self.folders: list[Path] = []
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.shown: set[str] = set()  # documents with diagnostics on show
        self.said: set[str] = set()  # messages logged once
        self.people_loading: set[Path] = set()
        self._register()

    # Logging ---------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        # The client may be gone: then there is no one to tell.
        with contextlib.suppress(Exception):
            self.server.window_log_message(
                types.LogMessageParams(type=kind, message=printable(message))
            )

    def log_once(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        if message not in self.said:
            self.said.add(message)
            self.log(message, kind)

    def _flush(self, vault: Vault) -> None:
        while vault.messages:
            self.log_once(vault.messages.pop(0), types.MessageType.Warning)

    def guarded(self, handler: Callable[[Any], T]) -> Callable[[Any], T | None]:
        """``handler``, logging any exception and answering nothing: a request the server
        cannot answer is a log message, never a dead server."""

        @functools.wraps(handler)
        def run(params: Any) -> T | None:
            try:
                return handler(params)
            except Exception:  # the server must outlive any request
                self.log(
                    f"vault-tools: {handler.__name__} failed:\n{traceback.format_exc()}",
                    types.MessageType.Error,
                )
                return None

        return run

    # Documents -------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        """The position units agreed at ``initialize`` (UTF-16 until then, as LSP says)."""
        try:
            chosen = self.server.workspace.position_encoding
        except (AttributeError, RuntimeError):
            chosen = None
        return str(chosen or types.PositionEncodingKind.Utf16)

    def locate(self, uri: str) -> tuple[Vault, str] | None:
        """The vault and vault-relative path of a document, or ``None`` (logged once) when
        it is no note of a vault: not a file, outside every vault, a template, not ``.md``."""
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        if fs_path is None:
            self.log_once(f"vault-tools: {uri} is not a file; it is not checked")
            return None
        path = Path(fs_path)
        root = self.explicit_root or vault_root_of(path, self.folders)
        if root is None:
            self.log_once(
                f"vault-tools: {path} lies in no vault (no .vault-tools.toml or .obsidian/)"
            )
            return None
        vault = self.vault(root)
        rel = vault.relative(path)
        if rel is None:
            self.log_once(f"vault-tools: {path} lies outside the vault {root}; it is not checked")
            return None
        if not vault.is_note(rel):
            return None
        return vault, rel

    def vault(self, root: Path) -> Vault:
        held = self.vaults.get(root)
        if held is None:
            held = self.vaults[root] = Vault(root, self.as_of)
            self._flush(held)
            self.load_people(held)
        return held

    def load_people(self, vault: Vault) -> None:
        """Read the vault's people in a thread (for ``[[`` completion); the old list is
        served meanwhile. When they are read, the log says so (from the server's own
        thread: only it writes to the client)."""
        if vault.root in self.people_loading:
            return
        self.people_loading.add(vault.root)
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None

        def done(failure: str | None) -> None:
            self.people_loading.discard(vault.root)
            self._flush(vault)
            if failure:
                self.log_once(f"vault-tools: cannot read the people of {vault.root}: {failure}")
            else:
                count = len(vault.people(wait=False) or ())
                self.log(f"vault-tools: {count} people of {vault.root} read for [[ completion")

        def load() -> None:
            failure = None
            try:
                vault.load_people(fresh=True)
            except Exception as exc:  # completion goes without names; said once
                failure = repr(exc)
            if loop is not None and not loop.is_closed():
                with contextlib.suppress(RuntimeError):  # the loop ended meanwhile
                    loop.call_soon_threadsafe(done, failure)
            else:
                self.people_loading.discard(vault.root)

        threading.Thread(target=load, name="vault-tools people", daemon=True).start()

    def text_of(self, uri: str) -> tuple[str, int | None] | None:
        """The open document's text and version, as the client last sent them."""
        return self.documents.get(uri)

    def workable(self, uri: str) -> tuple[str, Vault, str] | None:
        """The text, vault and path of an open note a request can be answered for: none
        for a buffer too long to work on as the user types (``publish`` says so)."""
        held, located = self.text_of(uri), self.locate(uri)
        if held is None or located is None or len(held[0]) > MAX_LIVE_CHARS:
            return None
        vault, rel = located
        if vault.refresh():
            self._flush(vault)
            self.republish(vault)
        return held[0], vault, rel

    def changed(self, params: types.DidChangeTextDocumentParams) -> None:
        """Apply a change: the whole text (what the server asks for), or, from a client
        that sends ranges anyway, each range in turn."""
        uri = params.text_document.uri
        held = self.documents.get(uri)
        if held is None:
            return
        text = held[0]
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                text = self.replaced(text, change.range, change.text)
            else:
                text = change.text
        self.documents[uri] = (text, params.text_document.version)

    def offset(self, text: str, position: types.Position) -> int:
        """The index into ``text`` of a position in the client's units (clamped)."""
        starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        if position.line >= len(starts):
            return len(text)
        start = starts[max(position.line, 0)]
        end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
        line = text[start:end].rstrip("\r\n")
        return start + _column(line, position.character, self.encoding)

    def replaced(self, text: str, span: types.Range, new: str) -> str:
        start, end = self.offset(text, span.start), self.offset(text, span.end)
        return text[:start] + new + text[max(start, end) :]

    def publish(self, uri: str) -> None:
        """Lint the document's text now and publish what was found (or clear it)."""
        self.pending.pop(uri, None)
        held = self.text_of(uri)
        located = self.locate(uri) if held is not None else None
        if held is None or located is None:
            self.clear(uri)
            return
        text, version = held
        vault, rel = located
        if vault.refresh():
            self._flush(vault)
            self.republish(vault, but=uri)
        if len(text) > MAX_LIVE_CHARS:
            self.log_once(
                f"vault-tools: {rel} is {len(text):,} characters, too long to check as you "
                "type; run `vault-tools check` on it"
            )
            self.clear(uri)
            return
        _, found = vault.lint(rel, text)
        lines = split_lines(text)
        shown = [self.diagnostic(lines, d) for d in found]
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=shown, version=version)
        )
        if shown:
            self.shown.add(uri)
        else:
            self.shown.discard(uri)

    def clear(self, uri: str) -> None:
        if uri in self.shown:
            self.shown.discard(uri)
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def schedule(self, uri: str, delay: float = DEBOUNCE) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(delay, self.safe_publish, uri)

    def safe_publish(self, uri: str) -> None:
        try:
            self.publish(uri)
        except Exception:  # one note's trouble never stops the server
            self.log(
                f"vault-tools: checking {uri} failed:\n{traceback.format_exc()}",
                types.MessageType.Error,
            )

    def republish(self, vault: Vault | None = None, but: str = "") -> None:
        """Lint every open note (of ``vault``) again: its settings changed."""
        for uri in list(self.documents):
            if uri == but:
                continue
            located = self.locate(uri)
            if located is not None and (vault is None or located[0] is vault):
                self.schedule(uri, 0)

    # Conversions -----------------------------------------------------------------------

    def position(self, lines: Sequence[str], line: int, column: int) -> types.Position:
        text = lines[line] if 0 <= line < len(lines) else ""
        return types.Position(line=line, character=_units(text, column, self.encoding))

    def range(self, lines: Sequence[str], span: Span) -> types.Range:
        return types.Range(
            start=self.position(lines, span.line, span.start),
            end=self.position(lines, span.line, span.end),
        )

    def diagnostic(self, lines: Sequence[str], d: Diagnostic) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.range(lines, diagnostic_span(lines, d)),
            message=printable(d.message),
            severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
            code=d.rule,
            code_description=types.CodeDescription(href=rule_doc_link(d.rule)),
            source="vault-tools",
        )

    def at_position(
        self, params: types.CompletionParams | types.HoverParams
    ) -> tuple[str, Vault, str, int] | None:
        """A request's note (as ``workable``) and the code-point column of its position."""
        found = self.workable(params.text_document.uri)
        if found is None:
            return None
        text, vault, rel = found
        return text, vault, rel, self.column_at(text, params.position)

    def column_at(self, text: str, position: types.Position) -> int:
        lines = split_lines(text)
        line = lines[position.line] if 0 <= position.line < len(lines) else ""
        return _column(line, position.character, self.encoding)

    def edit(self, uri: str, lines: Sequence[str], changes: Sequence[TextChange]) -> Any:
        edits = [
            types.TextEdit(
                range=types.Range(
                    start=self.position(lines, *change.start),
                    end=self.position(lines, *change.end),
                ),
                new_text=change.text,
            )
            for change in changes
        ]
        held = self.documents.get(uri)
        capabilities = self.server.client_capabilities
        versioned = (
            capabilities.workspace is not None
            and capabilities.workspace.workspace_edit is not None
            and capabilities.workspace.workspace_edit.document_changes
        )
        if versioned and held is not None:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=held[1]
                        ),
                        edits=edits,
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: edits})

    def action(self, uri: str, lines: Sequence[str], action: Action) -> types.CodeAction:
        return types.CodeAction(
            title=action.title,
            kind=action.kind,
            diagnostics=[self.diagnostic(lines, d) for d in action.diagnostics],
            edit=self.edit(uri, lines, action.changes),
            is_preferred=action.preferred or None,
        )

    def completion_item(self, lines: Sequence[str], item: Completion) -> types.CompletionItem:
        documentation = (
            types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
            if item.documentation
            else None
        )
        return types.CompletionItem(
            label=item.label,
            kind=_COMPLETION_KIND[item.kind],
            detail=item.detail,
            documentation=documentation,
            sort_text=f"{item.order:05d}",
            filter_text=item.label,
            text_edit=types.TextEdit(range=self.range(lines, item.replace), new_text=item.insert),
        )

    # Handlers --------------------------------------------------------------------------

    def _register(self) -> None:
        server = self.server
        guarded = self.guarded

        @server.feature(types.INITIALIZE)
        @guarded
        def initialize(params: types.InitializeParams) -> None:
            folders = [f.uri for f in params.workspace_folders or []]
            if not folders and params.root_uri:
                folders = [params.root_uri]
            for uri in folders:
                fs_path = to_fs_path(uri) if uri.startswith("file:") else None
                if fs_path:
                    self.folders.append(Path(fs_path).resolve())

        @server.feature(types.INITIALIZED)
        @guarded
        def initialized(params: types.InitializedParams) -> None:
            if self.explicit_root is not None:
                self.vault(self.explicit_root)
            capabilities = server.client_capabilities.workspace
            watched = capabilities.did_change_watched_files if capabilities else None
            if watched is not None and watched.dynamic_registration:
                patterns = [f"**/{name}" for name in SETTINGS_FILES]
                patterns += [f"**/{TEMPLATE_NAME}", "**/*.md"]
                options = types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=p) for p in patterns]
                )
                server.client_register_capability(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="vault-tools-settings",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=options,
                            )
                        ]
                    )
                )

        @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
        @guarded
        def did_open(params: types.DidOpenTextDocumentParams) -> None:
            document = params.text_document
            self.documents[document.uri] = (document.text, document.version)
            self.publish(document.uri)

        @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
        @guarded
        def did_change(params: types.DidChangeTextDocumentParams) -> None:
            self.changed(params)
            self.schedule(params.text_document.uri)

        @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
        @guarded
        def did_save(params: types.DidSaveTextDocumentParams) -> None:
            uri = params.text_document.uri
            self.settings_changed([uri])
            self.schedule(uri, 0)

        @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
        @guarded
        def did_close(params: types.DidCloseTextDocumentParams) -> None:
            uri = params.text_document.uri
            self.documents.pop(uri, None)
            pending = self.pending.pop(uri, None)
            if pending is not None:
                pending.cancel()
            self.shown.add(uri)  # cleared whatever was shown
            self.clear(uri)

        @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
        @guarded
        def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
            for folder in params.event.removed:
                fs_path = to_fs_path(folder.uri) if folder.uri.startswith("file:") else None
                if fs_path and Path(fs_path).resolve() in self.folders:
                    self.folders.remove(Path(fs_path).resolve())
            for folder in params.event.added:
                fs_path = to_fs_path(folder.uri) if folder.uri.startswith("file:") else None
                if fs_path:
                    self.folders.append(Path(fs_path).resolve())

        @server.feature(IGNORED)
        def ignored(params: Any) -> None:
            """What ``_Protocol`` turns a message it could not read into: nothing to do."""

        @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
        @guarded
        def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
            """Editors send their settings; the server's are the vault's own files."""

        @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
        @guarded
        def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
            self.settings_changed([change.uri for change in params.changes])

        @server.feature(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionOptions(code_action_kinds=[QUICKFIX, FIX_ALL]),
        )
        @guarded
        def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
            uri = params.text_document.uri
            found_note = self.workable(uri)
            if found_note is None:
                return None
            text, vault, rel = found_note
            only = [str(kind) for kind in params.context.only or []] or None
            found = code_actions(
                vault, rel, text, params.range.start.line, params.range.end.line, only
            )
            lines = split_lines(text)
            return [self.action(uri, lines, a) for a in found] or None

        @server.feature(
            types.TEXT_DOCUMENT_COMPLETION,
            types.CompletionOptions(trigger_characters=["[", " ", ":"]),
        )
        @guarded
        def completion(params: types.CompletionParams) -> types.CompletionList | None:
            at = self.at_position(params)
            if at is None:
                return None
            text, vault, rel, column = at
            found = completions(vault, rel, text, params.position.line, column, wait=False)
            # The people are still being read: say so, and the editor asks again.
            waiting = vault.people(wait=False) is None
            if waiting:
                self.load_people(vault)
            if not found and not waiting:
                return None
            lines = split_lines(text)
            items = [self.completion_item(lines, c) for c in found]
            return types.CompletionList(is_incomplete=waiting, items=items)

        @server.feature(types.TEXT_DOCUMENT_HOVER)
        @guarded
        def on_hover(params: types.HoverParams) -> types.Hover | None:
            at = self.at_position(params)
            if at is None:
                return None
            text, vault, rel, column = at
            found = hover(vault, rel, text, params.position.line, column)
            if found is None:
                return None
            lines = split_lines(text)
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
                range=self.range(lines, found.span),
            )

    def settings_changed(self, uris: Sequence[str]) -> None:
        """Files changed on disk (or saved): a settings file or a template re-reads the
        vault's settings and lints its open notes again; a note may bring a new person."""
        for uri in uris:
            fs_path = to_fs_path(uri) if uri.startswith("file:") else None
            if fs_path is None:
                continue
            path = Path(fs_path)
            for vault in list(self.vaults.values()):
                rel = vault.relative(path)
                if rel is None:
                    continue
                if vault.refresh():
                    self._flush(vault)
                    self.republish(vault)
                if rel.endswith(".md"):
                    self.load_people(vault)

    def run(self) -> None:
        self.server.start_io()


def serve(vault: Path | None = None, as_of: dt.date | None = None) -> None:
    """Run the language server on stdin and stdout until the client says exit."""
    NotesServer(vault, as_of).run()
