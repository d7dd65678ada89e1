//! The summary cache: findings are the same with and without it, a guide
//! changed since the cache was written is read again, and the cache lives
//! where the configuration or the flags say.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

mod common;

use common::{git, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_guidelint");

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GUIDELINT_NO_CACHE")
        .output()
        .expect("the binary runs")
}

/// Copies `from` into `to`, every file dated an hour ago (old enough to be cached).
fn copy_old(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_old(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
            age(&target);
        }
    }
}

/// Dates `path` an hour ago.
fn age(path: &Path) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

fn cache_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A git repository holding the corpus fixture, committed, with one guide changed.
fn corpus_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_old(&root.join("fixtures/corpus"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "corpus"]);
    let changed = dir
        .path()
        .join("pages/web/emails/email_roundcube/guide.fr-fr.md");
    let mut text = fs::read_to_string(&changed).unwrap();
    text.push_str("\nUne ligne de plus.\n");
    fs::write(&changed, text).unwrap();
    dir
}

#[test]
fn a_warm_cache_gives_the_same_findings_as_no_cache() {
    let dir = corpus_repo();
    let args = ["check", ".", "--changed-since", "HEAD", "--format", "json"];
    let uncached = run(dir.path(), &[&args[..], &["--no-cache"]].concat());
    assert!(
        !dir.path().join(".guidelint_cache").exists(),
        "--no-cache writes nothing"
    );
    assert!(stdout(&uncached).contains("GL103"), "{}", stdout(&uncached));
    let cold = run(dir.path(), &args);
    let cache_dir = dir.path().join(".guidelint_cache");
    let files = cache_files(&cache_dir);
    assert!(
        files.iter().any(|f| f.starts_with("summaries-")),
        "{files:?}"
    );
    assert_eq!(
        fs::read_to_string(cache_dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    let warm = run(dir.path(), &args);
    assert_eq!(stdout(&cold), stdout(&uncached));
    assert_eq!(stdout(&warm), stdout(&uncached));
    assert_eq!(warm.status.code(), uncached.status.code());
    // A full run agrees too, and the cache stays out of `git status`.
    let full = ["check", ".", "--format", "json"];
    assert_eq!(
        stdout(&run(dir.path(), &full)),
        stdout(&run(dir.path(), &[&full[..], &["--no-cache"]].concat()))
    );
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&status.stdout).contains("guidelint_cache"),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}

#[test]
fn a_guide_changed_since_the_cache_was_written_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("pages/web/emails/a/guide.fr-fr.md");
    let b = dir.path().join("pages/web/emails/b/guide.fr-fr.md");
    fs::create_dir_all(a.parent().unwrap()).unwrap();
    fs::create_dir_all(b.parent().unwrap()).unwrap();
    fs::write(
        &a,
        "---\ntitle: A\nslug: a\n---\n\n# A\n\nVoir [B](../b/guide.fr-fr.md#etape-un).\n",
    )
    .unwrap();
    fs::write(
        &b,
        "---\ntitle: B\nslug: b\n---\n\n# B\n\n## Étape un\n\nTexte.\n",
    )
    .unwrap();
    age(&a);
    age(&b);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "two guides"]);
    // A full run fills the cache; nothing is wrong.
    let full = run(dir.path(), &["check", ".", "--format", "json"]);
    assert!(!stdout(&full).contains("GL103"), "{}", stdout(&full));
    assert!(!cache_files(&dir.path().join(".guidelint_cache")).is_empty());
    // A is staged (reported); B's heading changes on disk, unstaged: B is not
    // reported, but its cached summary is stale, so the link from A breaks.
    fs::write(
        &a,
        "---\ntitle: A\nslug: a\n---\n\n# A\n\nVoir [B](../b/guide.fr-fr.md#etape-un) ici.\n",
    )
    .unwrap();
    git(dir.path(), &["add", "-A"]);
    fs::write(
        &b,
        "---\ntitle: B\nslug: b\n---\n\n# B\n\n## Étape deux\n\nTexte.\n",
    )
    .unwrap();
    let staged = run(dir.path(), &["check", ".", "--staged", "--format", "json"]);
    let out = stdout(&staged);
    assert!(out.contains("GL103"), "{out}");
    assert!(
        out.contains("etape-deux"),
        "the new heading is suggested: {out}"
    );
    assert_eq!(
        out,
        stdout(&run(
            dir.path(),
            &["check", ".", "--staged", "--format", "json", "--no-cache"]
        ))
    );
}

