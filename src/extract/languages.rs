//! Extraction in every shipped language: settings tables, settings lists and
//! prose as real guides write them, and numbers that must stay non-ports.

use super::{Fact, Lexicon, Value, extract};
use crate::guide::{Guide, GuideKind};
use crate::spec::{Direction, Protocol, Protocols, Security};
use crate::vocab::Vocabulary;

/// (value, protocol, direction, security) of every port and host fact of `md`.
type Row = (
    String,
    Option<Protocol>,
    Option<Direction>,
    Option<Security>,
);

fn facts(md: &str) -> Vec<Fact> {
    let vocab = Vocabulary::embedded().unwrap();
    let protocols = Protocols::embedded().unwrap();
    let guide = Guide::parse(md, GuideKind::Markdown, &vocab);
    extract(&guide, Lexicon::new(&vocab, &protocols))
}

fn rows(md: &str) -> Vec<Row> {
    facts(md)
        .into_iter()
        .filter_map(|f| {
            let v = match f.value {
                Value::Port(p) => p.to_string(),
                Value::Host(h) => h.to_lowercase(),
                _ => return None,
            };
            Some((v, f.protocol, f.direction, f.security))
        })
        .collect()
}

fn ports(md: &str) -> Vec<u16> {
    facts(md)
        .into_iter()
        .filter_map(|f| match f.value {
            Value::Port(p) => Some(p),
            _ => None,
        })
        .collect()
}

use Direction::{Incoming as In, Outgoing as Out};
use Protocol::{Imap, Pop3, Smtp};
use Security::{Plain, Ssl};

fn r(v: &str, p: Protocol, d: Direction, s: Option<Security>) -> Row {
    (v.to_string(), Some(p), Some(d), s)
}

/// The table every locale of the MX Plan guide has, as (header, rows) in one language.
fn table(head: &str, incoming: &str, outgoing: &str) -> String {
    format!(
        "**IMAP**\n\n{head}\n|---|---|---|---|\n|{incoming}|SSL0.OVH.NET|993|143|\n|{outgoing}|SSL0.OVH.NET|465|587|\n"
    )
}

fn table_rows() -> Vec<Row> {
    vec![
        r("ssl0.ovh.net", Imap, In, None),
        r("993", Imap, In, Some(Ssl)),
        r("143", Imap, In, Some(Plain)),
        r("ssl0.ovh.net", Smtp, Out, None),
        r("465", Smtp, Out, Some(Ssl)),
        r("587", Smtp, Out, Some(Plain)),
    ]
}

#[test]
fn german_table_list_and_prose() {
    let md = table(
        "|Servertyp|Servername|Port (mit SSL)|Port (ohne SSL)|",
        "Posteingangsserver",
        "Postausgangsserver",
    );
    assert_eq!(rows(&md), table_rows());
    let list = "- Posteingangsserver: SSL0.OVH.NET\n- Port: 993\n- SSL aktiviert\n";
    let got = rows(&format!("## IMAP\n\n{list}"));
    assert!(got.contains(&r("ssl0.ovh.net", Imap, In, None)), "{got:?}");
    assert!(
        got.iter().any(|x| x.0 == "993" && x.2 == Some(In)),
        "{got:?}"
    );
    let prose = "Der Postausgangsserver verwendet den Port 465 mit SSL.";
    assert_eq!(rows(prose), vec![r("465", Smtp, Out, Some(Ssl))]);
}

#[test]
fn german_numbers_that_are_not_ports() {
    assert!(ports("Sie können 200 E-Mails pro Stunde und Konto versenden.").is_empty());
    assert!(ports("Das Postfach bietet 5 GB, Anhänge am Port bis 20 MB.").is_empty());
    assert!(ports("Mit Outlook 2016 unter Android 4.4 funktioniert es.").is_empty());
}

