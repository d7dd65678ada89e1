//! `guidelint server` end to end: the built binary, driven over its standard
//! input and output by a small LSP client (`tests/common/lsp.rs`), in a copy
//! of `fixtures/corpus/` with seed 002 beside it.

mod common;
#[path = "common/lsp.rs"]
mod lsp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lsp::{Client, apply_edits, file_uri, span, with_code};
use serde_json::{Value, json};

const SEED_002: &str = "seeds/002_d5e685b3326c1bd0.md";
const ROUNDCUBE_FR: &str = "pages/web/emails/email_roundcube/guide.fr-fr.md";
const OWA_FR: &str = "pages/web/emails/email_owa/guide.fr-fr.md";

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_guidelint"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// How many Markdown guides `dir` holds, at any depth (hidden folders, such
/// as the cache's, hold none).
fn count_guides(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                count_guides(&path)
            } else {
                usize::from(path.extension().is_some_and(|ext| ext == "md"))
            }
        })
        .sum()
}

/// A docs repository: `fixtures/corpus/` and seed 002 in `seeds/`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&manifest.join("fixtures/corpus"), &root);
    std::fs::create_dir_all(root.join("seeds")).unwrap();
    std::fs::copy(
        manifest.join("fixtures/seeds/002_d5e685b3326c1bd0.md"),
        root.join(SEED_002),
    )
    .unwrap();
    (dir, root)
}

fn start(root: &Path) -> Client {
    let (mut client, init) =
        Client::start(binary(), root, json!({"debounceMs": 0, "pollSeconds": 0}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    wait_indexed(&mut client);
    client
}

/// Waits for the end of the indexing's progress; checks its message.
fn wait_indexed(client: &mut Client) {
    let begin =
        client.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin");
    let message = begin["params"]["value"]["message"].as_str().unwrap_or("");
    assert!(message.starts_with("Indexing "), "{message}");
    client.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
}

fn open(client: &mut Client, root: &Path, rel: &str) -> (PathBuf, String, Vec<Value>) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text, 1);
    let diagnostics = client.diagnostics(&path, Some(1));
    (path, text, diagnostics)
}

/// The (line, UTF-16 character) of the first `needle` in `text`, plus `extra` characters.
fn position_of(text: &str, needle: &str, extra: u32) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let line = text[..at].matches('\n').count() as u32;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..at].encode_utf16().count() as u32 + extra;
    (line, character)
}

fn position(p: (u32, u32)) -> Value {
    json!({"line": p.0, "character": p.1})
}

fn doc(path: &Path) -> Value {
    json!({"uri": file_uri(path)})
}

