//! Generates a realistic, deterministic docs repository for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --guides 20000 --seed 42 --out DIR
//! ```
//!
//! Layout: `DIR/pages/web/<universe>/<folder>/guide.<locale>.md` (a few
//! `guide.<locale>.txt` plain-text exports), `images/` with tiny PNGs. Each
//! folder is planned from `(seed, folder index)` alone, so a guide can link to
//! another folder's headings without the corpus ever being held in memory:
//! guides are written one by one.
//!
//! Like a real docs repository, the translations of a folder are parallel: one
//! plan per folder (front matter, sections, images, hosts, ports, security,
//! product), drawn from one stream that every locale replays; only the words
//! differ. Each guide keeps one spelling (`e-mail`, or `email` in some English
//! guides) and gives its product's servers (MX Plan, Email Pro, Exchange, as in
//! `rules/spec.yaml`). The seeds' mistakes are a sprinkling: each kind in a few
//! per mille of the folders or guides (see [`Mistake`]).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use guidelint::anchors::python_markdown_slug;

/// Command-line options (public: `benches/pipeline.rs` includes this file).
pub struct Args {
    /// Number of guides to write.
    pub guides: usize,
    /// The seed everything is drawn from.
    pub seed: u64,
    /// The directory to write the repository into.
    pub out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut guides = 20_000;
    let mut seed = 42;
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--guides" => {
                guides = value("--guides")?
                    .parse()
                    .map_err(|e| format!("--guides: {e}"))?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "-h" | "--help" => {
                return Err("usage: gen_corpus --guides N --seed S --out DIR".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok(Args { guides, seed, out })
}

/// splitmix64: tiny, fast and good enough for test data.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A seed derived from the run's seed and some indexes.
fn derive(seed: u64, a: u64, b: u64) -> u64 {
    let mut r = Rng::new(seed ^ a.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ b.rotate_left(32));
    r.next()
}

/// A 1×1 transparent PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The locales a folder may have, in the order guides are written.
const LOCALES: [&str; 7] = [
    "fr-fr", "en-gb", "de-de", "es-es", "it-it", "pl-pl", "pt-pt",
];

/// Which phrase bank a locale's guide is written from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fr,
    En,
}

fn lang_of(locale: &str) -> Lang {
    match locale {
        "fr-fr" | "es-es" | "it-it" | "pt-pt" => Lang::Fr,
        _ => Lang::En,
    }
}

/// A few headings in the locale's own words: (objective, requirements, in practice, go further).
fn local_words(locale: &str) -> [&'static str; 4] {
    match locale {
        "fr-fr" => ["Objectif", "Prérequis", "En pratique", "Aller plus loin"],
        "de-de" => [
            "Ziel",
            "Voraussetzungen",
            "Praktische Anwendung",
            "Weiterführende Informationen",
        ],
        "es-es" => ["Objetivo", "Requisitos", "Procedimiento", "Más información"],
        "it-it" => ["Obiettivo", "Requisiti", "Procedura", "Per saperne di più"],
        "pl-pl" => [
            "Wprowadzenie",
            "Wymagania początkowe",
            "W praktyce",
            "Sprawdź również",
        ],
        "pt-pt" => ["Objetivo", "Requisitos", "Instruções", "Quer saber mais?"],
        _ => ["Objective", "Requirements", "Instructions", "Go further"],
    }
}

/// Mail clients guides are written for: (shown name, key used in folder names and slugs).
const CLIENTS: [(&str, &str); 16] = [
    ("Thunderbird", "thunderbird"),
    ("Outlook 2016", "outlook-2016"),
    ("Outlook 2013", "outlook-2013"),
    ("Outlook 2010", "outlook-2010"),
    ("Outlook pour Mac", "outlook-mac"),
    ("Windows Mail", "windows-mail"),
    ("Windows 10", "windows-10"),
    ("Mail de macOS", "mail-macos"),
    ("iOS 9.1", "iphone-ios-91"),
    ("Android 6", "android-6"),
    ("Android 4.4", "android-44"),
    ("Android 4.1.2", "tablette-android-412"),
    ("Gmail", "gmail"),
    ("BlackBerry", "blackberry"),
    ("Evolution", "evolution"),
    ("Windows Phone", "windows-phone"),
];

/// A mail protocol a section configures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Proto {
    Imap,
    Pop,
}

impl Proto {
    fn name(self) -> &'static str {
        match self {
            Proto::Imap => "IMAP",
            Proto::Pop => "POP3",
        }
    }
}

/// What a section of a guide is about; its heading follows from it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sec {
    Objective,
    Requirements,
    InPractice,
    Step(u8, Proto),
    Incoming(Proto),
    Outgoing,
    Reminder,
    NewOffer,
    Limits,
    Errors,
    Autoconfig,
    GoFurther,
}

/// A section as planned: its kind and how its heading is decorated.
#[derive(Clone)]
struct Section {
    sec: Sec,
    /// `{#id}` after the heading.
    custom_id: Option<String>,
    /// `<a name="x"></a>` at the end of the heading.
    html_anchor: Option<String>,
}

/// A rendered heading: level, text as written (without decorations), decorations.
struct Heading {
    level: usize,
    text: String,
    custom_id: Option<String>,
    html_anchor: Option<String>,
}

fn heading_of(section: &Section, locale: &str, client: &str) -> Heading {
    let lang = lang_of(locale);
    let words = local_words(locale);
    let fr = lang == Lang::Fr;
    let (level, text) = match section.sec {
        Sec::Objective => (2, words[0].to_string()),
        Sec::Requirements => (2, words[1].to_string()),
        Sec::InPractice => (2, words[2].to_string()),
        Sec::GoFurther => (2, words[3].to_string()),
        Sec::Step(n, p) if fr => (
            3,
            format!("Étape {n} : configurer le compte en {}", p.name()),
        ),
        Sec::Step(n, p) => (3, format!("Step {n}: set up the account in {}", p.name())),
        Sec::Incoming(_) if fr => (4, "Paramètres du serveur entrant".into()),
        Sec::Incoming(_) => (4, "Incoming server settings".into()),
        Sec::Outgoing if fr => (4, "Paramètres du serveur sortant".into()),
        Sec::Outgoing => (4, "Outgoing server settings".into()),
        Sec::Reminder if fr => (2, "Rappel des paramètres POP, IMAP et SMTP".into()),
        Sec::Reminder => (2, "Reminder of the POP, IMAP and SMTP settings".into()),
        Sec::NewOffer if fr => (3, "Nouvelle version de l'offre MX Plan".into()),
        Sec::NewOffer => (3, "New version of the MX Plan offer".into()),
        Sec::Limits if fr => (3, "Limites d'envoi & quotas".into()),
        Sec::Limits => (3, "Sending limits & quotas".into()),
        Sec::Errors if fr => (3, "Que faire en cas d'erreur ?".into()),
        Sec::Errors => (3, "What should I do if I get an error?".into()),
        Sec::Autoconfig if fr => (3, format!("Configuration automatique de {client}")),
        Sec::Autoconfig => (3, format!("Automatic configuration of {client}")),
    };
    Heading {
        level,
        text,
        custom_id: section.custom_id.clone(),
        html_anchor: section.html_anchor.clone(),
    }
}

