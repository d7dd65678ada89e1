//! Service facts besides server settings: the protocol a guide recommends, the
//! webmail URL, MX records and stated limits (sending rate, quota, attachment
//! size, recipients in copy).
//!
//! Each is read only in its own context, so ordinary text stays quiet: a URL is
//! the webmail URL only near the word "webmail"; a number is a limit only with
//! its unit and the limit's words in the same sentence.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::scan::{Lexicon, Mode, Passage};
use super::sentences;
use super::{Fact, Value};
use crate::guide::{BlockKind, Guide, TextRun};

/// A limit a guide can state, named as in the spec's `limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Limit {
    /// E-mails sent per hour by one account.
    EmailsPerHourPerAccount,
    /// E-mails sent per hour from one IP address.
    EmailsPerHourPerIp,
    /// Mailbox size, in GB.
    MailboxQuotaGb,
    /// Largest attachment sent from the webmail, in MB.
    AttachmentWebmailMb,
    /// Largest attachment sent from a mail client, in MB.
    AttachmentClientMb,
    /// Most recipients in copy of one e-mail.
    RecipientsInCopy,
}

impl Limit {
    /// Every limit.
    pub const ALL: [Limit; 6] = [
        Limit::EmailsPerHourPerAccount,
        Limit::EmailsPerHourPerIp,
        Limit::MailboxQuotaGb,
        Limit::AttachmentWebmailMb,
        Limit::AttachmentClientMb,
        Limit::RecipientsInCopy,
    ];

    /// The key in the spec's `limits`.
    pub fn key(self) -> &'static str {
        match self {
            Limit::EmailsPerHourPerAccount => "emails_per_hour_per_account",
            Limit::EmailsPerHourPerIp => "emails_per_hour_per_ip",
            Limit::MailboxQuotaGb => "mailbox_quota_gb",
            Limit::AttachmentWebmailMb => "attachment_webmail_mb",
            Limit::AttachmentClientMb => "attachment_client_mb",
            Limit::RecipientsInCopy => "recipients_in_copy",
        }
    }

    /// The limit with spec key `key`.
    pub fn from_key(key: &str) -> Option<Limit> {
        Self::ALL.into_iter().find(|l| l.key() == key)
    }

    /// What the limit is, for messages ("e-mails per hour per account").
    pub fn describe(self) -> &'static str {
        match self {
            Limit::EmailsPerHourPerAccount => "e-mails per hour per account",
            Limit::EmailsPerHourPerIp => "e-mails per hour per IP address",
            Limit::MailboxQuotaGb => "GB of mailbox quota",
            Limit::AttachmentWebmailMb => "MB of attachments from the webmail",
            Limit::AttachmentClientMb => "MB of attachments from a mail client",
            Limit::RecipientsInCopy => "recipients in copy",
        }
    }
}

/// URLs as written in text (a trailing `.`, `,`, `;` or `:` is punctuation).
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>(){}\[\]"'`]+"#).expect("valid url regex"));

/// Host names whose first label is `mx`, `mx0`, `mx1`, …: MX records.
static MX_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\w./@-])(mx\d*(?:\.[a-z0-9-]+)+\.[a-z]{2,})\b").expect("valid mx regex")
});

/// The whole numbers of `s` written alone: 1 to 6 digits, not glued to a word
/// (`v2`) nor after `.`, `,`, `/` or `-` (the second part of `4.4`, `1/2`,
/// `12-3`), nor followed by `.` or `,`. A scan, not a regex: `\w` is Unicode-aware and
/// capture groups send the regex crate to its slow engines.
fn standalone_numbers(s: &str) -> Vec<Range<usize>> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let before = s[..start].chars().next_back();
        let after = s[i..].chars().next();
        let alone_before = before
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | ',' | '/' | '-')));
        let alone_after = after.is_none_or(|c| !matches!(c, '.' | ','));
        if i - start <= 6 && alone_before && alone_after {
            out.push(start..i);
        }
    }
    out
}

/// The word "IP" in a sending limit.
static IP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bIP\b").expect("valid ip regex"));

