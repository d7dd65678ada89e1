//! Service facts besides server settings: the protocol a guide recommends, the
//! webmail URL, MX records and stated limits (sending rate, quota, attachment
//! size, recipients in copy).
//!
//! Each is read only in its own context, so ordinary text stays quiet: a URL is
//! the webmail URL only near the word "webmail" (a link's target also needs a
//! webmail's shape: a mail host or a `/mail/` page); a number is a limit only
//! with its unit and the limit's words in the same sentence.
//!
//! DNS zone records are read too: an `MX` row's target is an MX record (an SPF
//! `include:mx.ovh.com` is not), and an SRV row (`_imaps._tcp … 0 0 993
//! ssl0.ovh.net.`) states a port of its protocol (`_autodiscover` is no mail
//! protocol: a port read there is dropped). MX hosts written with a server
//! number placeholder (`mx**X**.mail.ovh.ca`, `mx?.…`) are read as `mx*.…`.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::scan::{Lexicon, Mode, Passage};
use super::sentences;
use super::{Fact, ProtocolSource, Value};
use crate::guide::{BlockKind, Guide, TextRun};
use crate::spec::{Protocol, Security};

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

/// Host names whose first label is `mx`, `mx0`, `mx1`, … or a placeholder
/// for the number (`mxX`, `mxXX`, `mx?`, `mx*`): MX records. Not after `@`
/// (an address), `/` (a URL), `:` or `=` (an SPF mechanism such as
/// `include:mx.ovh.com`).
static MX_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\w./@:=-])(mx(?:\d+|xx?|\?|\*)?(?:\.[a-z0-9-]+)+\.[a-z]{2,})\b")
        .expect("valid mx regex")
});

/// A host name in a DNS record's target (`mx1.mail.ovh.net.`, `ex?.mail.ovh.ca`).
static TARGET_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[a-z0-9*?-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,}\.?$").expect("valid host regex")
});

/// The service of an SRV record (`_imaps._tcp`, `_submission._tcp.example.com`).
static SRV_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\w.])_(imaps?|pop3s?|submissions?|smtps?|autodiscover)\._tcp\b")
        .expect("valid srv regex")
});

/// An SRV record's data: priority, weight, port, target (`0 0 993 ssl0.ovh.net.`).
static SRV_DATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)\d{1,5}\s+\d{1,5}\s+(\d{1,5})\s+[a-zA-Z0-9*?.-]+\.[a-zA-Z]{2,}\.?(?:\s|$)")
        .expect("valid srv data regex")
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
    let mut links = guide.links.iter().peekable();
    for (index, block) in guide.blocks.iter().enumerate() {
        let section = block.section;
        let passage = |run| passage_of(passages, index, run, lex);
        // The links of this block (links and blocks are both in document order).
        let mut block_links = Vec::new();
        while let Some(link) = links.next_if(|l| l.span.start < block.span.end) {
            if link.span.start >= block.span.start && !link.image {
                block_links.push(link);
            }
        }
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
                link_webmail(run, &block_links, index, section, lex, out);
                mx(run, index, section, out);
                srv_lines(run, index, section, out);
                limits(run, Some(&here), None, index, section, lex, out);
                previous = Some((run, here));
            }
            BlockKind::Table(t) => {
                for cell in t.header.iter().chain(t.rows.iter().flatten()) {
                    if !cell.text.contains("v=spf") {
                        mx(cell, index, section, out);
                    }
                }
                table_limits(t, index, section, lex, out);
                zone_records(t, index, section, lex, out);
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
/// its sentence, in the URL itself, or ending the paragraph the URL follows alone;
/// and the URL looks like a webmail ([`webmail_shaped`]) or names a site alone.
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
        let shaped = webmail_shaped(url);
        if !shaped && !bare_site(url) {
            continue;
        }
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
                }))
            // A webmail-shaped URL may follow the sentence that introduces
            // the webmail ("… une application web … Celle-ci est accessible
            // à l'adresse <URL>").
            || (shaped
                && lex
                    .vocab
                    .webmail
                    .is_match_in(passage.slice(0..range.start).vocab()))
            || webmail_page(url);
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