#[test]
fn the_cache_goes_where_the_flags_and_the_configuration_say() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("g.md"), "# G\n\nTexte.\n").unwrap();
    age(&dir.path().join("g.md"));
    run(
        dir.path(),
        &["check", ".", "--cache-dir", "elsewhere", "--no-config"],
    );
    assert!(!cache_files(&dir.path().join("elsewhere")).is_empty());
    assert!(!dir.path().join(".guidelint_cache").exists());

    // With a configuration file, `cache_dir` is relative to it, and the
    // project root is its folder, wherever the run starts.
    fs::create_dir_all(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join(".guidelint.yaml"), "cache_dir: .cache/gl\n").unwrap();
    run(&dir.path().join("sub"), &["check", ".."]);
    assert!(!cache_files(&dir.path().join(".cache/gl")).is_empty());
    assert!(!dir.path().join("sub/.guidelint_cache").exists());

    // GUIDELINT_NO_CACHE turns it off.
    fs::write(dir.path().join(".guidelint.yaml"), "").unwrap();
    let out = Command::new(BIN)
        .args(["check", "."])
        .current_dir(dir.path())
        .env("GUIDELINT_NO_CACHE", "1")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2));
    assert!(!dir.path().join(".guidelint_cache").exists());
    run(dir.path(), &["check", "."]);
    assert!(!cache_files(&dir.path().join(".guidelint_cache")).is_empty());
}

#[test]
fn a_corrupt_cache_file_is_a_miss_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("g.md"), "# G\n\n- Port : **993**\n").unwrap();
    age(&dir.path().join("g.md"));
    let first = run(dir.path(), &["check", ".", "--format", "json"]);
    let cache_dir = dir.path().join(".guidelint_cache");
    for name in cache_files(&cache_dir) {
        if name.starts_with("summaries-") {
            fs::write(cache_dir.join(name), b"\x01garbage").unwrap();
        }
    }
    let again = run(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(stdout(&again), stdout(&first));
    assert_eq!(again.status.code(), first.status.code());
}

/// Dates the folder `path` an hour ago (its change time stays now).
#[cfg(unix)]
fn age_dir(path: &Path) {
    let dir = fs::File::open(path).unwrap();
    dir.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

/// Dates every folder under `root` (itself included) an hour ago.
#[cfg(unix)]
fn age_dirs(root: &Path) {
    for entry in fs::read_dir(root).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() && entry.file_name() != ".git" {
            age_dirs(&entry.path());
        }
    }
    age_dir(root);
}

#[cfg(unix)]
#[test]
fn guides_added_deleted_or_renamed_outside_git_are_seen_with_a_warm_cache() {
    let dir = corpus_repo();
    let root = dir.path();
    let emails = root.join("pages/web/emails");
    let args = ["check", ".", "--changed-since", "HEAD", "--format", "json"];
    let same_as_uncached = |what: &str| {
        let warm = run(root, &args);
        let uncached = run(root, &[&args[..], &["--no-cache"]].concat());
        assert_eq!(stdout(&warm), stdout(&uncached), "{what}");
        assert_eq!(warm.status.code(), uncached.status.code(), "{what}");
        stdout(&warm)
    };
    // Folders and guides an hour old: the first run keeps their listings.
    age_dirs(root);
    run(root, &args);
    assert!(root.join(".guidelint_cache/listings.bin").is_file());
    same_as_uncached("warm, nothing changed");

    // A new guide (untracked: a changed guide) in an existing folder, with
    // the slug of another guide; its folder dated back to an hour ago.
    let roundcube = fs::read_to_string(emails.join("email_roundcube/guide.fr-fr.md")).unwrap();
    fs::write(emails.join("email_owa/guide.fr-ca.md"), &roundcube).unwrap();
    age(&emails.join("email_owa/guide.fr-ca.md"));
    age_dir(&emails.join("email_owa"));
    let out = same_as_uncached("a guide added");
    assert!(out.contains("email_owa/guide.fr-ca.md"), "{out}");

    // A new folder with a guide.
    fs::create_dir_all(emails.join("brand_new")).unwrap();
    fs::write(emails.join("brand_new/guide.fr-fr.md"), &roundcube).unwrap();
    age_dirs(&emails);
    let out = same_as_uncached("a folder added");
    assert!(out.contains("brand_new/guide.fr-fr.md"), "{out}");

    // Renamed and deleted outside git: the old names are gone.
    fs::rename(
        emails.join("brand_new/guide.fr-fr.md"),
        emails.join("brand_new/guide.fr-be.md"),
    )
    .unwrap();
    fs::remove_file(emails.join("email_owa/guide.fr-ca.md")).unwrap();
    age_dirs(&emails);
    let out = same_as_uncached("a guide renamed, one deleted");
    assert!(out.contains("brand_new/guide.fr-be.md"), "{out}");
    assert!(!out.contains("brand_new/guide.fr-fr.md"), "{out}");
    assert!(!out.contains("email_owa/guide.fr-ca.md"), "{out}");

    // A cached guide edited to the same size, not reported: what the
    // changed guide is compared with changes all the same.
    let before = same_as_uncached("before the edit");
    let dup = emails.join("dup_a/guide.fr-fr.md");
    let text = fs::read_to_string(&dup).unwrap();
    let edited = text.replacen(
        "slug: configuration-outlook-2016 #",
        "slug: utilisation-roundcube      #",
        1,
    );
    assert_eq!(edited.len(), text.len());
    fs::write(&dup, edited).unwrap();
    age(&dup);
    let after = same_as_uncached("a guide edited, same size");
    assert_ne!(after, before, "the changed guide now shares its slug");
}