/// Appends the service facts of `guide` to `out`; `passages` holds, by
/// block, the survey of each heading's and text run's text (or `None`, and
/// the text is surveyed here).
pub fn extract(
    guide: &Guide,
    lex: Lexicon<'_>,
    passages: &[Option<Passage<'_>>],
    out: &mut Vec<Fact>,
) {
    let mut previous: Option<(&TextRun, Passage<'_>)> = None;
    for (index, block) in guide.blocks.iter().enumerate() {
        let section = block.section;
        let passage = |run| passage_of(passages, index, run, lex);
        match &block.kind {
            BlockKind::Heading { text, .. } => {
                recommended(text, &passage(text), index, section, lex, out);
                previous = None;
            }
            BlockKind::Text(run) => {
                let here = passage(run);
                let leadin = run.all_strong() || run.text.trim_end().ends_with(':');
                if leadin && run.text.len() < 200 {
                    recommended(run, &here, index, section, lex, out);
                }
                webmail(run, &here, previous.as_ref(), index, section, lex, out);
                mx(run, index, section, out);
                limits(run, Some(&here), index, section, lex, out);
                previous = Some((run, here));
            }
            BlockKind::Table(t) => {
                for cell in t.header.iter().chain(t.rows.iter().flatten()) {
                    mx(cell, index, section, out);
                    limits(cell, None, index, section, lex, out);
                }
                previous = None;
            }
            BlockKind::Code => previous = None,
        }
    }
}

/// The survey of block `index`'s text `run`: the walk's, or a new one.
fn passage_of<'a>(
    passages: &'a [Option<Passage<'a>>],
    index: usize,
    run: &'a TextRun,
    lex: Lexicon<'a>,
) -> Passage<'a> {
    match passages.get(index) {
        Some(Some(p)) => p.slice(0..p.as_str().len()),
        _ => lex.passage(&run.text),
    }
}

fn fact(value: Value, span: Range<usize>, block: usize, section: Option<usize>) -> Fact {
    Fact {
        value,
        span,
        protocol: None,
        protocol_source: None,
        direction: None,
        security: None,
        mode: Mode::Setting,
        section,
        context: None,
        block,
        list: None,
    }
}

/// "**Pour une configuration en IMAP (recommandée)**": a heading or lead-in
/// naming one protocol and the word recommended.
fn recommended(
    run: &TextRun,
    passage: &Passage<'_>,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    if !lex.vocab.recommended.is_match_in(passage.vocab()) {
        return;
    }
    if let Some((p, r)) = lex.single_protocol(passage) {
        out.push(fact(Value::Recommended(p), run.src_span(r), block, section));
    }
}