/// The webmail given as a link's target: `[Webmail](https://www.ovh.pl/mail/)`,
/// "connectez-vous au [webmail](…)". The link's text, or its paragraph before
/// it, must name the webmail, and the target must look like a webmail (see
/// [`webmail_shaped`]); a target equal to the link's text is read as text.
fn link_webmail(
    run: &TextRun,
    links: &[&crate::guide::Link],
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    for link in links {
        let url = link.url.trim();
        if !webmail_shaped(url) {
            continue;
        }
        let shown = run.text_range(link.span.clone());
        let label = run.text.get(shown.clone()).unwrap_or("");
        if label.trim().trim_end_matches('/') == url.trim_end_matches('/') {
            continue;
        }
        // The paragraph before the link: the webmail may be introduced a
        // sentence earlier ("… a web application … Log in [here](…)").
        let before = run.text.get(..shown.start).unwrap_or("");
        let named = |text: &str| {
            !text.is_empty() && lex.vocab.webmail.is_match_in(lex.passage(text).vocab())
        };
        if !(named(label) || named(before) || webmail_page(url)) {
            continue;
        }
        // `[text](url)`: the target ends before the link's closing parenthesis.
        let end = link.span.end.saturating_sub(1);
        let span = end.saturating_sub(url.len())..end;
        out.push(fact(Value::Webmail(url.to_string()), span, block, section));
    }
}

/// A URL that is a webmail wherever it is given: a `…/mail/` page of a site
/// (`https://www.ovh.com/ca/fr/mail/`) or a `webmail…` host. Other mail
/// hosts (`https://mail.example.com/`) need the webmail named near them.
fn webmail_page(url: &str) -> bool {
    if !url.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("http")) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    if rest.contains(['?', '#', ';']) {
        return false;
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    host.starts_with("webmail")
        || (segments.len() <= 3 && segments.last().is_some_and(|s| *s == "mail"))
}

/// `http://example.com/`: a URL naming a site and no page.
fn bare_site(url: &str) -> bool {
    url.split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/').find(['/', '?', '#']).is_none())
}

/// Whether a link target looks like a webmail: a host with a `mail` or
/// `webmail…` label and no path beyond `/owa` or a language
/// (`https://mail.ovh.net/en/`, `https://ex2.mail.ovh.net/owa`), or a page
/// whose last path segment is `mail` (`https://www.ovh.com/ca/fr/mail/`).
/// Guides about the webmail, offer pages and sign-in links are not.
fn webmail_shaped(url: &str) -> bool {
    // Most links are a guide's own (`/pages/…`, `#anchor`): no allocation for them.
    if !url.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("http")) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    if rest.contains(['?', '#', ';']) {
        return false;
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mail_host = host
        .split('.')
        .any(|label| label == "mail" || label.starts_with("webmail"));
    let short_path = match segments.as_slice() {
        [] => true,
        [one] => *one == "owa" || (one.len() == 2 && one.bytes().all(|b| b.is_ascii_alphabetic())),
        _ => false,
    };
    (mail_host && short_path)
        || (segments.len() <= 3
            && segments
                .last()
                .is_some_and(|s| *s == "mail" || *s == "webmail"))
}

/// `mx1.ovh.net`, `mx**X**.mail.ovh.ca`: host names of MX records.
fn mx(run: &TextRun, block: usize, section: Option<usize>, out: &mut Vec<Fact>) {
    // Most text names no MX host: a byte scan spares it the Unicode-aware regex.
    if !may_name_mx(run.text.as_bytes()) {
        return;
    }
    for c in MX_HOST.captures_iter(&run.text) {
        let Some(m) = c.get(1) else { continue };
        out.push(fact(
            Value::Mx(placeholder_host(m.as_str(), 2)),
            run.src_span(m.range()),
            block,
            section,
        ));
    }
}