/// The edits of `path` in a workspace edit (versioned document changes).
fn edits_of(edit: &Value, path: &Path) -> Vec<Value> {
    let uri = file_uri(path);
    edit["documentChanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["textDocument"]["uri"] == uri)
        .flat_map(|c| c["edits"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn seed_002_gives_pop3_on_993_with_its_span_and_a_quick_fix_removes_it() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, text, diagnostics) = open(&mut client, &root, SEED_002);
    let found = with_code(&diagnostics, "GL201");
    assert_eq!(found.len(), 1, "{diagnostics:#?}");
    let d = found[0];
    // `guidelint check --format json` says 39:16 to 39:19 (1-based).
    assert_eq!(span(&d["range"]), ((38, 15), (38, 18)));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "guidelint");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("port 993 is IMAP over SSL; POP3 over SSL uses 995")
    );
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("GL201.md")
    );
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], file_uri(&path));
    assert_eq!(span(&related["location"]["range"]).0, (36, 74));
    assert_eq!(related["message"], "the server is said to be POP3 here");
    // Warnings are warnings.
    assert!(
        with_code(&diagnostics, "GL205")
            .iter()
            .all(|d| d["severity"] == 2)
    );

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": doc(&path), "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Use 995 for POP3 over SSL (GL201)"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Name IMAP instead of POP3 (GL201)"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Suppress GL201 on this line"),
        "{titles:?}"
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Use 995 for POP3 over SSL (GL201)")
        .unwrap();
    assert_eq!(fix["kind"], "quickfix");
    let edits = edits_of(&fix["edit"], &path);
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let fixed = apply_edits(&text, &edits);
    assert!(fixed.contains("    - Port : **995**\n"));
    // The editor applies it, as an incremental change.
    let e = &edits[0];
    let ((l0, c0), (l1, c1)) = span(&e["range"]);
    client.change(
        &path,
        2,
        [(l0 as u32, c0 as u32), (l1 as u32, c1 as u32)],
        e["newText"].as_str().unwrap(),
    );
    let after = client.diagnostics(&path, Some(2));
    assert!(with_code(&after, "GL201").is_empty(), "{after:#?}");
    // The other findings stay.
    assert!(!with_code(&after, "GL202").is_empty());

    // Fix all: the misspellings' fixes (what `--fix` applies).
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": doc(&path), "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .unwrap();
    let all = &actions[0];
    assert_eq!(all["kind"], "source.fixAll.guidelint", "{actions:#?}");
    let fixed = apply_edits(&fixed, &edits_of(&all["edit"], &path));
    assert!(fixed.contains("### Paramètre du compte e-mail en IMAP"));
    assert!(fixed.contains("## Rappel des paramètres POP - IMAP"));
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn typing_a_broken_anchor_gives_gl103_and_anchors_complete() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, text, diagnostics) = open(&mut client, &root, OWA_FR);
    assert!(
        with_code(&diagnostics, "GL103").is_empty(),
        "{diagnostics:#?}"
    );
    let end = text.lines().count() as u32;
    client.change(
        &path,
        2,
        [(end, 0), (end, 0)],
        "\nVoir [la suite](#la-suite).\n",
    );
    let diagnostics = client.diagnostics(&path, Some(2));
    let broken = with_code(&diagnostics, "GL103");
    assert_eq!(broken.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        span(&broken[0]["range"]),
        ((end + 1) as u64, 16).into_pair(25)
    );

    // Completion after `#`: this guide's anchors, with their headings.
    client.change(&path, 3, [(end + 2, 0), (end + 2, 0)], "Et [ici](#");
    let items = client
        .request(
            "textDocument/completion",
            json!({"textDocument": doc(&path), "position": position((end + 2, 10))}),
        )
        .unwrap();
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "se-connecter-a-owa",
            "nouvelle-version-de-loffre-mx-plan",
            "newmxplan"
        ]
    );
    assert_eq!(items[0]["detail"], "Se connecter à OWA");
    // Another guide's anchors, with the `_1` of a repeated heading.
    client.change(
        &path,
        4,
        [(end + 2, 0), (end + 2, 10)],
        "Et [là](../email_roundcube/guide.fr-fr.md#nou",
    );
    let items = client
        .request(
            "textDocument/completion",
            json!({"textDocument": doc(&path), "position": position((end + 2, 45))}),
        )
        .unwrap();
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"etape-1-se-connecter"), "{labels:?}");
    assert!(
        labels.contains(&"nouvelle-version-de-loffre-mx-plan_1"),
        "{labels:?}"
    );
    // The completion replaces what was typed of the fragment.
    let typed = items[0]["textEdit"]["range"].clone();
    assert_eq!(span(&typed), ((end + 2) as u64, 42).into_pair(45));
    client.stop();
}

/// `((line, a), (line, b))` from `(line, a)`.
trait Pair {
    fn into_pair(self, end: u64) -> ((u64, u64), (u64, u64));
}

impl Pair for (u64, u64) {
    fn into_pair(self, end: u64) -> ((u64, u64), (u64, u64)) {
        (self, (self.0, end))
    }
}

#[test]
fn renaming_a_heading_updates_every_link_to_it() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, text, _) = open(&mut client, &root, ROUNDCUBE_FR);
    let at = position_of(&text, "## Étape 1 : se connecter", 5);
    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({"textDocument": doc(&path), "position": position(at)}),
        )
        .unwrap();
    assert_eq!(prepared["placeholder"], "Étape 1 : se connecter");
    let edit = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc(&path), "position": position(at), "newName": "Étape 1 : ouvrir une session"}),
        )
        .unwrap();
    let new_id = "etape-1-ouvrir-une-session";
    // This guide: the heading and its two links to itself.
    let own = apply_edits(&text, &edits_of(&edit, &path));
    assert!(own.contains("## Étape 1 : ouvrir une session\n"));
    assert!(own.contains(&format!("[la première étape](#{new_id})")));
    assert!(own.contains(&format!("[cette étape](./#{new_id})")));
    // Every guide linking to it: by path, by folder, by published URL, in
    // another universe.
    for (rel, link) in [
        (OWA_FR, format!("[RoundCube](../email_roundcube/#{new_id})")),
        (
            "pages/web/emails/email_roundcube/guide.en-gb.md",
            format!(
                "[the French guide](https://docs.ovh.com/fr/emails/utilisation-roundcube/#{new_id})"
            ),
        ),
        (
            "pages/web/emails-pro/outlook_2016/guide.fr-fr.md",
            format!(
                "[RoundCube chez MX Plan](https://docs.ovh.com/fr/emails/utilisation-roundcube/#{new_id})"
            ),
        ),
    ] {
        let file = root.join(rel);
        let before = std::fs::read_to_string(&file).unwrap();
        let after = apply_edits(&before, &edits_of(&edit, &file));
        assert!(after.contains(&link), "{rel}: {after}");
    }
    let files = edit["documentChanges"].as_array().unwrap().len();
    assert_eq!(files, 4, "{edit:#?}");

    // A repeated heading: renaming the first makes the second lose its `_1`.
    let at = position_of(&text, "## Nouvelle version de l'offre MX Plan", 4);
    let edit = client
        .request(
            "textDocument/rename",
            json!({"textDocument": doc(&path), "position": position(at), "newName": "Version actuelle"}),
        )
        .unwrap();
    let own = apply_edits(&text, &edits_of(&edit, &path));
    assert!(
        own.contains("[la nouvelle version](#nouvelle-version-de-loffre-mx-plan)"),
        "{own}"
    );
    // The link to OWA's heading of that name is not this guide's.
    assert!(own.contains("[OWA](/pages/web/emails/email_owa#nouvelle-version-de-loffre-mx-plan)"));
    // Not on a heading: an error, and the server goes on.
    let error = client
        .request(
            "textDocument/prepareRename",
            json!({"textDocument": doc(&path), "position": position((9, 3))}),
        )
        .unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("heading"));
    client.stop();
}