/// The ids a page's headings get (Python-Markdown's toc extension), plus `<a name>` anchors.
fn page_ids(headings: &[Heading]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(headings.len() + 2);
    for h in headings {
        let id = match &h.custom_id {
            Some(id) => id.clone(),
            None => {
                let base = python_markdown_slug(&h.text);
                let mut id = base.clone();
                let mut n = 1;
                while id.is_empty() || ids.contains(&id) {
                    id = format!("{base}_{n}");
                    n += 1;
                }
                id
            }
        };
        ids.push(id);
        if let Some(a) = &h.html_anchor {
            ids.push(a.clone());
        }
    }
    ids
}

/// The product a folder documents: its universe, hosts and ports follow from it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Product {
    MxPlan,
    EmailPro,
    Exchange,
}

impl Product {
    fn universe(self) -> &'static str {
        match self {
            Product::MxPlan => "emails",
            Product::EmailPro => "emails-pro",
            Product::Exchange => "exchange",
        }
    }

    /// The product's name, in the `e-mail` spelling (`E-mail Pro`; see [`respell`]).
    fn name(self) -> &'static str {
        match self {
            Product::MxPlan => "MX Plan",
            Product::EmailPro => "E-mail Pro",
            Product::Exchange => "Exchange",
        }
    }

    /// Email Pro and Exchange: IMAP 993 over SSL, SMTP 587 with STARTTLS, nothing else.
    fn hosted(self) -> bool {
        self != Product::MxPlan
    }
}

/// The seeds' mistakes. Each is planted in a few folders (every locale of the
/// folder states it, as a translated mistake would) or, for the ones that are
/// about one translation, in one locale of a few folders.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mistake {
    /// "POP3" on port 993 in an IMAP section.
    Pop3On993,
    /// Port 465, then "you must use port 587".
    ContradictorySmtp,
    /// SSL and non-SSL columns swapped in the port table.
    SwappedColumns,
    /// `ssl0.ovh.com` instead of `ssl0.ovh.net`.
    WrongHost,
    /// "For a POP configuration (recommended)".
    PopRecommended,
    /// The old webmail address `http://webmail.ovh.net/`.
    OldWebmail,
    /// A plain `http://` link to the vendor's site.
    PlainHttpLink,
    /// One translation keeps the old outgoing port (587 without SSL) the others no longer give.
    DriftedPort,
    /// One translation lacks an image the others show.
    MissingImage,
    /// A legacy slug (and number) that another folder of the universe holds too.
    DuplicateSlug,
}

/// The slug and number the duplicate-slug mistake copies, as in the seeds 000 and 001.
const SEED_SLUG: &str = "generalites-sur-les-emails-mutualises";
const SEED_NUMBER: usize = 1474;

/// How sections are written: drawn once per folder, so every translation has the same shape.
#[derive(Clone, Copy)]
struct Style {
    /// 0: settings list, 1: quoted fields, 2: one sentence.
    incoming: usize,
    /// Outgoing settings as a nested list rather than quoted fields.
    outgoing_list: bool,
    /// The port table with SSL columns only rather than host and both ports.
    short_table: bool,
}