/// A URL shown as text, in a webmail context: the word "webmail" earlier in
/// its sentence, in the URL itself, or ending the paragraph the URL follows alone.
fn webmail(
    run: &TextRun,
    passage: &Passage<'_>,
    previous: Option<&(&TextRun, Passage<'_>)>,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    let text = &run.text;
    if !sentences::may_hold_url(text.as_bytes()) {
        return;
    }
    for m in URL.find_iter(text) {
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_']);
        let range = m.start()..m.start() + url.len();
        // Sentence ends within a paragraph: line breaks are not (PDF exports wrap lines).
        let sentence_start = sentences::paragraph_ends(&text[..range.start])
            .last()
            .unwrap_or(0);
        let before = passage.slice(sentence_start..range.start);
        let alone = before.as_str().trim().is_empty();
        let context = lex.vocab.webmail.is_match_in(before.vocab())
            || url.to_ascii_lowercase().contains("webmail")
            || (alone
                && previous.is_some_and(|(p, survey)| {
                    p.text.trim_end().ends_with(':')
                        && lex.vocab.webmail.is_match_in(survey.vocab())
                }));
        if context {
            out.push(fact(
                Value::Webmail(url.to_string()),
                run.src_span(range),
                block,
                section,
            ));
        }
    }
}

/// `mx1.ovh.net`: host names of MX records.
fn mx(run: &TextRun, block: usize, section: Option<usize>, out: &mut Vec<Fact>) {
    // Most text names no MX host: a byte scan spares it the Unicode-aware regex.
    if !sentences::may_name_mx(run.text.as_bytes()) {
        return;
    }
    for c in MX_HOST.captures_iter(&run.text) {
        let Some(m) = c.get(1) else { continue };
        out.push(fact(
            Value::Mx(m.as_str().to_string()),
            run.src_span(m.range()),
            block,
            section,
        ));
    }
}

/// Sending rates, quota, attachment sizes and recipients, sentence by sentence.
fn limits(
    run: &TextRun,
    passage: Option<&Passage<'_>>,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    let text = &run.text;
    // A limit is a number: text without digits states none.
    if !sentences::has_digit(text.as_bytes()) {
        return;
    }
    let surveyed;
    let passage = match passage {
        Some(p) => p,
        None => {
            surveyed = lex.passage(text);
            &surveyed
        }
    };
    let mut start = 0;
    for end in sentences::paragraph_ends(text).chain([text.len()]) {
        if end > start {
            sentence_limits(
                run,
                &passage.slice(start..end),
                start,
                block,
                section,
                lex,
                out,
            );
        }
        start = end;
    }
}

fn sentence_limits(
    run: &TextRun,
    sentence: &Passage<'_>,
    sentence_start: usize,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    let v = lex.vocab;
    let s = sentence.as_str();
    let numbers = standalone_numbers(s);
    if numbers.is_empty() {
        return;
    }
    // Each sentence-wide word is looked up once, and only when a number's unit asks.
    let quota = std::cell::OnceCell::new();
    let attachment = std::cell::OnceCell::new();
    let recipients = std::cell::OnceCell::new();
    for (i, r) in numbers.iter().enumerate() {
        let Ok(n) = s[r.clone()].parse::<u64>() else {
            continue;
        };
        let next = numbers.get(i + 1).map(|x| x.start).unwrap_or(s.len());
        let after_part = sentence.slice(r.end..next);
        let after = after_part.as_str();
        let limit = if v.messages.starts(after) {
            if !v.per_hour.is_match_in(after_part.vocab()) {
                None
            } else if IP.is_match(after) {
                Some(Limit::EmailsPerHourPerIp)
            } else if v.account.is_match_in(after_part.vocab()) {
                Some(Limit::EmailsPerHourPerAccount)
            } else {
                None
            }
        } else if v.gigabytes.starts(after) {
            quota
                .get_or_init(|| v.quota.is_match_in(sentence.vocab()))
                .then_some(Limit::MailboxQuotaGb)
        } else if v.megabytes.starts(after) {
            attachment
                .get_or_init(|| v.attachment.is_match_in(sentence.vocab()))
                .then(|| {
                    if v.webmail.is_match_in(after_part.vocab()) {
                        Limit::AttachmentWebmailMb
                    } else {
                        Limit::AttachmentClientMb
                    }
                })
        } else {
            let word = after.trim_start();
            let counted = word.starts_with(char::is_alphabetic) && after.len() > word.len();
            (counted && *recipients.get_or_init(|| v.recipients.is_match_in(sentence.vocab())))
                .then_some(Limit::RecipientsInCopy)
        };
        if let Some(limit) = limit {
            let span = run.src_span(sentence_start + r.start..sentence_start + r.end);
            out.push(fact(Value::Limit(limit, n), span, block, section));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::GuideKind;
    use crate::spec::{Protocol, Protocols};
    use crate::vocab::Vocabulary;

    fn values(text: &str, kind: GuideKind) -> Vec<Value> {
        let vocab = Vocabulary::embedded().unwrap();
        let protocols = Protocols::embedded().unwrap();
        let guide = Guide::parse(text, kind, &vocab);
        let mut out = Vec::new();
        extract(&guide, Lexicon::new(&vocab, &protocols), &[], &mut out);
        out.into_iter().map(|f| f.value).collect()
    }

    fn md(text: &str) -> Vec<Value> {
        values(text, GuideKind::Markdown)
    }

    #[test]
    fn recommended_protocol_in_lead_ins_and_headings() {
        assert_eq!(
            md("**Pour une configuration en POP (recommandée)**\n"),
            [Value::Recommended(Protocol::Pop3)]
        );
        assert_eq!(
            md("### Configuration en IMAP (recommandée)\n"),
            [Value::Recommended(Protocol::Imap)]
        );
        assert_eq!(
            md("### IMAP-Konfiguration (empfohlen)\n"),
            [Value::Recommended(Protocol::Imap)]
        );
        assert!(md("Nous vous recommandons de faire appel à un prestataire.\n").is_empty());
        assert!(md("**POP ou IMAP (recommandé)**\n").is_empty());
    }

    #[test]
    fn webmail_url_only_near_the_word_webmail() {
        let text = "Via notre interface en ligne (*webmail*) en vous rendant sur le lien [https://www.ovh.com/fr/mail/](https://www.ovh.com/fr/mail/){.external}.\n\nUne documentation sur le *webmail* : [Utilisation de RoundCube](https://docs.ovh.com/fr/emails/utilisation-roundcube/){.external}.\n\nVoir https://docs.ovh.com/fr/ pour le reste.\n";
        assert_eq!(
            md(text),
            [Value::Webmail("https://www.ovh.com/fr/mail/".into())]
        );
        let plain = "via notre interface Webmail à\nl'adresse : \n\nhttp://example.com/\n";
        assert_eq!(
            values(plain, GuideKind::PlainText),
            [Value::Webmail("http://example.com/".into())]
        );
    }

    #[test]
    fn mx_records() {
        let got = md(
            "mx1.ovh.net et mx2.ovh.net : anti-spam simple; voir www.mx.com ou user@mx3.ovh.net.\n",
        );
        assert_eq!(
            got,
            [
                Value::Mx("mx1.ovh.net".into()),
                Value::Mx("mx2.ovh.net".into())
            ]
        );
    }

    #[test]
    fn limits_in_french_and_english() {
        use Limit::*;
        let fr = "200 e-mails / heure / compte et 300 e-mails / heure / IP.\n\nChaque adresse e-mail à un quota limite de 5 Go.\n\nLes pièces jointes à vos e-mails auront une taille maximum de 20 Mo avec le webmail, 100 Mo via un client lourd de messagerie.\n\nChaque e-mail envoyé pourra avoir en copie au maximum 20 adresses e-mail. Un e-mail envoyé avec 20 personnes en copie comptera au total pour 20 e-mails envoyés.\n";
        assert_eq!(
            values(fr, GuideKind::PlainText),
            [
                Value::Limit(EmailsPerHourPerAccount, 200),
                Value::Limit(EmailsPerHourPerIp, 300),
                Value::Limit(MailboxQuotaGb, 5),
                Value::Limit(AttachmentWebmailMb, 20),
                Value::Limit(AttachmentClientMb, 100),
                Value::Limit(RecipientsInCopy, 20),
                Value::Limit(RecipientsInCopy, 20),
            ]
        );
        let en = "You can send 250 emails per hour per account. Attachments up to 25 MB from the webmail.\n";
        assert_eq!(
            md(en),
            [
                Value::Limit(EmailsPerHourPerAccount, 250),
                Value::Limit(AttachmentWebmailMb, 25)
            ]
        );
    }

    #[test]
    fn standalone_numbers_skip_decimals_versions_and_words() {
        let s = "200 e-mails, v2 ou 4.4 et 1/2 : 25 Mo 1234567 x_9 5";
        let got: Vec<&str> = standalone_numbers(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(got, ["200", "1", "25", "5"]);
        let accented = "à 20 adresses";
        let found = standalone_numbers(accented);
        assert_eq!(found.len(), 1);
        assert_eq!(&accented[found[0].clone()], "20");
        assert!(standalone_numbers("é5 5. 6,").is_empty());
    }

    #[test]
    fn numbers_that_are_not_limits() {
        assert!(md("augmenter la taille de vos comptes e-mails de 25 Mo à 5Go.\n").is_empty());
        assert!(md("alors vous aurez droit à 100 comptes pop et non 110.\n").is_empty());
        assert!(md("Outlook 2016 sous Android 4.4, 20 e-mails envoyés.\n").is_empty());
    }
}
