//! `--fix` and `--diff` against the built binary, on temporary copies: the
//! exact bytes written, line endings, BOM and permissions kept, untouched files
//! not rewritten, idempotence, and `--diff` writing nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const BROKEN: &str = "fixtures/fix/broken.md";
const FIXED: &str = "fixtures/fix/fixed.md";
const SEED_002: &str = "fixtures/seeds/002_d5e685b3326c1bd0.md";
const SEED_000: &str = "fixtures/seeds/000_a6fca5253bfe941f.md";

fn fixture(path: &str) -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder in the directories these tests count.
        .env("GUIDELINT_NO_CACHE", "1")
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A file's identity and age: a rewrite (temporary file + rename) changes both.
#[derive(Debug, PartialEq)]
struct Stamp {
    bytes: Vec<u8>,
    modified: SystemTime,
    #[cfg(unix)]
    inode: u64,
}

fn stamp(path: &Path) -> Stamp {
    let meta = fs::metadata(path).unwrap();
    Stamp {
        bytes: fs::read(path).unwrap(),
        modified: meta.modified().unwrap(),
        #[cfg(unix)]
        inode: std::os::unix::fs::MetadataExt::ino(&meta),
    }
}

/// Writes `bytes` to `dir/name` with an old modification time, so a rewrite
/// cannot go unnoticed even on a coarse clock.
fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600 * 24);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    path
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    text(bytes).replace('\n', "\r\n").into_bytes()
}

fn with_bom(bytes: &[u8]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(bytes);
    out
}

#[test]
fn fix_writes_exactly_the_fixed_bytes_and_leaves_the_rest_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = put(dir.path(), "broken.md", &fixture(BROKEN));
    let seed_002 = put(dir.path(), "002.md", &fixture(SEED_002));
    let seed_000 = put(dir.path(), "000.md", &fixture(SEED_000));
    let before_002 = stamp(&seed_002);

    let out = run(dir.path(), &["--fix", "--format", "concise", "."]);
    let stdout = text(&out.stdout);
    // Seed 002 keeps its errors: its GL201 (POP3 on 993 in an IMAP section)
    // has no certain fix.
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(fs::read(&broken).unwrap(), fixture(FIXED));
    // broken.md's 4 fact fixes, and the rule packs' spelling fixes in the seeds
    // (000: tutoriaux; 002: Parametre, parametres).
    assert!(
        stdout.ends_with("Fixed 7 problems in 3 files.\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("broken.md"), "{stdout}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("002.md:") && l.contains(": GL2"))
            .count(),
        3
    );
    assert_ne!(stamp(&seed_002), before_002);
    let spelled = |bytes: Vec<u8>, pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .fold(text(&bytes), |t, (wrong, right)| t.replace(wrong, right))
    };
    assert_eq!(
        text(&fs::read(&seed_002).unwrap()),
        spelled(
            fixture(SEED_002),
            &[
                ("### Parametre du", "### Paramètre du"),
                ("des parametres POP", "des paramètres POP")
            ]
        )
    );
    assert_eq!(
        text(&fs::read(&seed_000).unwrap()),
        spelled(fixture(SEED_000), &[("nos tutoriaux", "nos tutoriels")])
    );
    let (before_002, before_000) = (stamp(&seed_002), stamp(&seed_000));

    // A second run changes nothing.
    let fixed = stamp(&broken);
    let again = run(dir.path(), &["--fix", "--format", "concise", "."]);
    assert!(text(&again.stdout).ends_with("Fixed 0 problems in 0 files.\n"));
    assert_eq!(stamp(&broken), fixed);
    assert_eq!(stamp(&seed_002), before_002);
    assert_eq!(stamp(&seed_000), before_000);
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn fix_keeps_crlf_bom_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = put(dir.path(), "g.md", &with_bom(&crlf(&fixture(BROKEN))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = run(dir.path(), &["--fix", "g.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(fs::read(&path).unwrap(), with_bom(&crlf(&fixture(FIXED))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    let before = stamp(&path);
    run(dir.path(), &["--fix", "g.md"]);
    assert_eq!(stamp(&path), before);
}

#[test]
fn fix_with_a_machine_format_keeps_stdout_parseable() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "g.md", &fixture(BROKEN));
    let out = run(dir.path(), &["--fix", "--format", "json", "g.md"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, serde_json::json!([]));
    assert_eq!(text(&out.stderr), "Fixed 4 problems in 1 file.\n");
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let broken = put(dir.path(), "broken.md", &fixture(BROKEN));
    let seed = put(dir.path(), "002.md", &fixture(SEED_002));
    let before = (stamp(&broken), stamp(&seed));
    let out = run(dir.path(), &["--diff", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!((stamp(&broken), stamp(&seed)), before);
    let diff = text(&out.stdout);
    let expected = "\
--- a/002.md
+++ b/002.md
@@ -30,7 +30,7 @@
 ![emails](images/1268.png){.thumbnail}
 
 
-### Parametre du compte e-mail en IMAP
+### Paramètre du compte e-mail en IMAP
 Dans la fenêtre qui apparaît, il vous faut entrer les informations suivantes :
 
 - Information sur le Serveur entrant :
@@ -72,7 +72,7 @@
 > 
 
 
-## Rappel des parametres POP - IMAP
+## Rappel des paramètres POP - IMAP
 
 ### Configuration POP
 Voici les informations à retenir pour la configuration d'un compte e-mail **POP** .
--- a/broken.md
+++ b/broken.md
@@ -6,12 +6,12 @@
 ## Configuration en POP
 
 - Informations sur le serveur entrant :
-    - Serveur entrant : **SSL0.OVH.COM**
-    - Port : **993**
+    - Serveur entrant : **ssl0.ovh.net**
+    - Port : **995**
     - Cochez la case : **\"Ce serveur nécessite une connexion sécurisée (SSL)\"**
 
 ## Ports du serveur IMAP
 
 |Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|
 |---|---|---|---|
-|Entrant|SSL0.OVH.NET|143|993|
+|Entrant|SSL0.OVH.NET|993|143|
";
    assert_eq!(diff, expected);
    // `--diff` with `--fix` still writes nothing.
    run(dir.path(), &["--diff", "--fix", "."]);
    assert_eq!((stamp(&broken), stamp(&seed)), before);
    // Nothing to fix: an empty diff.
    let clean = put(dir.path(), "clean.md", &fixture(FIXED));
    let out = run(dir.path(), &["--diff", clean.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}