/// True when `bytes` may hold an MX host: `mx`, then digits or a number
/// placeholder (`x`, `?`, `*`), then a dot (a non-ASCII byte may be another
/// script's digit).
fn may_name_mx(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'm', b'M', bytes).any(|i| {
        if !bytes
            .get(i + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'x'))
        {
            return false;
        }
        let rest = &bytes[i + 2..];
        let number = rest
            .iter()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'x' | b'X' | b'?' | b'*'))
            .count();
        rest.get(number)
            .is_some_and(|&b| b == b'.' || !b.is_ascii())
    })
}

/// `host` with the server number placeholder of its first label, after the
/// first `prefix` bytes (`X`, `XX`, `?`, `*`), written `*`: `mxX.mail.ovh.ca`
/// → `mx*.mail.ovh.ca`. Hosts with a number are kept as written.
fn placeholder_host(host: &str, prefix: usize) -> String {
    let label_end = host.find('.').unwrap_or(host.len());
    let number = host.get(prefix..label_end).unwrap_or("");
    let placeholder = !number.is_empty()
        && (number.eq_ignore_ascii_case("x")
            || number.eq_ignore_ascii_case("xx")
            || number.chars().all(|c| matches!(c, '?' | '*')));
    if placeholder {
        format!("{}*{}", &host[..prefix], &host[label_end..])
    } else {
        host.to_string()
    }
}

/// The protocol and security an SRV service names (`_imaps`: IMAP over SSL);
/// `None` for `_autodiscover`, which is no mail protocol.
fn srv_protocol(service: &str) -> Option<(Protocol, Option<Security>)> {
    let s = service.to_ascii_lowercase();
    let (protocol, ssl) = match s.as_str() {
        "imap" => (Protocol::Imap, false),
        "imaps" => (Protocol::Imap, true),
        "pop3" => (Protocol::Pop3, false),
        "pop3s" => (Protocol::Pop3, true),
        "submission" | "smtp" => (Protocol::Smtp, false),
        "submissions" | "smtps" => (Protocol::Smtp, true),
        _ => return None,
    };
    // Only the implicit-TLS services say how the port is secured.
    Some((protocol, ssl.then_some(Security::Ssl)))
}

/// Records an SRV record's port: the fact at `span` gets the service's
/// protocol, or is dropped for `_autodiscover`; a new fact is added when
/// none was read there.
fn srv_port(
    service: &str,
    service_span: Range<usize>,
    port: u16,
    span: Range<usize>,
    block: usize,
    section: Option<usize>,
    out: &mut Vec<Fact>,
) {
    let at = |f: &Fact| f.span == span && matches!(f.value, Value::Port(_));
    let Some((protocol, security)) = srv_protocol(service) else {
        // Not a mail protocol's port (`_autodiscover._tcp … 443`).
        out.retain(|f| !at(f));
        return;
    };
    let apply = |f: &mut Fact| {
        f.protocol = Some(protocol);
        f.protocol_source = Some((ProtocolSource::Local, Some(service_span.clone())));
        f.direction = Some(protocol.direction());
        if security.is_some() {
            f.security = security;
        }
        f.mode = Mode::Setting;
    };
    match out.iter_mut().find(|f| at(f)) {
        Some(f) => apply(f),
        None => {
            let mut f = fact(Value::Port(port), span, block, section);
            apply(&mut f);
            out.push(f);
        }
    }
}

/// SRV records written on one line of text (plain-text exports):
/// `_imaps._tcp.example.com SRV 0 0 993 ssl0.ovh.net.`.
fn srv_lines(run: &TextRun, block: usize, section: Option<usize>, out: &mut Vec<Fact>) {
    if !run.text.contains("._tcp") {
        return;
    }
    let mut start = 0;
    for end in sentences::line_ends(&run.text).chain([run.text.len()]) {
        let line = &run.text[start..end.max(start)];
        if let Some(c) = SRV_SERVICE.captures(line)
            && let Some(service) = c.get(1)
            && let Some(data) = SRV_DATA.captures(&line[service.end()..])
            && let Some(port) = data.get(1)
            && let Ok(number) = port.as_str().parse::<u16>()
        {
            let offset = start + service.end();
            srv_port(
                service.as_str(),
                run.src_span(start + service.start()..start + service.end()),
                number,
                run.src_span(offset + port.start()..offset + port.end()),
                block,
                section,
                out,
            );
        }
        start = end;
    }
}