/// One guide folder, planned from `(seed, index)` alone: everything its
/// translations share (front matter, sections, images, facts, mistakes).
struct Folder {
    index: usize,
    product: Product,
    universe: &'static str,
    name: String,
    client: &'static str,
    /// Legacy front matter (`slug`, `legacy_guide_number`, …) rather than the current one.
    legacy: bool,
    slug: String,
    number: usize,
    /// The legacy `section`: one string for every locale.
    section: &'static str,
    order: usize,
    hidden: bool,
    /// Locales written, and whether each is a plain-text export.
    locales: Vec<(&'static str, bool)>,
    sections: Vec<Section>,
    /// The incoming and outgoing server.
    host: String,
    /// Settings given with SSL (always for Email Pro and Exchange).
    ssl: bool,
    /// English text written `email` rather than `e-mail` (French is always `e-mail`).
    english_email: bool,
    style: Style,
    /// The size the guides aim at, in bytes.
    target: usize,
    mistake: Option<Mistake>,
    /// For `DriftedPort` and `MissingImage`: the position in `locales` of the translation at fault.
    faulty_locale: usize,
}

/// Legacy `section` values.
const SECTIONS: [&str; 3] = [
    "Configuration sur ordinateur",
    "Configuration sur smartphone ou tablette",
    "Généralités",
];

impl Folder {
    fn plan(seed: u64, index: usize) -> Folder {
        let mut rng = Rng::new(derive(seed, index as u64, 0));
        let product = match rng.below(1000) {
            0..=149 => Product::EmailPro,
            150..=199 => Product::Exchange,
            _ => Product::MxPlan,
        };
        let universe = product.universe();
        let general = rng.chance(250);
        let client_index = rng.below(CLIENTS.len());
        let (client, key) = CLIENTS[client_index];
        let name = if general {
            format!("email_general_{index:05}")
        } else {
            format!("email_configuration_{}_{index:05}", key.replace('-', "_"))
        };
        let mut slug = if general {
            format!("{SEED_SLUG}-{index}")
        } else {
            format!("mail-mutualise-guide-configuration-{key}-{index}")
        };
        let legacy = rng.chance(600);
        let mut number = 1000 + index;
        let section = if general {
            SECTIONS[2]
        } else if client_index >= 8 && client_index != 12 {
            SECTIONS[1]
        } else {
            SECTIONS[0]
        };
        let order = rng.range(1, 20);
        let hidden = rng.chance(20);
        let count = rng.range(2, 5);
        let mut chosen: Vec<usize> = Vec::with_capacity(count);
        if rng.chance(920) {
            chosen.push(0);
        }
        if rng.chance(850) {
            chosen.push(1);
        }
        while chosen.len() < count {
            let l = rng.below(LOCALES.len());
            if !chosen.contains(&l) {
                chosen.push(l);
            }
        }
        chosen.sort_unstable();
        let locales: Vec<(&'static str, bool)> = chosen
            .iter()
            .map(|&l| (LOCALES[l], rng.chance(30)))
            .collect();
        let mut secs = vec![Sec::Objective, Sec::Requirements, Sec::InPractice];
        if general {
            secs.extend([Sec::Reminder, Sec::Limits]);
            if rng.chance(500) {
                secs.push(Sec::NewOffer);
            }
            secs.push(Sec::Errors);
        } else {
            // Email Pro and Exchange offer IMAP only.
            let first = if product.hosted() || rng.chance(700) {
                Proto::Imap
            } else {
                Proto::Pop
            };
            secs.extend([Sec::Step(1, first), Sec::Incoming(first), Sec::Outgoing]);
            if !product.hosted() && rng.chance(600) {
                let second = if first == Proto::Imap {
                    Proto::Pop
                } else {
                    Proto::Imap
                };
                secs.extend([Sec::Step(2, second), Sec::Incoming(second), Sec::Outgoing]);
            }
            if rng.chance(700) {
                secs.push(Sec::Reminder);
            }
            if rng.chance(200) {
                secs.push(Sec::Autoconfig);
            }
            if rng.chance(400) {
                secs.push(Sec::Errors);
            }
            if rng.chance(150) {
                secs.push(Sec::NewOffer);
            }
        }
        secs.push(Sec::GoFurther);
        let sections: Vec<Section> = secs
            .into_iter()
            .enumerate()
            .map(|(i, sec)| {
                let custom_id = (!matches!(sec, Sec::NewOffer) && rng.chance(80))
                    .then(|| format!("section-{i}"));
                let html_anchor = match sec {
                    Sec::NewOffer => Some("newmxplan".to_string()),
                    Sec::Step(n, _) if rng.chance(100) => Some(format!("step{n}")),
                    _ => None,
                };
                Section {
                    sec,
                    custom_id,
                    html_anchor,
                }
            })
            .collect();
        let host = match product {
            Product::MxPlan if rng.chance(700) => "SSL0.OVH.NET".to_string(),
            Product::MxPlan => "ssl0.ovh.net".to_string(),
            Product::EmailPro => "pro1.mail.ovh.net".to_string(),
            Product::Exchange => format!("ex{}.mail.ovh.net", rng.range(1, 5)),
        };
        let ssl = product.hosted() || rng.chance(850);
        let english_email = product == Product::EmailPro || rng.chance(400);
        let style = Style {
            incoming: rng.below(3),
            outgoing_list: rng.chance(500),
            short_table: rng.chance(300),
        };
        let target = if rng.chance(40) {
            rng.range(12_000, 24_000)
        } else {
            rng.range(3_000, 12_000)
        };
        let has = |s: Sec| sections.iter().any(|x| x.sec == s);
        let has_step = |p: Proto| sections.iter().any(|x| x.sec == Sec::Incoming(p));
        let md_locales = locales.iter().filter(|(_, txt)| !txt).count();
        let mx = product == Product::MxPlan;
        // Each mistake in a few folders only, where it can show.
        let mistake = match rng.below(1000) {
            0..=5 if has_step(Proto::Imap) => Some(Mistake::Pop3On993),
            6..=11 if mx && has(Sec::Outgoing) => Some(Mistake::ContradictorySmtp),
            12..=15 if mx && has(Sec::Reminder) => Some(Mistake::SwappedColumns),
            16..=19 if mx => Some(Mistake::WrongHost),
            20..=27 if mx && has(Sec::Reminder) => Some(Mistake::PopRecommended),
            28..=35 if mx => Some(Mistake::OldWebmail),
            36..=43 => Some(Mistake::PlainHttpLink),
            44..=63
                if mx
                    && ssl
                    && md_locales >= 3
                    && has(Sec::Outgoing)
                    && !has(Sec::Reminder)
                    && !has(Sec::Autoconfig) =>
            {
                Some(Mistake::DriftedPort)
            }
            64..=71 if md_locales >= 3 => Some(Mistake::MissingImage),
            72..=77 if legacy => Some(Mistake::DuplicateSlug),
            _ => None,
        };
        if mistake == Some(Mistake::DuplicateSlug) {
            slug = SEED_SLUG.to_string();
            number = SEED_NUMBER;
        }
        // The translation at fault: a Markdown one other than the first.
        let mds: Vec<usize> = (0..locales.len()).filter(|&i| !locales[i].1).collect();
        let faulty_locale = if mds.len() > 1 {
            mds[1 + rng.below(mds.len() - 1)]
        } else {
            usize::MAX
        };
        Folder {
            index,
            product,
            universe,
            name,
            client,
            legacy,
            slug,
            number,
            section,
            order,
            hidden,
            locales,
            sections,
            host,
            ssl,
            english_email,
            style,
            target,
            mistake,
            faulty_locale,
        }
    }

    fn headings(&self, locale: &str) -> Vec<Heading> {
        self.sections
            .iter()
            .map(|s| heading_of(s, locale, self.client))
            .collect()
    }

    fn dir(&self) -> String {
        format!("pages/web/{}/{}", self.universe, self.name)
    }
}

/// What every guide's writer needs to know of the whole corpus.
struct Corpus {
    seed: u64,
    /// Number of folders.
    folders: usize,
    /// Guides written in the last folder (it may be cut short).
    last_count: usize,
}

impl Corpus {
    /// Plans folders until `guides` guides are covered.
    fn new(seed: u64, guides: usize) -> Corpus {
        let (mut folders, mut total, mut last_count) = (0, 0, 0);
        while total < guides {
            let n = Folder::plan(seed, folders).locales.len();
            last_count = n.min(guides - total);
            total += last_count;
            folders += 1;
        }
        Corpus {
            seed,
            folders,
            last_count,
        }
    }

    /// The locales of `folder` that are written, as (locale, is plain text).
    fn written<'a>(&self, folder: &'a Folder) -> &'a [(&'static str, bool)] {
        if folder.index + 1 == self.folders {
            &folder.locales[..self.last_count.min(folder.locales.len())]
        } else {
            &folder.locales
        }
    }

    /// A Markdown link from a guide of `from` in `locale` to another guide.
    /// `rng` is the link's own stream: what it draws differs between locales.
    fn link(&self, mut rng: Rng, from: &Folder, locale: &str) -> String {
        for _ in 0..4 {
            let j = rng.below(self.folders);
            if j == from.index {
                continue;
            }
            let target = Folder::plan(self.seed, j);
            if !self
                .written(&target)
                .iter()
                .any(|&(l, txt)| l == locale && !txt)
            {
                continue;
            }
            let ids = page_ids(&target.headings(locale));
            let anchor = if rng.chance(3) {
                // An anchor from the old site, as in the seeds: it matches nothing.
                "configuration_de_windows_mail_partie_2_parametre_du_compte_e-mail".to_string()
            } else {
                rng.pick(&ids).clone()
            };
            let text = target.client;
            return match rng.below(10) {
                0..=3 if target.universe == from.universe => {
                    format!("[{text}](../{}/guide.{locale}.md#{anchor})", target.name)
                }
                0..=6 => format!(
                    "[{text}](/pages/web/{}/{}#{anchor})",
                    target.universe, target.name
                ),
                _ if target.legacy => format!(
                    "[{text}](https://docs.ovh.com/{}/{}/{}/){{.external}}",
                    site_lang(locale),
                    target.universe,
                    target.slug
                ),
                _ => format!("[{text}](/pages/web/{}/{})", target.universe, target.name),
            };
        }
        format!(
            "[{}](https://docs.ovh.com/{}/emails/){{.external}}",
            if lang_of(locale) == Lang::Fr {
                "nos guides"
            } else {
                "our guides"
            },
            site_lang(locale)
        )
    }
}

