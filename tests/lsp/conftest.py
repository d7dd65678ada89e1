"""Fixtures for the end-to-end tests of `guidelint server` (pytest-lsp).

Each test gets a fresh copy of `fixtures/corpus/` with seed 002 in `seeds/`,
and a server started in it with the capabilities of a real editor (VS Code
1.65, which counts positions in UTF-16, and Neovim 0.11, which offers UTF-8).
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("GUIDELINT_BIN") or str(REPO / "target" / "debug" / "guidelint")
SEED_002 = "seeds/002_d5e685b3326c1bd0.md"
ROUNDCUBE_FR = "pages/web/emails/email_roundcube/guide.fr-fr.md"
OWA_FR = "pages/web/emails/email_owa/guide.fr-fr.md"
WAIT = 60.0


def make_client() -> LanguageClient:
    """pytest-lsp's client, which also keeps every publishDiagnostics with its version."""
    client = LanguageClient()
    client.published = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    default = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.published.append(params)
        default(client, params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "docs"
    shutil.copytree(REPO / "fixtures" / "corpus", root)
    (root / "seeds").mkdir()
    shutil.copy(REPO / "fixtures" / "seeds" / "002_d5e685b3326c1bd0.md", root / SEED_002)
    return root.resolve()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BINARY, "server"], client_factory=make_client),
    params=["visual-studio-code", "neovim@v0.11.0"],
)
async def client(lsp_client: LanguageClient, request, workspace: pathlib.Path):
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="docs")],
            initialization_options={"debounceMs": 0, "pollSeconds": 0},
        )
    )
    lsp_client.root = workspace
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    await until(lambda: indexed(lsp_client), "the index is built")
    yield
    await lsp_client.shutdown_session()


def indexed(client: LanguageClient) -> bool:
    return any(
        isinstance(v, types.WorkDoneProgressEnd)
        for reports in client.progress_reports.values()
        for v in reports
    )


async def until(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.01)


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None, start: int = 0):
    """The first diagnostics published for `uri` (at `version`) after the `start`-th publication."""
    found = []

    def seen():
        for p in client.published[start:]:
            if p.uri == uri and (version is None or p.version == version):
                found.append(p.diagnostics)
                return True
        return False

    await until(seen, f"diagnostics of {uri} version {version}")
    return list(found[0])


def position(client: LanguageClient, text: str, needle: str, extra: int = 0) -> types.Position:
    """Where `needle` starts in `text` (plus `extra` characters), in the agreed encoding."""
    at = text.index(needle)
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    prefix = text[start:at] + needle[:extra]
    return types.Position(line=line, character=units(client, prefix))


def units(client: LanguageClient, s: str) -> int:
    if client.encoding == "utf-8":
        return len(s.encode("utf-8"))
    if client.encoding == "utf-32":
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def apply(client: LanguageClient, text: str, edits) -> str:
    """`text` with the protocol `edits` applied."""
    lines = text.splitlines(keepends=True)

    def offset(p: types.Position) -> int:
        before = sum(len(l) for l in lines[: p.line])
        line = lines[p.line] if p.line < len(lines) else ""
        count = 0
        for i, ch in enumerate(line):
            if count >= p.character:
                return before + i
            count += units(client, ch)
        return before + len(line.rstrip("\r\n"))

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str):
    out = []
    for change in edit.document_changes or []:
        if change.text_document.uri == uri:
            out.extend(change.edits)
    for u, edits in (edit.changes or {}).items():
        if u == uri:
            out.extend(edits)
    return out