/// DNS zone tables: a row typed `MX` (`|MX|1|ex2.mail.ovh.net.|`, `|MX 1|…|`)
/// gives its target as an MX record; an SRV row, or a key/value table
/// describing one SRV record, gives its port to its protocol.
fn zone_records(
    t: &crate::guide::Table,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    let is_mx_type = |c: &TextRun| {
        let t = c.text.trim();
        t.eq_ignore_ascii_case("mx")
            || t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("mx "))
                && t[3..].trim().bytes().all(|b| b.is_ascii_digit())
    };
    let srv = t
        .rows
        .iter()
        .flatten()
        .any(|c| memchr::memmem::find(c.text.as_bytes(), b"._tcp").is_some());
    let port_column = if srv {
        t.header
            .iter()
            .position(|h| lex.vocab.port.is_match_in(lex.passage(&h.text).vocab()))
    } else {
        None
    };
    for row in &t.rows {
        if row.iter().any(is_mx_type) && !row.iter().any(|c| c.text.contains("v=spf")) {
            for cell in row {
                let text = cell.text.trim();
                let already = out.iter().any(|f| {
                    matches!(f.value, Value::Mx(_)) && cell.src_range().contains(&f.span.start)
                });
                if !already && TARGET_HOST.is_match(text) {
                    let start = cell.text.find(text).unwrap_or(0);
                    let host = text.trim_end_matches('.');
                    let prefix = host.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(0);
                    out.push(fact(
                        Value::Mx(placeholder_host(host, prefix)),
                        cell.src_span(start..start + host.len()),
                        block,
                        section,
                    ));
                }
            }
        }
        if !srv {
            continue;
        }
        let Some((service_cell, service)) = row.iter().find_map(|c| {
            SRV_SERVICE
                .captures(&c.text)
                .and_then(|m| m.get(1))
                .map(|m| (c, m))
        }) else {
            continue;
        };
        let service_span = service_cell.src_span(service.range());
        // `0 0 993 ssl0.ovh.net.` in one cell, or a port column.
        let from_data = row.iter().find_map(|c| {
            let data = SRV_DATA.captures(&c.text)?;
            let port = data.get(1)?;
            Some((c, port.range()))
        });
        let from_column = port_column
            .and_then(|i| row.get(i))
            .and_then(|c| whole_number(&c.text).map(|r| (c, r)));
        if let Some((cell, range)) = from_data.or(from_column)
            && let Ok(port) = cell.text[range.clone()].parse::<u16>()
        {
            srv_port(
                service.as_str(),
                service_span,
                port,
                cell.src_span(range),
                block,
                section,
                out,
            );
        }
    }
    if !srv {
        return;
    }
    // A key/value table describing one record: `Sous domaine | _autodiscover._tcp`, `Port | 443`.
    let pairs = t.rows.iter().filter(|r| r.len() == 2);
    let service = pairs.clone().find_map(|r| {
        let m = SRV_SERVICE.captures(&r[1].text)?.get(1)?;
        Some((r[1].src_span(m.range()), m.as_str().to_string()))
    });
    if let Some((service_span, service)) = service {
        for r in pairs {
            if lex.vocab.port.is_match_in(lex.passage(&r[0].text).vocab())
                && let Some(range) = whole_number(&r[1].text)
                && let Ok(port) = r[1].text[range.clone()].parse::<u16>()
            {
                srv_port(
                    &service,
                    service_span.clone(),
                    port,
                    r[1].src_span(range),
                    block,
                    section,
                    out,
                );
            }
        }
    }
}

/// The range of the number a cell holds alone (`993`, ` 443 `).
fn whole_number(text: &str) -> Option<Range<usize>> {
    let t = text.trim();
    (!t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let start = text.find(t).unwrap_or(0);
        start..start + t.len()
    })
}