#[test]
fn hover_and_definition() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, text, _) = open(&mut client, &root, SEED_002);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": doc(&path), "position": position((38, 16))}),
        )
        .unwrap();
    let value = hover["contents"]["value"].as_str().unwrap();
    for want in [
        "**port 993** — guidelint reads: POP3, incoming, over SSL",
        "stated earlier in the section (`POP3`, line 37)",
        "section: \"Parametre du compte e-mail en IMAP\"",
        "**Standard ports**: 993 is IMAP over SSL",
        "**MX Plan spec**: POP3 on 995 (SSL) and 110 (without SSL) — not as read here.",
    ] {
        assert!(value.contains(want), "{want:?} not in {value}");
    }
    assert_eq!(span(&hover["range"]), ((38, 15), (38, 18)));
    // A suppression comment's rule: its documentation.
    client.change(
        &path,
        2,
        [(0, 0), (0, 0)],
        "<!-- guidelint-disable-file GL205 -->\n",
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": doc(&path), "position": position((0, 31))}),
        )
        .unwrap();
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**GL205 contradictory-ports** (warning)"),
        "{value}"
    );

    // Go to definition: from a link into another guide, to its heading.
    let (path, text2, _) = open(&mut client, &root, ROUNDCUBE_FR);
    let at = position_of(&text2, "../email_owa/guide.fr-fr.md#se-connecter", 30);
    let location = client
        .request(
            "textDocument/definition",
            json!({"textDocument": doc(&path), "position": position(at)}),
        )
        .unwrap();
    assert_eq!(location["uri"], file_uri(&root.join(OWA_FR)));
    let owa = std::fs::read_to_string(root.join(OWA_FR)).unwrap();
    let heading = position_of(&owa, "## Se connecter à OWA", 0);
    assert_eq!(span(&location["range"]).0, (heading.0 as u64, 0));
    // And within the guide.
    let at = position_of(&text2, "[les dossiers](#dossiers)", 16);
    let location = client
        .request(
            "textDocument/definition",
            json!({"textDocument": doc(&path), "position": position(at)}),
        )
        .unwrap();
    assert_eq!(location["uri"], file_uri(&path));
    assert_eq!(
        span(&location["range"]).0.0,
        position_of(&text2, "### Dossiers", 0).0 as u64
    );
    let _ = text;
    client.stop();
}