/// The language part of a published URL.
fn site_lang(locale: &str) -> &'static str {
    match locale {
        "fr-fr" => "fr",
        "en-gb" => "gb/en",
        "de-de" => "de",
        "es-es" => "es",
        "it-it" => "it",
        "pl-pl" => "pl",
        _ => "pt",
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the repository described by `args`, guide by guide, and prints a summary line.
pub fn generate(args: &Args) -> std::io::Result<()> {
    let started = Instant::now();
    let corpus = Corpus::new(args.seed, args.guides);
    let (mut files, mut bytes, mut images) = (0usize, 0usize, 0usize);
    let mut text = String::with_capacity(32 * 1024);
    for index in 0..corpus.folders {
        let folder = Folder::plan(args.seed, index);
        let dir = args.out.join(folder.dir());
        fs::create_dir_all(dir.join("images"))?;
        for n in 0..3 {
            fs::write(dir.join("images").join(image_name(&folder, n)), PNG)?;
            images += 1;
        }
        for (l, &(locale, txt)) in corpus.written(&folder).iter().enumerate() {
            // What only this translation draws: its date and its own slips.
            let mut own = Rng::new(derive(args.seed, index as u64, 1 + l as u64));
            let mut page = Page {
                corpus: &corpus,
                folder: &folder,
                locale,
                fr: lang_of(locale) == Lang::Fr,
                at_fault: l == folder.faulty_locale,
                skipped_image: None,
            };
            text.clear();
            let ext = if txt {
                write_export(&mut text, &mut own, &page);
                "txt"
            } else {
                write_guide(&mut text, &mut own, &mut page);
                "md"
            };
            let mut text = respell(&page, std::mem::take(&mut text));
            if own.chance(6) {
                mix_spelling(&mut text, &page);
            }
            write_file(&dir, &format!("guide.{locale}.{ext}"), &text)?;
            files += 1;
            bytes += text.len();
        }
    }
    println!(
        "gen_corpus: {files} guides in {} folders ({images} images), {bytes} bytes ({:.1} MB) in {:.2}s → {}",
        corpus.folders,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

fn write_file(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    fs::write(dir.join(name), text)
}

fn image_name(folder: &Folder, n: usize) -> String {
    format!("{}.png", 1100 + (folder.index * 3 + n) % 9000)
}

/// One translation being written.
struct Page<'a> {
    corpus: &'a Corpus,
    folder: &'a Folder,
    locale: &'static str,
    /// Written from the French phrase bank.
    fr: bool,
    /// This translation carries the folder's one-translation mistake.
    at_fault: bool,
    /// The image this translation leaves out (`MissingImage`), once chosen.
    skipped_image: Option<String>,
}

impl Page<'_> {
    fn mistake(&self, m: Mistake) -> bool {
        self.folder.mistake == Some(m)
    }

    /// The guide is written `email` rather than `e-mail`.
    fn email_spelling(&self) -> bool {
        !self.fr && self.folder.english_email
    }
}

/// Guides are written in the `e-mail` spelling; an `email` guide gets it throughout.
fn respell(page: &Page<'_>, text: String) -> String {
    if page.email_spelling() {
        text.replace("e-mail", "email").replace("E-mail", "Email")
    } else {
        text
    }
}

/// The mixed-spelling slip: one sentence in the other spelling.
fn mix_spelling(text: &mut String, page: &Page<'_>) {
    if page.fr {
        text.push_str("\nPour toute question sur votre adresse Email, contactez notre support.\n");
    } else if page.email_spelling() {
        text.push_str("\nFor any question about your e-mail address, contact our support.\n");
    } else {
        text.push_str("\nFor any question about your Email address, contact our support.\n");
    }
}

const WARNING_FR: &str = "> [!warning]\n>\n> OVH met à votre disposition des services dont la configuration, la gestion et la responsabilité vous incombent. Il vous revient de ce fait d'en assurer le bon fonctionnement.\n>\n> Nous mettons à votre disposition ce guide afin de vous accompagner au mieux sur des tâches courantes. Néanmoins, nous vous recommandons de faire appel à un prestataire spécialisé si vous éprouvez des difficultés. Plus d'informations dans la section « Aller plus loin » de ce guide.\n>\n\n";
const WARNING_EN: &str = "> [!warning]\n>\n> OVHcloud provides services that you are responsible for with regard to their configuration and management. It is therefore your responsibility to ensure that they function correctly.\n>\n> This guide is designed to assist you in common tasks as much as possible. Nevertheless, we recommend contacting a specialist provider if you experience any difficulties. More information in the \"Go further\" section of this guide.\n>\n\n";

/// Bytes a section is counted for when filler is planned (the filler of a
/// folder is planned in counts, not in the bytes of one language).
const SECTION_ESTIMATE: usize = 290;

/// Writes one Markdown translation. `rng` draws what every translation of the
/// folder shares (it restarts from the folder's seed); `own` what this one alone draws.
fn write_guide(out: &mut String, own: &mut Rng, page: &mut Page<'_>) {
    let folder = page.folder;
    let mut rng = Rng::new(derive(page.corpus.seed, folder.index as u64, 0xf01d));
    front_matter(out, own, page);
    let headings = folder.headings(page.locale);
    let n = headings.len();
    let target = folder.target;
    let mut planned = 120;
    for (i, (section, heading)) in folder.sections.iter().zip(&headings).enumerate() {
        write_heading(out, heading);
        write_section(out, &mut rng, page, section.sec);
        planned += SECTION_ESTIMATE;
        while planned < target * (i + 1) / n {
            planned += filler(out, &mut rng, page);
        }
    }
}

fn front_matter(out: &mut String, own: &mut Rng, page: &Page<'_>) {
    let folder = page.folder;
    let client = folder.client;
    let (title, excerpt) = if page.fr {
        (
            format!("{client} - Configuration de l’adresse e-mail"),
            format!(
                "Retrouvez ici les informations pour configurer votre adresse e-mail sur {client}"
            ),
        )
    } else {
        (
            format!("{client} - Configuring your e-mail address"),
            format!("Find out how to configure your e-mail address on {client}"),
        )
    };
    out.push_str("---\n");
    let _ = writeln!(out, "title: {title}");
    if folder.legacy {
        let _ = writeln!(out, "slug: {}", folder.slug);
        let _ = writeln!(out, "legacy_guide_number: {}", folder.number);
        let _ = writeln!(out, "excerpt: {excerpt}");
        let _ = writeln!(out, "section: {}", folder.section);
        let _ = writeln!(out, "order: {}", folder.order);
        if folder.hidden {
            out.push_str("hidden: true\n");
        }
    } else {
        let _ = writeln!(out, "excerpt: {excerpt}");
        let _ = writeln!(
            out,
            "updated: 20{:02}-{:02}-{:02}",
            own.range(18, 24),
            own.range(1, 12),
            own.range(1, 28)
        );
    }
    out.push_str("---\n\n");
}

fn write_heading(out: &mut String, h: &Heading) {
    out.push_str(&"#".repeat(h.level));
    out.push(' ');
    out.push_str(&h.text);
    if let Some(a) = &h.html_anchor {
        let _ = write!(out, " <a name=\"{a}\"></a>");
    }
    if let Some(id) = &h.custom_id {
        let _ = write!(out, " {{#{id}}}");
    }
    out.push_str("\n\n");
}

/// Incoming port for `proto`, with or without SSL.
fn incoming_port(proto: Proto, ssl: bool) -> u16 {
    match (proto, ssl) {
        (Proto::Imap, true) => 993,
        (Proto::Imap, false) => 143,
        (Proto::Pop, true) => 995,
        (Proto::Pop, false) => 110,
    }
}

/// The incoming and outgoing server a guide gives.
fn host_of<'a>(page: &Page<'a>) -> &'a str {
    if page.mistake(Mistake::WrongHost) {
        "ssl0.ovh.com"
    } else {
        &page.folder.host
    }
}