/// The limits of a table's cells. A body cell's number also reads the words
/// of its row's first cell and of its column's header (`|Quota|5 Go|10 Go|`
/// under `|Offre|MX Plan|E-mail Pro|`).
fn table_limits(
    t: &crate::guide::Table,
    block: usize,
    section: Option<usize>,
    lex: Lexicon<'_>,
    out: &mut Vec<Fact>,
) {
    for cell in &t.header {
        limits(cell, None, None, block, section, lex, out);
    }
    for row in &t.rows {
        for (column, cell) in row.iter().enumerate() {
            let labels = (column > 0).then(|| Labels {
                header: t.header.get(column).map_or("", |h| h.text.as_str()),
                row: row[0].text.as_str(),
                surveyed: std::cell::OnceCell::new(),
            });
            limits(cell, None, labels.as_ref(), block, section, lex, out);
        }
    }
}

/// A table cell's labels: its column's header and its row's first cell,
/// joined only when a number's unit asks for the limit's words.
struct Labels<'t> {
    header: &'t str,
    row: &'t str,
    surveyed: std::cell::OnceCell<String>,
}

impl Labels<'_> {
    /// Whether the labels hold one of `m`'s words.
    fn has(&self, m: &crate::vocab::Matcher, lex: Lexicon<'_>) -> bool {
        let text = self
            .surveyed
            .get_or_init(|| format!("{} {}", self.header, self.row));
        m.is_match_in(lex.passage(text).vocab())
    }
}