#[test]
fn a_cancelled_request_and_bad_input_leave_the_server_working() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, text, _) = open(&mut client, &root, SEED_002);
    // A large guide makes rebuilding the index (every guide read and
    // checked again) take a while; cancel it midway.
    let big = root.join("pages/web/emails/big/guide.fr-fr.md");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    std::fs::write(&big, text.repeat(2_000_000 / text.len())).unwrap();
    let id = client.send_request(
        "workspace/executeCommand",
        json!({"command": "guidelint.reindex", "arguments": []}),
    );
    client.notify("$/cancelRequest", json!({"id": id}));
    let error = client.response(id).unwrap_err();
    assert_eq!(error["code"], -32800, "{error}");
    // Garbage: not JSON, not a message, a request with bad parameters, an unknown method.
    client.write_raw(b"Content-Length: 9\r\n\r\n{not json");
    client.write_raw(b"Content-Length: 2\r\n\r\n[]");
    client.write_raw(b"X-Nonsense: 1\r\n\r\n");
    let error = client
        .request("textDocument/hover", json!({"textDocument": 5}))
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    let error = client.request("textDocument/nope", json!({})).unwrap_err();
    assert_eq!(error["code"], -32601);
    let error = client
        .request("workspace/executeCommand", json!({"command": "nope"}))
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    // Still working: a hover, a change checked.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": doc(&path), "position": position((38, 16))}),
        )
        .unwrap();
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("port 993")
    );
    client.change(&path, 2, [(38, 15), (38, 18)], "995");
    let after = client.diagnostics(&path, Some(2));
    assert!(with_code(&after, "GL201").is_empty());
    // The reindex, not cancelled, answers with the number of guides.
    let done = client
        .request(
            "workspace/executeCommand",
            json!({"command": "guidelint.reindex"}),
        )
        .unwrap();
    // Every guide of the workspace: the corpus fixtures, seed 002 and the big one.
    let guides = count_guides(&root);
    assert_eq!(done["guides"], guides as u64, "{done}");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn a_change_on_disk_checks_the_guides_that_link_to_it_again() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let (path, _, diagnostics) = open(&mut client, &root, ROUNDCUBE_FR);
    let before = with_code(&diagnostics, "GL103").len();
    // OWA's first heading changes on disk (another editor, a `git checkout`).
    let owa = root.join(OWA_FR);
    let text = std::fs::read_to_string(&owa).unwrap();
    std::fs::write(&owa, text.replace("## Se connecter à OWA", "## Connexion")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&owa), "type": 2}]}),
    );
    // Checked again, same version: the link to `#se-connecter-a-owa` is broken now.
    let after = client.diagnostics(&path, Some(1));
    assert_eq!(with_code(&after, "GL103").len(), before + 1, "{after:#?}");

    // Saving a configuration reloads it: GL103 ignored.
    std::fs::write(root.join(".guidelint.yaml"), "ignore: [GL103]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join(".guidelint.yaml")), "type": 1}]}),
    );
    let after = client.diagnostics(&path, Some(1));
    assert!(with_code(&after, "GL103").is_empty(), "{after:#?}");
    // A broken configuration is shown on the file, and the last good one stays.
    std::fs::write(root.join(".guidelint.yaml"), "ignore: [GL103]\nbogus: 1\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join(".guidelint.yaml")), "type": 2}]}),
    );
    let config = client.diagnostics(&root.join(".guidelint.yaml"), None);
    assert_eq!(config.len(), 1, "{config:#?}");
    assert_eq!(span(&config[0]["range"]).0.0, 1);
    assert!(
        client
            .wait_for(Duration::from_secs(2), |m| m["method"]
                == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == file_uri(&path))
            .is_none_or(
                |m| with_code(m["params"]["diagnostics"].as_array().unwrap(), "GL103").is_empty()
            )
    );
    client.stop();
}

#[test]
fn position_conversion_counts_utf16_in_a_guide_with_emoji_and_crlf() {
    let (_dir, root) = workspace();
    let mut client = start(&root);
    let path = root.join("pages/web/emails/emoji/guide.fr-fr.md");
    // 📧 is two UTF-16 code units, é one; lines end with CRLF.
    let text = "## Réglages en IMAP\r\n\r\n- 📧 Mon serveur de messagerie pour courrier entrant est un serveur : **POP3**\r\n- 📧 Port : **993**\r\n";
    client.open(&path, text, 1);
    let diagnostics = client.diagnostics(&path, Some(1));
    let gl201 = with_code(&diagnostics, "GL201");
    assert_eq!(gl201.len(), 1, "{diagnostics:#?}");
    // "- 📧 Port : **" is 14 UTF-16 code units (16 bytes).
    assert_eq!(span(&gl201[0]["range"]), ((3, 14), (3, 17)));
    let related = &gl201[0]["relatedInformation"][0]["location"]["range"];
    assert_eq!(span(related), ((2, 72), (2, 76)));
    client.stop();
}

#[test]
fn a_broken_configuration_at_start_is_shown_and_the_guides_are_still_checked() {
    let (_dir, root) = workspace();
    let config = root.join(".guidelint.yaml");
    std::fs::write(&config, "select: [GL2]\nbogus: 1\n").unwrap();
    let (mut client, _) = Client::start(binary(), &root, json!({"pollSeconds": 0}));
    let shown = client.diagnostics(&config, None);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert_eq!(span(&shown[0]["range"]).0.0, 1);
    // The embedded defaults are in force: every rule, GL201 included.
    let path = root.join(SEED_002);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&path, &text, 1);
    let found = client.diagnostics(&path, Some(1));
    assert_eq!(with_code(&found, "GL201").len(), 1, "{found:#?}");
    assert!(!with_code(&found, "GL510").is_empty());
    client.stop();
}