/// Writes a section. Every draw from `rng` is made whatever the language, so
/// that the translations stay parallel; a link gets its own stream.
fn write_section(out: &mut String, rng: &mut Rng, page: &mut Page<'_>, sec: Sec) {
    let fr = page.fr;
    let folder = page.folder;
    let client = folder.client;
    let product = folder.product.name();
    match sec {
        Sec::Objective => {
            let scheme = if page.mistake(Mistake::PlainHttpLink) {
                "http"
            } else {
                "https"
            };
            if fr {
                let _ = writeln!(
                    out,
                    "**Découvrez comment configurer votre adresse e-mail {product} sur {client}.**\n"
                );
                let _ = writeln!(
                    out,
                    "Cliquez [ici]({scheme}://www.ovh.com/fr/hebergement-web/faq){{.external}} pour retrouver nos différents guides de configuration e-mail.\n"
                );
                out.push_str(WARNING_FR);
            } else {
                let _ = writeln!(
                    out,
                    "**Find out how to configure your {product} e-mail address on {client}.**\n"
                );
                let _ = writeln!(
                    out,
                    "Click [here]({scheme}://www.ovh.com/gb/en/web-hosting/faq){{.external}} to find all our e-mail configuration guides.\n"
                );
                out.push_str(WARNING_EN);
            }
        }
        Sec::Requirements => {
            let link = page.corpus.link(Rng::new(rng.next()), folder, page.locale);
            if fr {
                let _ = writeln!(
                    out,
                    "- Disposer d'une adresse e-mail {product} (incluse dans une offre d'hébergement web ou souscrite séparément)."
                );
                let _ = writeln!(
                    out,
                    "- Avoir installé le logiciel {client} sur votre appareil."
                );
                let _ = writeln!(
                    out,
                    "- Disposer des identifiants de l'adresse e-mail (voir le guide {link}).\n"
                );
            } else {
                let _ = writeln!(
                    out,
                    "- A {product} e-mail address (included in a web hosting plan or ordered separately)."
                );
                let _ = writeln!(out, "- {client} installed on your device.");
                let _ = writeln!(
                    out,
                    "- The login details of the e-mail address (see the guide {link}).\n"
                );
            }
        }
        Sec::InPractice => {
            let (major, minor) = (rng.range(4, 16), rng.range(0, 9));
            if fr {
                let _ = writeln!(
                    out,
                    "Ouvrez {client}, puis cliquez sur `Ajouter un compte`{{.action}}. Ce guide a été réalisé avec {client} en version {major}.{minor}.\n"
                );
            } else {
                let _ = writeln!(
                    out,
                    "Open {client}, then click `Add account`{{.action}}. This guide was written with {client} version {major}.{minor}.\n"
                );
            }
            image(out, rng, page);
        }
        Sec::Step(_, proto) => {
            let callout = proto == Proto::Imap && rng.chance(500);
            if fr {
                let _ = writeln!(
                    out,
                    "Dans la fenêtre qui apparaît, sélectionnez « Configuration manuelle » puis le type de compte **{}**.\n",
                    proto.name()
                );
                if callout {
                    out.push_str("> [!primary]\n>\n> Nous vous recommandons d'utiliser le protocole IMAP : vos e-mails restent sur le serveur.\n>\n\n");
                }
            } else {
                let _ = writeln!(
                    out,
                    "In the window that appears, choose \"Manual setup\" and the account type **{}**.\n",
                    proto.name()
                );
                if callout {
                    out.push_str("> [!primary]\n>\n> We recommend IMAP: your e-mails stay on the server.\n>\n\n");
                }
            }
            image(out, rng, page);
        }
        Sec::Incoming(proto) => incoming(out, proto, page),
        Sec::Outgoing => outgoing(out, page),
        Sec::Reminder => reminder(out, page),
        Sec::NewOffer => {
            let link = page.corpus.link(Rng::new(rng.next()), folder, page.locale);
            if fr {
                let _ = writeln!(
                    out,
                    "Si vous disposez de la nouvelle version de l'offre MX Plan, les paramètres restent identiques. Consultez {link} pour identifier votre version.\n"
                );
            } else {
                let _ = writeln!(
                    out,
                    "If you have the new version of the MX Plan offer, the settings stay the same. See {link} to find out which version you have.\n"
                );
            }
        }
        Sec::Limits => limits(out, rng, page),
        Sec::Errors => {
            if fr {
                out.push_str("Si l'authentification du serveur sortant n'est pas activée, l'envoi échoue avec l'erreur suivante :\n\n");
            } else {
                out.push_str("If authentication is not enabled for the outgoing server, sending fails with this error:\n\n");
            }
            out.push_str("```\n553 sorry, that domain isn't allowed to be relayed thru this MTA (#5.7.1)\n```\n\n");
            if fr {
                out.push_str("> [!alert]\n>\n> Vérifiez également que votre pare-feu autorise les connexions sortantes.\n>\n\n");
            } else {
                out.push_str("> [!alert]\n>\n> Also check that your firewall allows outgoing connections.\n>\n\n");
            }
        }
        Sec::Autoconfig => autoconfig(out, page),
        Sec::GoFurther => {
            for _ in 0..rng.range(1, 3) {
                let link = page.corpus.link(Rng::new(rng.next()), folder, page.locale);
                let _ = writeln!(out, "{link}\n");
            }
            if folder.product == Product::MxPlan
                && (rng.chance(300) || page.mistake(Mistake::OldWebmail))
            {
                webmail(out, page);
            }
            if fr {
                out.push_str("Échangez avec notre communauté d'utilisateurs sur <https://community.ovh.com>.\n");
            } else {
                out.push_str("Join our community of users on <https://community.ovh.com/en/>.\n");
            }
        }
    }
}

/// The MX Plan webmail address of the guide's country site (the old one
/// where that mistake is planted).
fn webmail(out: &mut String, page: &Page<'_>) {
    let url = if page.mistake(Mistake::OldWebmail) {
        "http://webmail.ovh.net/"
    } else {
        match page.locale {
            "en-gb" => "https://www.ovh.co.uk/mail/",
            "de-de" => "https://www.ovh.de/mail/",
            "es-es" => "https://www.ovh.es/mail/",
            "it-it" => "https://www.ovh.it/mail/",
            "pl-pl" => "https://www.ovh.pl/mail/",
            "pt-pt" => "https://www.ovh.pt/mail/",
            _ => "https://www.ovh.com/fr/mail/",
        }
    };
    if page.fr {
        let _ = writeln!(
            out,
            "Vous pouvez aussi consulter vos e-mails depuis le webmail : [{url}]({url}){{.external}}.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "You can also read your e-mails in the webmail: [{url}]({url}){{.external}}.\n"
        );
    }
}

fn image(out: &mut String, rng: &mut Rng, page: &mut Page<'_>) {
    let name = image_name(page.folder, rng.below(3));
    if page.at_fault && page.mistake(Mistake::MissingImage) {
        // This translation lost one of the folder's images, wherever it appears.
        let skipped = page.skipped_image.get_or_insert_with(|| name.clone());
        if *skipped == name {
            return;
        }
    }
    let _ = writeln!(out, "\n![emails](images/{name}){{.thumbnail}}\n");
}