/// Sending rates, quota, attachment sizes and recipients, sentence by
/// sentence; `labels` (a table cell's row and column labels) count as words
/// of every sentence.
fn limits(
    run: &TextRun,
    passage: Option<&Passage<'_>>,
    labels: Option<&Labels<'_>>,
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
                labels,
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

#[allow(clippy::too_many_arguments)]
fn sentence_limits(
    run: &TextRun,
    sentence: &Passage<'_>,
    labels: Option<&Labels<'_>>,
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
    // The sentence, or the cell's labels, hold the limit's words.
    let words = |m: &crate::vocab::Matcher| {
        m.is_match_in(sentence.vocab()) || labels.is_some_and(|l| l.has(m, lex))
    };
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
                .get_or_init(|| words(&v.quota))
                .then_some(Limit::MailboxQuotaGb)
        } else if v.megabytes.starts(after) {
            attachment.get_or_init(|| words(&v.attachment)).then(|| {
                // The webmail named after the number ("20 Mo avec le
                // webmail"), or before the sentence's first number ("in
                // OWA, attachments are limited to 35 MB").
                let before_first =
                    || i == 0 && v.webmail.is_match_in(sentence.slice(0..r.start).vocab());
                if v.webmail.is_match_in(after_part.vocab()) || before_first() {
                    Limit::AttachmentWebmailMb
                } else {
                    Limit::AttachmentClientMb
                }
            })
        } else {
            let word = after.trim_start();
            let counted = word.starts_with(char::is_alphabetic) && after.len() > word.len();
            (counted && *recipients.get_or_init(|| words(&v.recipients)))
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
    fn webmail_in_link_targets() {
        let text = "Ouvrez la [page du webmail](https://www.ovh.com/ca/fr/mail/){.external} puis connectez-vous.\n\nZaloguj się na [stronie Webmail](https://www.ovh.pl/mail/).\n\nLe webmail est décrit dans [ce guide](https://docs.ovh.com/fr/emails/webmail_roundcube/).\n\nVoir l'[offre](https://www.ovhcloud.com/fr/emails/email-pro/) et la [page d'accueil](https://www.ovh.com/fr/).\n\nAccédez au webmail [https://mail.ovh.net/de/](https://www.ovhcloud.com/de/mail/).\n";
        assert_eq!(
            md(text),
            [
                Value::Webmail("https://www.ovh.com/ca/fr/mail/".into()),
                Value::Webmail("https://www.ovh.pl/mail/".into()),
                Value::Webmail("https://mail.ovh.net/de/".into()),
                Value::Webmail("https://www.ovhcloud.com/de/mail/".into()),
            ]
        );
        // The target's span is the URL itself.
        let guide = "See the [webmail](https://www.ovh.ie/mail/).\n";
        let vocab = Vocabulary::embedded().unwrap();
        let protocols = Protocols::embedded().unwrap();
        let parsed = Guide::parse(guide, GuideKind::Markdown, &vocab);
        let mut out = Vec::new();
        extract(&parsed, Lexicon::new(&vocab, &protocols), &[], &mut out);
        assert_eq!(&guide[out[0].span.clone()], "https://www.ovh.ie/mail/");
    }

    #[test]
    fn webmail_introduced_a_sentence_earlier() {
        let fr = "OVHcloud propose une application web pour lire vos e-mails depuis un navigateur. Elle est accessible à l'adresse <https://www.ovh.com/ca/fr/mail/>.\n";
        assert_eq!(
            md(fr),
            [Value::Webmail("https://www.ovh.com/ca/fr/mail/".into())]
        );
        let en = "OVHcloud offers a web application for your e-mail. Roundcube is available [here](https://www.ovh.co.uk/mail/).\n";
        assert_eq!(
            md(en),
            [Value::Webmail("https://www.ovh.co.uk/mail/".into())]
        );
        // A mail site in a paragraph about something else is not the webmail.
        assert!(
            md("Ouvrez [Gmail](https://mail.google.com/) et cliquez sur Paramètres.\n").is_empty()
        );
        // A site's mail page is, wherever it is given.
        assert_eq!(
            md("### Logging in\n\nGo to the page <https://www.ovh.com/ca/en/mail/>.\n"),
            [Value::Webmail("https://www.ovh.com/ca/en/mail/".into())]
        );
    }

    #[test]
    fn webmail_shapes() {
        for url in [
            "https://www.ovh.com/ca/en/mail/",
            "https://www.ovhcloud.com/en-gb/mail",
            "http://webmail.ovh.net/",
            "https://mail.ovh.net/en/",
            "https://ex2.mail.ovh.net/owa/",
            "https://pro1.mail.ovh.net",
        ] {
            assert!(webmail_shaped(url), "{url}");
        }
        for url in [
            "https://docs.ovh.com/es/emails/webmail_guia_de_uso_de_roundcube/",
            "https://www.ovhcloud.com/en-ca/emails/hosted-exchange/",
            "https://ca.ovh.com/auth/?action=gotomanager",
            "https://ex3.mail.ovh.net/ews/exchange.asmx",
            "https://autodiscover.mail.ovh.net/AppleDevices/",
            "/pages/web/emails/email_owa",
        ] {
            assert!(!webmail_shaped(url), "{url}");
        }
    }

    #[test]
    fn mx_placeholders_lists_and_spf() {
        let got = md(
            "Serveurs valides : mx0.mail.ovh.ca, mx2.mail.ovh.ca et mx**X**.mail.ovh.ca; sinon mx?.mail.ovh.net.\n\nSPF : \"v=spf1 include:mx.ovh.com ~all\", a:mx1.ovh.net\n",
        );
        assert_eq!(
            got,
            [
                Value::Mx("mx0.mail.ovh.ca".into()),
                Value::Mx("mx2.mail.ovh.ca".into()),
                Value::Mx("mx*.mail.ovh.ca".into()),
                Value::Mx("mx*.mail.ovh.net".into()),
            ]
        );
        assert_eq!(placeholder_host("mxXX.mail.ovh.ca", 2), "mx*.mail.ovh.ca");
        assert_eq!(placeholder_host("mx4.mail.ovh.ca", 2), "mx4.mail.ovh.ca");
        assert_eq!(placeholder_host("mxb.ovh.net", 2), "mxb.ovh.net");
    }

    #[test]
    fn dns_zone_tables() {
        // An MX row's target, whatever its name; an SPF row's include is none.
        let zone = "|Domaine|Type|Priorité|Cible|\n|---|---|---|---|\n|example.org.|MX|1|mx1.mail.ovh.net.|\n|example.org.|MX|5|ex**?**.mail.ovh.net.|\n|example.org.|TXT|-|\"v=spf1 include:mx.ovh.com ~all\"|\n";
        assert_eq!(
            md(zone),
            [
                Value::Mx("mx1.mail.ovh.net".into()),
                Value::Mx("ex*.mail.ovh.net".into()),
            ]
        );
        let compact = "|Enregistrement|Cible|\n|---|---|\n|MX 1|mx1.mail.ovh.net.|\n|MX 5|mx2.mail.ovh.net.|\n";
        assert_eq!(
            md(compact),
            [
                Value::Mx("mx1.mail.ovh.net".into()),
                Value::Mx("mx2.mail.ovh.net".into()),
            ]
        );
    }

    fn facts(text: &str, kind: GuideKind) -> Vec<Fact> {
        let vocab = Vocabulary::embedded().unwrap();
        let protocols = Protocols::embedded().unwrap();
        let guide = Guide::parse(text, kind, &vocab);
        let mut out = Vec::new();
        extract(&guide, Lexicon::new(&vocab, &protocols), &[], &mut out);
        out
    }

    #[test]
    fn srv_records_state_ports_of_their_protocol() {
        let table = "|Service|Cible|Port|\n|---|---|---|\n|_submission._tcp|ssl0.ovh.net|465|\n|_imaps._tcp|ssl0.ovh.net|993|\n|_autodiscover._tcp|mailconfig.ovh.net|443|\n";
        let got: Vec<(Value, Option<Protocol>, Option<Security>)> =
            facts(table, GuideKind::Markdown)
                .into_iter()
                .map(|f| (f.value, f.protocol, f.security))
                .collect();
        assert_eq!(
            got,
            [
                (Value::Port(465), Some(Protocol::Smtp), None),
                (Value::Port(993), Some(Protocol::Imap), Some(Security::Ssl)),
            ]
        );
        let data = "|Host|Type|Valeur|\n|---|---|---|\n|_pop3s._tcp.example.org.|SRV|0 0 995 ssl0.ovh.net.|\n";
        let f = facts(data, GuideKind::Markdown);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].value.clone(), f[0].protocol),
            (Value::Port(995), Some(Protocol::Pop3))
        );
        let line = "Ajoutez ces champs :\n\n_imaps._tcp.example.org SRV 0 0 993 ssl0.ovh.net.\n";
        let f = facts(line, GuideKind::PlainText);
        assert!(
            f.iter()
                .any(|f| f.value == Value::Port(993) && f.protocol == Some(Protocol::Imap)),
            "{f:?}"
        );
        // A key/value table describing an autodiscover record: its port is no mail port.
        let kv = "Champ | Valeur\n---|---\nSous-domaine | _autodiscover._tcp\nPort | 443\nCible | ex**?**.mail.ovh.net\n";
        assert!(
            facts(kv, GuideKind::Markdown)
                .iter()
                .all(|f| f.value != Value::Port(443)),
            "{:?}",
            facts(kv, GuideKind::Markdown)
        );
    }

    #[test]
    fn limits_are_read_as_the_limit_they_name() {
        use Limit::*;
        // The To field's size is not the number of recipients in copy.
        assert!(md("The To field must not hold more than 100 recipients.\n").is_empty());
        assert!(md("Le champ « À » accepte au plus 100 destinataires.\n").is_empty());
        assert_eq!(
            md("Un message peut compter au plus 20 adresses en copie.\n"),
            [Value::Limit(RecipientsInCopy, 20)]
        );
        // The webmail before the sentence's first number.
        assert_eq!(
            md("In OWA, attachments may weigh up to 35 MB, and up to 100 MB from a mail client.\n"),
            [
                Value::Limit(AttachmentWebmailMb, 35),
                Value::Limit(AttachmentClientMb, 100)
            ]
        );
        assert_eq!(
            md("Depuis le webmail, les pièces jointes sont limitées à 20 Mo.\n"),
            [Value::Limit(AttachmentWebmailMb, 20)]
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
