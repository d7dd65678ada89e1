"""`guidelint server` end to end, with pytest-lsp's client (pygls) and the
client capabilities of VS Code and Neovim."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import (
    OWA_FR,
    ROUNDCUBE_FR,
    SEED_002,
    apply,
    diagnostics,
    edits_for,
    position,
    units,
)


def open_doc(client: LanguageClient, rel: str) -> tuple[str, str]:
    path = client.root / rel
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    return uri, text


def change(client: LanguageClient, uri: str, version: int, range_: types.Range, text: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=range_, text=text)],
        )
    )


def with_code(found, code: str):
    return [d for d in found if d.code == code]


async def test_seed_002_pop3_on_993_and_its_quick_fix(client: LanguageClient):
    uri, text = open_doc(client, SEED_002)
    found = await diagnostics(client, uri, 1)
    [d] = with_code(found, "GL201")
    # `guidelint check --format json` says 39:16–39:19, 1-based.
    assert (d.range.start.line, d.range.start.character) == (38, 15)
    assert (d.range.end.line, d.range.end.character) == (38, 18)
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.message.startswith("port 993 is IMAP over SSL; POP3 over SSL uses 995")
    assert d.code_description.href.endswith("GL201.md")
    [related] = d.related_information
    assert related.location.range.start == types.Position(line=36, character=74)
    assert related.message == "the server is said to be POP3 here"

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    by_title = {a.title: a for a in actions}
    assert "Name IMAP instead of POP3 (GL201)" in by_title
    assert "Suppress GL201 on this line" in by_title
    fix = by_title["Use 995 for POP3 over SSL (GL201)"]
    assert fix.kind == types.CodeActionKind.QuickFix
    edits = edits_for(fix.edit, uri)
    fixed = apply(client, text, edits)
    assert "    - Port : **995**\n" in fixed
    for version, edit in enumerate(edits, start=2):
        change(client, uri, version, edit.range, edit.new_text)
    after = await diagnostics(client, uri, 1 + len(edits))
    assert with_code(after, "GL201") == []
    assert with_code(after, "GL202") != []


async def test_typing_a_broken_anchor_gives_gl103(client: LanguageClient):
    uri, text = open_doc(client, OWA_FR)
    found = await diagnostics(client, uri, 1)
    assert with_code(found, "GL103") == []
    end = text.count("\n")
    at = types.Position(line=end, character=0)
    change(client, uri, 2, types.Range(start=at, end=at), "Voir [la suite](#la-suite).\n")
    found = await diagnostics(client, uri, 2)
    [broken] = with_code(found, "GL103")
    assert broken.range.start == types.Position(line=end, character=16)
    assert "`#la-suite` matches no heading" in broken.message


async def test_anchors_complete_in_a_link(client: LanguageClient):
    uri, text = open_doc(client, OWA_FR)
    await diagnostics(client, uri, 1)
    end = text.count("\n")
    typed = "Lire [RoundCube](../email_roundcube/guide.fr-fr.md#eta"
    at = types.Position(line=end, character=0)
    change(client, uri, 2, types.Range(start=at, end=at), typed)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=end, character=units(client, typed)),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = [i.label for i in items]
    assert "etape-1-se-connecter" in labels
    assert "nouvelle-version-de-loffre-mx-plan_1" in labels
    item = next(i for i in items if i.label == "etape-1-se-connecter")
    assert item.detail == "Étape 1 : se connecter"
    # It replaces what was typed after `#`.
    assert item.text_edit.range.start.character == units(client, typed) - 3
    done = apply(client, text + typed, [item.text_edit])
    assert done.endswith("(../email_roundcube/guide.fr-fr.md#etape-1-se-connecter")


async def test_renaming_a_heading_touches_every_linking_guide(client: LanguageClient):
    uri, text = open_doc(client, ROUNDCUBE_FR)
    await diagnostics(client, uri, 1)
    at = position(client, text, "## Étape 1 : se connecter", 5)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=at,
            new_name="Étape 1 : ouvrir une session",
        )
    )
    new = "etape-1-ouvrir-une-session"
    own = apply(client, text, edits_for(edit, uri))
    assert "## Étape 1 : ouvrir une session\n" in own
    assert f"[la première étape](#{new})" in own
    assert f"[cette étape](./#{new})" in own
    linking = {
        OWA_FR: f"[RoundCube](../email_roundcube/#{new})",
        "pages/web/emails/email_roundcube/guide.en-gb.md": f"utilisation-roundcube/#{new})",
        "pages/web/emails-pro/outlook_2016/guide.fr-fr.md": f"utilisation-roundcube/#{new})",
    }
    touched = {c.text_document.uri for c in edit.document_changes or []} | set((edit.changes or {}).keys())
    assert touched == {uri} | {(client.root / rel).as_uri() for rel in linking}
    for rel, link in linking.items():
        path = client.root / rel
        after = apply(client, path.read_text(encoding="utf-8"), edits_for(edit, path.as_uri()))
        assert link in after, rel


async def test_hover_on_a_port(client: LanguageClient):
    uri, _ = open_doc(client, SEED_002)
    await diagnostics(client, uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=38, character=16),
        )
    )
    value = hover.contents.value
    assert "**port 993** — guidelint reads: POP3, incoming, over SSL" in value
    assert "**Standard ports**: 993 is IMAP over SSL" in value
    assert "**MX Plan spec**: POP3 on 995 (SSL) and 110 (without SSL)" in value


async def test_a_request_killed_midway_and_the_server_keeps_working(client: LanguageClient):
    uri, text = open_doc(client, SEED_002)
    await diagnostics(client, uri, 1)
    # A large guide makes rebuilding the index (every guide read and
    # checked again) take a while; cancel it at once.
    big = client.root / "pages/web/emails/big/guide.fr-fr.md"
    big.parent.mkdir()
    big.write_text(text * (2_000_000 // len(text)), encoding="utf-8")
    pending = client.protocol.send_request_async(
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(command="guidelint.reindex"),
        msg_id="reindex-1",
    )
    # Let the request reach the server and start.
    await asyncio.sleep(0.3)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="reindex-1"))
    with pytest.raises(Exception) as cancelled:
        await asyncio.wait_for(pending, 60)
    assert "-32800" in repr(cancelled.value) or "cancel" in repr(cancelled.value).lower()
    # Still answering, still checking.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=38, character=16),
        )
    )
    assert "port 993" in hover.contents.value
    at = types.Range(start=types.Position(line=38, character=15), end=types.Position(line=38, character=18))
    change(client, uri, 2, at, "995")
    after = await diagnostics(client, uri, 2)
    assert with_code(after, "GL201") == []