fn incoming(out: &mut String, proto: Proto, page: &Page<'_>) {
    let (fr, ssl) = (page.fr, page.folder.ssl);
    let port = incoming_port(proto, ssl);
    let shown = if page.mistake(Mistake::Pop3On993) && proto == Proto::Imap {
        "POP3"
    } else {
        proto.name()
    };
    let host = host_of(page);
    let security = match (ssl, fr) {
        (true, _) => "SSL/TLS",
        (false, true) => "Aucune",
        (false, false) => "None",
    };
    match (page.folder.style.incoming, fr) {
        (0, true) => {
            out.push_str("Dans la fenêtre qui apparaît, il vous faut entrer les informations suivantes :\n\n");
            out.push_str("- Informations sur le serveur entrant :\n");
            let _ = writeln!(
                out,
                "    - Mon serveur de messagerie pour courrier entrant est un serveur : **{shown}**"
            );
            let _ = writeln!(out, "    - Serveur entrant : **{host}**");
            let _ = writeln!(out, "    - Port : **{port}**");
            let _ = writeln!(out, "    - Sécurité : **{security}**");
            out.push_str("    - Identifiant de connexion : **votre adresse e-mail entière**\n\n");
        }
        (0, false) => {
            out.push_str("In the window that appears, enter the following information:\n\n");
            out.push_str("- Incoming server information:\n");
            let _ = writeln!(out, "    - Server type: **{shown}**");
            let _ = writeln!(out, "    - Incoming server: **{host}**");
            let _ = writeln!(out, "    - Port: **{port}**");
            let _ = writeln!(out, "    - Security: **{security}**");
            out.push_str("    - Username: **your full e-mail address**\n\n");
        }
        (1, true) => {
            out.push_str("Renseignez à présent les informations de votre compte pour le serveur entrant.\n\n");
            out.push_str("\"Nom d'utilisateur\" : votre adresse e-mail entière.\n\n");
            let _ = writeln!(out, "\"Serveur {shown}\" : **{host}**\n");
            let _ = writeln!(
                out,
                "\"Type de sécurité\" : sélectionnez **\"{security}\"**.\n"
            );
            let _ = writeln!(out, "\"Port\" : le port à renseigner est **{port}**.\n");
        }
        (1, false) => {
            out.push_str("Now enter your account details for the incoming server.\n\n");
            out.push_str("\"Username\": your full e-mail address.\n\n");
            let _ = writeln!(out, "\"{shown} server\": **{host}**\n");
            let _ = writeln!(out, "\"Security type\": select **\"{security}\"**.\n");
            let _ = writeln!(out, "\"Port\": enter **{port}**.\n");
        }
        (_, true) => {
            let _ = writeln!(
                out,
                "Le serveur entrant {shown} est **{host}** et le port à utiliser est le **{port}** (sécurité : {security}).\n"
            );
        }
        (_, false) => {
            let _ = writeln!(
                out,
                "The incoming {shown} server is **{host}** and the port to use is **{port}** (security: {security}).\n"
            );
        }
    }
}

fn outgoing(out: &mut String, page: &Page<'_>) {
    let fr = page.fr;
    let contradict = page.mistake(Mistake::ContradictorySmtp);
    // The drifted translation kept the port the others no longer give.
    let ssl = if page.at_fault && page.mistake(Mistake::DriftedPort) {
        false
    } else {
        page.folder.ssl || contradict
    };
    let (port, security) = match (page.folder.product.hosted(), ssl) {
        (true, _) => (587, "STARTTLS"),
        (false, true) => (465, "SSL/TLS"),
        (false, false) => (587, if fr { "Aucune" } else { "None" }),
    };
    let host = host_of(page);
    if page.folder.style.outgoing_list {
        if fr {
            out.push_str("- Informations sur le serveur sortant :\n");
            let _ = writeln!(out, "    - Serveur sortant : **{host}**");
            let _ = writeln!(out, "    - Port : **{port}**");
            let _ = writeln!(out, "    - Sécurité : **{security}**");
            out.push_str("    - Cochez la case : **\"Mon serveur sortant requiert une authentification\"**\n\n");
        } else {
            out.push_str("- Outgoing server information:\n");
            let _ = writeln!(out, "    - Outgoing server: **{host}**");
            let _ = writeln!(out, "    - Port: **{port}**");
            let _ = writeln!(out, "    - Security: **{security}**");
            out.push_str(
                "    - Tick the box: **\"My outgoing server requires authentication\"**\n\n",
            );
        }
    } else if fr {
        let _ = writeln!(out, "\"Serveur SMTP\" : **{host}**\n");
        let _ = writeln!(
            out,
            "\"Type de sécurité\" : sélectionnez **\"{security}\"**.\n"
        );
        let _ = writeln!(out, "\"Port\" : le port à renseigner est **{port}**.\n");
        out.push_str("\"Connexion requise\" : doit être coché.\n\n");
    } else {
        let _ = writeln!(out, "\"SMTP server\": **{host}**\n");
        let _ = writeln!(out, "\"Security type\": select **\"{security}\"**.\n");
        let _ = writeln!(out, "\"Port\": enter **{port}**.\n");
        out.push_str("\"Requires sign-in\": must be ticked.\n\n");
    }
    if contradict {
        if fr {
            out.push_str("*Vous devez utiliser le port 587 en SMTP et cocher l'authentification pour le serveur sortant.*\n\n");
        } else {
            out.push_str("*You must use port 587 for SMTP and tick authentication for the outgoing server.*\n\n");
        }
    }
}