#[test]
fn spanish_table_list_and_prose() {
    let md = table(
        "|Tipo de servidor|Nombre del servidor|Puerto (con SSL)|Puerto (sin SSL)|",
        "Servidor entrante",
        "Servidor saliente",
    );
    assert_eq!(rows(&md), table_rows());
    let prose = "El servidor saliente utiliza el puerto 587 sin SSL.";
    assert_eq!(rows(prose), vec![r("587", Smtp, Out, Some(Plain))]);
    let list = "## POP\n\n- Servidor entrante: SSL0.OVH.NET\n- Puerto: 995 con SSL\n";
    let got = rows(list);
    assert!(got.contains(&r("995", Pop3, In, Some(Ssl))), "{got:?}");
    assert!(ports("Puede enviar 200 correos por hora y 20 destinatarios.").is_empty());
}

#[test]
fn italian_table_list_and_prose() {
    let md = table(
        "|Tipo di server|Nome del server|Porta (con SSL)|Porta (senza SSL)|",
        "Server in entrata",
        "Server in uscita",
    );
    assert_eq!(rows(&md), table_rows());
    let prose = "Il server in uscita utilizza la porta 465 con SSL.";
    assert_eq!(rows(prose), vec![r("465", Smtp, Out, Some(Ssl))]);
    let got = rows("## IMAP\n\n- Server in entrata: SSL0.OVH.NET\n- Porta: 993 con SSL\n");
    assert!(got.contains(&r("993", Imap, In, Some(Ssl))), "{got:?}");
    assert!(ports("La porta di casa e 5 GB di spazio, 200 email all'ora.").is_empty());
}

#[test]
fn polish_table_list_and_prose() {
    let md = table(
        "|Typ serwera|Nazwa serwera|Port (z SSL)|Port (bez SSL)|",
        "Serwer poczty przychodzącej",
        "Serwer poczty wychodzącej",
    );
    assert_eq!(rows(&md), table_rows());
    let prose = "Serwer poczty wychodzącej używa portu 587 bez SSL.";
    assert_eq!(rows(prose), vec![r("587", Smtp, Out, Some(Plain))]);
    let got = rows("## IMAP\n\n- Serwer poczty przychodzącej: SSL0.OVH.NET\n- Port: 993 z SSL\n");
    assert!(got.contains(&r("993", Imap, In, Some(Ssl))), "{got:?}");
    assert!(ports("Możesz wysłać 200 e-maili na godzinę, 20 odbiorców w kopii.").is_empty());
}

#[test]
fn portuguese_table_list_and_prose() {
    let md = table(
        "|Tipo de servidor|Nome do servidor|Porta (com SSL)|Porta (sem SSL)|",
        "Servidor de entrada",
        "Servidor de saída",
    );
    assert_eq!(rows(&md), table_rows());
    let prose = "O servidor de saída utiliza a porta 465 com SSL.";
    assert_eq!(rows(prose), vec![r("465", Smtp, Out, Some(Ssl))]);
    let got = rows("## POP\n\n- Servidor de entrada: SSL0.OVH.NET\n- Porta: 995 com SSL\n");
    assert!(got.contains(&r("995", Pop3, In, Some(Ssl))), "{got:?}");
    assert!(ports("Pode enviar 200 e-mails por hora, com 5 GB de quota.").is_empty());
}

#[test]
fn english_and_french_tables_still_read() {
    let en = table(
        "|Server type|Server name|Port (with SSL)|Port (without SSL)|",
        "Incoming",
        "Outgoing",
    );
    assert_eq!(rows(&en), table_rows());
    let fr = table(
        "|Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|",
        "Entrant",
        "Sortant",
    );
    assert_eq!(rows(&fr), table_rows());
}

#[test]
fn ssl_enabled_columns_in_german() {
    let md = "## IMAP\n\n|Ports|SSL aktiviert|SSL deaktiviert|\n|---|---|---|\n|Posteingangsserver|993|143|\n";
    let got = rows(md);
    assert!(got.contains(&r("993", Imap, In, Some(Ssl))), "{got:?}");
    assert!(got.contains(&r("143", Imap, In, Some(Plain))), "{got:?}");
}