/// Writes `text` over `path` keeping its size, modification time and
/// permissions: what the cache's freshness test cannot tell apart.
fn overwrite_unseen(path: &Path, text: &str) {
    let before = fs::metadata(path).unwrap();
    assert_eq!(text.len() as u64, before.len(), "same size");
    fs::write(path, text).unwrap();
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(before.modified().unwrap()).unwrap();
}

#[test]
fn a_warm_full_run_checks_again_only_the_guides_with_findings_or_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("pages/web/emails");
    let clean = folder.join("clean/guide.fr-fr.md");
    let faulty = folder.join("faulty/guide.fr-fr.md");
    let quiet = folder.join("quiet/guide.fr-fr.md");
    for p in [&clean, &faulty, &quiet] {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
    }
    let good = "---\ntitle: C\nslug: c\nexcerpt: E\nsection: S\n---\n\n# C\n\nLe port IMAP est 993 (SSL).\n";
    fs::write(&clean, good).unwrap();
    fs::write(
        &faulty,
        "---\ntitle: F\nslug: f\nexcerpt: E\nsection: S\n---\n\n# F\n\nLe port POP3 SSL est 993.\n",
    )
    .unwrap();
    fs::write(
        &quiet,
        "---\ntitle: Q\nslug: q\nexcerpt: E\nsection: S\n---\n\n# Q\n\n<!-- guidelint-disable-next-line GL201 -->\nTexte.\n",
    )
    .unwrap();
    for p in [&clean, &faulty, &quiet] {
        age(p);
    }
    let args = ["check", ".", "--format", "concise"];
    let uncached = |d: &Path| stdout(&run(d, &[&args[..], &["--no-cache"]].concat()));
    let expected = uncached(dir.path());
    assert!(expected.contains("faulty/guide.fr-fr.md"), "{expected}");
    assert!(
        expected.contains("GL901"),
        "the unused suppression: {expected}"
    );
    assert!(!expected.contains("clean/guide"), "{expected}");
    // The cold run fills the cache; the warm one gives the same findings:
    // the guides with findings or a suppression comment are checked again.
    assert_eq!(stdout(&run(dir.path(), &args)), expected);
    assert_eq!(stdout(&run(dir.path(), &args)), expected);
    // The clean guide's own checks are not run again: a mistake written into it
    // unseen (same size, time and permissions) is not found until it changes...
    let bad = good.replace("IMAP est 993", "POP3 est 993");
    overwrite_unseen(&clean, &bad);
    assert_eq!(
        stdout(&run(dir.path(), &args)),
        expected,
        "the clean mark was used"
    );
    assert!(uncached(dir.path()).contains("clean/guide.fr-fr.md"));
    // ...and is found once the guide's stamp changes.
    fs::write(&clean, &bad).unwrap();
    age(&clean);
    let after = stdout(&run(dir.path(), &args));
    assert!(after.contains("clean/guide.fr-fr.md"), "{after}");
    assert_eq!(after, uncached(dir.path()));
}