fn reminder(out: &mut String, page: &Page<'_>) {
    let fr = page.fr;
    let host = host_of(page);
    if page.folder.product.hosted() {
        if fr {
            out.push_str("|Type du serveur|Nom du serveur|Port|Chiffrement|\n|---|---|---|---|\n");
            let _ = writeln!(
                out,
                "|Entrant (IMAP)|{host}|993|SSL/TLS|\n|Sortant (SMTP)|{host}|587|STARTTLS|\n"
            );
        } else {
            out.push_str("|Server type|Server name|Port|Encryption|\n|---|---|---|---|\n");
            let _ = writeln!(
                out,
                "|Incoming (IMAP)|{host}|993|SSL/TLS|\n|Outgoing (SMTP)|{host}|587|STARTTLS|\n"
            );
        }
        return;
    }
    let swap = page.mistake(Mistake::SwappedColumns);
    let pop_recommended = page.mistake(Mistake::PopRecommended);
    let cols = |a: u16, b: u16| if swap { (b, a) } else { (a, b) };
    let (inc, out_) = if fr {
        ("Entrant", "Sortant")
    } else {
        ("Incoming", "Outgoing")
    };
    if page.folder.style.short_table && !pop_recommended {
        let header = if fr {
            "|Ports|SSL activé|SSL désactivé|"
        } else {
            "|Ports|SSL enabled|SSL disabled|"
        };
        for proto in [Proto::Imap, Proto::Pop] {
            let _ = writeln!(out, "**{}**\n\n{header}\n|---|---|---|", proto.name());
            let (a, b) = cols(incoming_port(proto, true), incoming_port(proto, false));
            let _ = writeln!(out, "|{inc}|{a}|{b}|");
            let (a, b) = cols(465, 587);
            let _ = writeln!(out, "|{out_}|{a}|{b}|\n");
        }
    } else {
        let header = if fr {
            "|Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|"
        } else {
            "|Server type|Server name|Port (with SSL)|Port (without SSL)|"
        };
        for proto in [Proto::Imap, Proto::Pop] {
            let label = match (proto, fr, pop_recommended) {
                (Proto::Imap, true, false) => "Pour une configuration en IMAP (recommandée)",
                (Proto::Imap, true, true) => "Pour une configuration en IMAP",
                (Proto::Pop, true, false) => "Pour une configuration en POP",
                (Proto::Pop, true, true) => "Pour une configuration en POP (recommandée)",
                (Proto::Imap, false, false) => "For an IMAP configuration (recommended)",
                (Proto::Imap, false, true) => "For an IMAP configuration",
                (Proto::Pop, false, false) => "For a POP configuration",
                (Proto::Pop, false, true) => "For a POP configuration (recommended)",
            };
            let _ = writeln!(out, "**{label}**\n\n{header}\n|---|---|---|---|");
            let (a, b) = cols(incoming_port(proto, true), incoming_port(proto, false));
            let _ = writeln!(out, "|{inc}|{host}|{a}|{b}|");
            let (a, b) = cols(465, 587);
            let _ = writeln!(out, "|{out_}|{host}|{a}|{b}|\n");
        }
    }
    if fr {
        out.push_str("Assurez-vous de bien activer l'authentification pour le serveur sortant (SMTP). Si cela n'est pas fait, vous pourriez recevoir une erreur `553 sorry, that domain isn't allowed to be relayed thru this MTA (#5.7.1)`.\n\n");
    } else {
        out.push_str("Make sure authentication is enabled for the outgoing server (SMTP). Otherwise you may get the error `553 sorry, that domain isn't allowed to be relayed thru this MTA (#5.7.1)`.\n\n");
    }
}

fn limits(out: &mut String, rng: &mut Rng, page: &Page<'_>) {
    let accounts = rng.chance(500);
    let port_prose = rng.chance(100);
    if page.fr {
        out.push_str("Chaque adresse peut envoyer au maximum 200 e-mails par heure et 300 e-mails par heure et par IP. ");
        out.push_str("Le quota d'une adresse est de 5 Go ; les pièces jointes sont limitées à 20 Mo depuis le webmail et à 100 Mo depuis un logiciel de messagerie. ");
        out.push_str("Un e-mail peut avoir au plus 20 destinataires en copie.\n\n");
        if accounts {
            out.push_str(
                "Votre offre comprend 100 comptes pop et non 110, de 25 Mo à 5Go chacun.\n\n",
            );
        }
        if port_prose && !page.folder.product.hosted() {
            // Prose that names the protocol after the port: harder to read.
            out.push_str("Pour sécuriser vos échanges, nous vous conseillons d'utiliser les ports chiffrés : 993 pour IMAP, 995 pour POP3 et 465 pour l'envoi.\n\n");
        }
    } else {
        out.push_str(
            "Each address can send at most 200 e-mails per hour, and 300 e-mails per hour per IP. ",
        );
        out.push_str("A mailbox holds 5 GB; attachments are limited to 20 MB from the webmail and 100 MB from a mail client. ");
        out.push_str("An e-mail can have at most 20 recipients in copy.\n\n");
        if accounts {
            out.push_str("Your plan includes 100 mailboxes, not 110, of 25 MB to 5 GB each.\n\n");
        }
        if port_prose && !page.folder.product.hosted() {
            // Prose that names the protocol after the port: harder to read.
            out.push_str("To secure your connections, we recommend the encrypted ports: 993 for IMAP, 995 for POP3 and 465 for sending.\n\n");
        }
    }
}

fn autoconfig(out: &mut String, page: &Page<'_>) {
    if page.fr {
        out.push_str(
            "Certains logiciels lisent un fichier de configuration automatique (autoconfig) :\n\n",
        );
    } else {
        out.push_str("Some clients read an automatic configuration file (autoconfig):\n\n");
    }
    let host = host_of(page).to_ascii_lowercase();
    let (smtp, socket) = if page.folder.product.hosted() {
        (587, "STARTTLS")
    } else {
        (465, "SSL")
    };
    out.push_str("```xml\n<clientConfig version=\"1.1\">\n  <emailProvider id=\"example.com\">\n");
    let _ = writeln!(
        out,
        "    <incomingServer type=\"imap\">\n      <hostname>{host}</hostname>\n      <port>993</port>\n      <socketType>SSL</socketType>\n    </incomingServer>"
    );
    let _ = writeln!(
        out,
        "    <outgoingServer type=\"smtp\">\n      <hostname>{host}</hostname>\n      <port>{smtp}</port>\n      <socketType>{socket}</socketType>\n    </outgoingServer>"
    );
    out.push_str("  </emailProvider>\n</clientConfig>\n```\n\n");
}

const FILLER_FR: [&str; 8] = [
    "Le protocole **IMAP** permet de consulter vos e-mails directement sur le serveur : ils ne sont pas placés sur votre disque dur, sauf si le logiciel que vous utilisez en fait une copie locale. En cas de perte de votre appareil, vos e-mails restent accessibles depuis le webmail.",
    "Le protocole **POP** télécharge les e-mails sur votre appareil. En cas de dysfonctionnement de votre ordinateur, les e-mails stockés sur celui-ci sont perdus, à moins que vous disposiez d'une sauvegarde ou que le logiciel conserve une copie des messages sur le serveur.",
    "Cette procédure a été testée sur Android 4.4, Outlook 2016 et Windows 10. Les libellés peuvent varier légèrement selon la version de votre logiciel ; les paramètres, eux, ne changent pas.",
    "Votre hébergement comprend jusqu'à 100 adresses e-mail, chacune disposant d'un espace de 5 Go. Vous pouvez augmenter ce nombre en souscrivant une option depuis votre espace client.",
    "Vous pouvez consulter vos e-mails depuis plusieurs appareils à la fois : un ordinateur, un smartphone et le webmail, par exemple.",
    "Si votre logiciel vous demande d'accepter un certificat, vérifiez qu'il est bien émis pour le serveur indiqué dans ce guide avant de l'accepter.",
    "La synchronisation peut prendre quelques minutes lors du premier lancement, selon le nombre d'e-mails (par exemple 2 500 messages pour 1,2 Go).",
    "Pensez à renseigner un nom d'affichage : il apparaîtra comme expéditeur auprès de vos destinataires.",
];

const FILLER_EN: [&str; 8] = [
    "**IMAP** lets you read your e-mails directly on the server: they are not stored on your hard drive unless your mail client keeps a local copy. If you lose your device, your e-mails are still available in the webmail.",
    "**POP** downloads e-mails to your device. If your computer fails, the e-mails stored on it are lost unless you have a backup or the client kept a copy of the messages on the server.",
    "This procedure was tested with Android 4.4, Outlook 2016 and Windows 10. Labels may differ slightly depending on your version; the settings do not.",
    "Your hosting plan includes up to 100 e-mail addresses, each with 5 GB of storage. You can add more by ordering an option in the Control Panel.",
    "You can read your e-mails from several devices at once: a computer, a smartphone and the webmail, for example.",
    "If your client asks you to accept a certificate, check that it was issued for the server given in this guide before accepting it.",
    "The first synchronisation may take a few minutes depending on the number of e-mails (for example 2,500 messages for 1.2 GB).",
    "Remember to set a display name: your recipients will see it as the sender.",
];

/// A paragraph of prose; returns the bytes it is counted for (the same in every language).
fn filler(out: &mut String, rng: &mut Rng, page: &mut Page<'_>) -> usize {
    let mut i = rng.below(FILLER_FR.len());
    if i == 1 && page.folder.product.hosted() {
        // Email Pro and Exchange offer no POP: their guides do not describe it.
        i = 0;
    }
    let with_link = rng.chance(250);
    let link_rng = Rng::new(rng.next());
    let with_image = rng.chance(80);
    let mut counted = FILLER_FR[i].len() + 2;
    out.push_str(if page.fr { FILLER_FR[i] } else { FILLER_EN[i] });
    if with_link {
        let link = page.corpus.link(link_rng, page.folder, page.locale);
        if page.fr {
            let _ = write!(out, " Pour en savoir plus, consultez le guide {link}.");
        } else {
            let _ = write!(out, " To find out more, see the guide {link}.");
        }
        counted += 110;
    }
    out.push_str("\n\n");
    if with_image {
        image(out, rng, page);
        counted += 45;
    }
    counted
}

/// A plain-text export (from a PDF): no front matter, flattened tables, split words.
fn write_export(out: &mut String, own: &mut Rng, page: &Page<'_>) {
    let fr = page.fr;
    let folder = page.folder;
    let target = own.range(3_000, 12_000);
    let client = folder.client;
    let product = folder.product.name();
    let host = host_of(page).to_ascii_uppercase();
    if fr {
        let _ = writeln!(out, "{product} : Guide de con figuration sur {client}\n");
        let _ = writeln!(
            out,
            "Retrouvez ici les informations pour con figurer votre adresse e-mail sur {client}.\n"
        );
    } else {
        let _ = writeln!(out, "{product}: con figuration guide for {client}\n");
        let _ = writeln!(
            out,
            "Find out how to con figure your e-mail address on {client}.\n"
        );
    }
    while out.len() < target {
        if folder.product.hosted() {
            export_hosted(out, fr, &host);
            continue;
        }
        for proto in [Proto::Pop, Proto::Imap] {
            let (ssl, plain) = (incoming_port(proto, true), incoming_port(proto, false));
            let p = if proto == Proto::Pop { "POP" } else { "IMAP" };
            if fr {
                let _ = writeln!(
                    out,
                    " Configuration {p}\n\nConfiguration {p} avec sécurisation SSL activée ou désactivée : \n"
                );
                out.push_str("Adresse e-mail : Votre adresse e-mail mutualisée entière.\nMot de passe : Le mot de passe que vous avez défini dans l'espace client.\n");
                let _ = writeln!(
                    out,
                    "Serveur entrant : Le serveur de réception des e-mails : {host}"
                );
                let _ = writeln!(
                    out,
                    "Port serveur entrant : Le port du serveur entrant : {ssl} ou {plain}"
                );
                let _ = writeln!(
                    out,
                    "Serveur sortant : Le serveur d'envoi des e-mails : {host}\nPort serveur sortant : Le port du serveur sortant : 465 ou 587\n"
                );
                let _ = writeln!(
                    out,
                    "Les ports {plain} et 587 correspondent à la sécurisation SSL désactivée.\nLes ports {ssl} et 465 correspondent à la sécurisation SSL activée.\n"
                );
                out.push_str("Vous devez obligatoirement activer l'authentification du serveur sortant SMTP.\n\n");
                let _ = writeln!(
                    out,
                    "Ports SSLactivé SSLdésactivé\n\nEntrant {ssl} {plain}\n\nSortant 465 587\n"
                );
            } else {
                let _ = writeln!(
                    out,
                    " {p} configuration\n\n{p} configuration with SSL enabled or disabled: \n"
                );
                out.push_str("E-mail address: your full e-mail address.\nPassword: the password you set in the Control Panel.\n");
                let _ = writeln!(out, "Incoming server: the server receiving e-mails: {host}");
                let _ = writeln!(
                    out,
                    "Incoming server port: the port of the incoming server: {ssl} or {plain}"
                );
                let _ = writeln!(
                    out,
                    "Outgoing server: the server sending e-mails: {host}\nOutgoing server port: the port of the outgoing server: 465 or 587\n"
                );
                let _ = writeln!(
                    out,
                    "Ports SSLenabled SSLdisabled\n\nIncoming {ssl} {plain}\n\nOutgoing 465 587\n"
                );
            }
        }
        if fr {
            out.push_str("Champs MX\n\nmx1.mail.ovh.net anti-spam et antivirus\nmx3.mail.ovh.net anti-spam et antivirus\n\nLimites : 200 e-mails par heure et par compte, 300 par heure et par IP.\n\n");
        } else {
            out.push_str("MX fields\n\nmx1.mail.ovh.net anti-spam and antivirus\nmx3.mail.ovh.net anti-spam and antivirus\n\nLimits: 200 e-mails per hour per account, 300 per hour per IP.\n\n");
        }
    }
}

/// The export of an Email Pro or Exchange guide: IMAP over SSL and SMTP with STARTTLS only.
fn export_hosted(out: &mut String, fr: bool, host: &str) {
    if fr {
        out.push_str(" Configuration IMAP\n\nConfiguration IMAP avec sécurisation SSL : \n\n");
        out.push_str("Adresse e-mail : Votre adresse e-mail entière.\nMot de passe : Le mot de passe que vous avez défini dans l'espace client.\n");
        let _ = writeln!(
            out,
            "Serveur entrant : Le serveur de réception des e-mails : {host}\nPort serveur entrant : Le port du serveur entrant : 993 (SSL)"
        );
        let _ = writeln!(
            out,
            "Serveur sortant : Le serveur d'envoi des e-mails : {host}\nPort serveur sortant : Le port du serveur sortant : 587 (STARTTLS)\n"
        );
        out.push_str(
            "Vous devez obligatoirement activer l'authentification du serveur sortant SMTP.\n\n",
        );
        out.push_str("Les e-mails restent sur le serveur : vous les retrouvez sur chacun de vos appareils et depuis le webmail.\n\n");
    } else {
        out.push_str(" IMAP configuration\n\nIMAP configuration with SSL: \n\n");
        out.push_str("E-mail address: your full e-mail address.\nPassword: the password you set in the Control Panel.\n");
        let _ = writeln!(
            out,
            "Incoming server: the server receiving e-mails: {host}\nIncoming server port: the port of the incoming server: 993 (SSL)"
        );
        let _ = writeln!(
            out,
            "Outgoing server: the server sending e-mails: {host}\nOutgoing server port: the port of the outgoing server: 587 (STARTTLS)\n"
        );
        out.push_str("You must enable authentication for the outgoing SMTP server.\n\n");
        out.push_str("Your e-mails stay on the server: you find them on each of your devices and in the webmail.\n\n");
    }
}
