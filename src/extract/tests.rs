//! Extraction tests on every form the seeds use.

use super::*;
use crate::guide::{Guide, GuideKind};
use crate::spec::{Direction::*, Protocol::*, Protocols, Security::*};
use crate::vocab::Vocabulary;

/// (value, protocol, direction, security) of every fact of `text`.
type Row = (Value, Option<Protocol>, Option<Direction>, Option<Security>);

fn facts(text: &str, kind: GuideKind) -> Vec<Fact> {
    let vocab = Vocabulary::embedded().unwrap();
    let protocols = Protocols::embedded().unwrap();
    let guide = Guide::parse(text, kind, &vocab);
    extract(&guide, Lexicon::new(&vocab, &protocols))
}

/// The server-setting facts (ports, hosts, protocols) of `text`; the service
/// facts (limits, webmail, MX, recommendation) have their own tests.
fn rows(text: &str, kind: GuideKind) -> Vec<Row> {
    facts(text, kind)
        .into_iter()
        .filter(|f| {
            matches!(
                f.value,
                Value::Port(_) | Value::Host(_) | Value::Protocol(_)
            )
        })
        .map(|f| (f.value, f.protocol, f.direction, f.security))
        .collect()
}

fn md(text: &str) -> Vec<Row> {
    rows(text, GuideKind::Markdown)
}

fn port(p: u16) -> Value {
    Value::Port(p)
}

fn host(h: &str) -> Value {
    Value::Host(h.into())
}

#[test]
fn table_with_ssl_columns_under_a_bold_lead_in() {
    let text = "**Pour une configuration en IMAP (recommandée)**\n\n|Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|\n|---|---|---|---|\n|Entrant|SSL0.OVH.NET|993|143|\n|Sortant|SSL0.OVH.NET|465|587|\n";
    assert_eq!(
        md(text),
        [
            (host("SSL0.OVH.NET"), Some(Imap), Some(Incoming), None),
            (port(993), Some(Imap), Some(Incoming), Some(Ssl)),
            (port(143), Some(Imap), Some(Incoming), Some(Plain)),
            (host("SSL0.OVH.NET"), Some(Smtp), Some(Outgoing), None),
            (port(465), Some(Smtp), Some(Outgoing), Some(Ssl)),
            (port(587), Some(Smtp), Some(Outgoing), Some(Plain)),
        ]
    );
}

#[test]
fn ports_table_under_a_heading() {
    let text = "### Configuration POP\n\n|Ports|SSL activé|SSL désactivé|\n|---|---|---|\n|Entrant|995|110|\n|Sortant|465|587|\n";
    assert_eq!(
        md(text),
        [
            (port(995), Some(Pop3), Some(Incoming), Some(Ssl)),
            (port(110), Some(Pop3), Some(Incoming), Some(Plain)),
            (port(465), Some(Smtp), Some(Outgoing), Some(Ssl)),
            (port(587), Some(Smtp), Some(Outgoing), Some(Plain)),
        ]
    );
}

#[test]
fn nested_key_value_list_with_server_type_and_checkbox() {
    let text = "### Parametre du compte e-mail en IMAP\n\n- Information sur le Serveur entrant :\n    - Mon serveur de messagerie pour courrier entrant est un serveur :  **POP3**\n    - Serveur entrant : **SSL0.OVH.NET**\n    - Port : **993**\n    - Cochez la case : **\"Ce serveur nécessite une connexion sécurisée (SSL)\"**\n- Informations sur le serveur sortant :\n    - Serveur sortant : **SSL0.OVH.NET**\n    - Port : **465**\n    - Cochez la case : **\"Ce serveur nécessite une connexion sécurisée (SSL)\"**\n";
    let got = facts(text, GuideKind::Markdown);
    let port993 = got.iter().find(|f| f.value == port(993)).unwrap();
    assert_eq!(
        port993.protocol,
        Some(Pop3),
        "the server-type statement wins over the heading"
    );
    assert_eq!(port993.direction, Some(Incoming));
    assert_eq!(
        port993.security,
        Some(crate::spec::Security::Encrypted),
        "the checked SSL box applies to the port: encrypted, as a client's box says"
    );
    assert_eq!(port993.mode, Mode::Setting);
    assert!(matches!(
        port993.protocol_source,
        Some((ProtocolSource::Statement, Some(_)))
    ));
    let label = got
        .iter()
        .find(|f| f.value == Value::Protocol(Pop3))
        .unwrap();
    assert_eq!(label.context.as_ref().map(|c| c.0), Some(Imap));
    let port465 = got.iter().find(|f| f.value == port(465)).unwrap();
    assert_eq!(
        (port465.protocol, port465.direction, port465.security),
        (
            Some(Smtp),
            Some(Outgoing),
            Some(crate::spec::Security::Encrypted)
        )
    );
}

#[test]
fn quoted_labels_in_paragraphs() {
    let text = "## Configuration Protocole POP\n\n### Parametres du serveur entrant\n\n\"Serveur POP3\" :  **SSL0.OVH.NET**\n\n\"Type de sécurité\" : sélectionnez  **\"SSL (accepter tous les certificats)\"** .\n\n\"Port\" : le port à renseigner est  **995** .\n";
    let got = md(text);
    assert!(
        got.contains(&(port(995), Some(Pop3), Some(Incoming), Some(Ssl))),
        "{got:?}"
    );
    assert!(
        got.contains(&(host("SSL0.OVH.NET"), Some(Pop3), Some(Incoming), None)),
        "{got:?}"
    );
}

#[test]
fn direction_lead_in_paragraph() {
    let text = "### Information configuration IMAP\nVoici les informations de configuration en IMAP pour le serveur entrant.\n\n\"Port\" : le port à renseigner est  **993** .\n\nVoici les informations de configuration en IMAP pour le serveur sortant.\n\n\"Port\" : le port à renseigner est  **465** .\n";
    let got = md(text);
    assert_eq!(got[0], (port(993), Some(Imap), Some(Incoming), None));
    assert_eq!(got[1], (port(465), Some(Smtp), Some(Outgoing), None));
}

#[test]
fn prose_ports() {
    let text = "### Configuration POP\n\nLes ports  **110**  et  **587**  correspondent à la sécurisation SSL désactivée.\n";
    assert_eq!(
        md(text),
        [
            (port(110), Some(Pop3), Some(Incoming), Some(Plain)),
            (port(587), Some(Smtp), Some(Outgoing), Some(Plain)),
        ]
    );
    let must = md("*Il vous faut impérativement utiliser le port 587 en SMTP.*");
    assert_eq!(must, [(port(587), Some(Smtp), Some(Outgoing), None)]);
}

#[test]
fn plain_text_export_with_flattened_table() {
    let text = "Configuration POP\n\nServeur entrant : Le serveur de réception des e-mails : SSL0.OVH.NET\nPort serveur entrant : Le port du serveur entrant : 995 ou 110\n\nPorts SSLactivé SSLdésactivé\n\nEntrant 995 110\n\nSortant 465 587\n Configuration IMAP\n\nEntrée\n";
    let got = rows(text, GuideKind::PlainText);
    assert_eq!(
        got,
        [
            (host("SSL0.OVH.NET"), Some(Pop3), Some(Incoming), None),
            (port(995), Some(Pop3), Some(Incoming), None),
            (port(110), Some(Pop3), Some(Incoming), None),
            (port(995), Some(Pop3), Some(Incoming), Some(Ssl)),
            (port(110), Some(Pop3), Some(Incoming), Some(Plain)),
            (port(465), Some(Smtp), Some(Outgoing), Some(Ssl)),
            (port(587), Some(Smtp), Some(Outgoing), Some(Plain)),
        ]
    );
}

#[test]
fn numbers_that_are_not_ports() {
    for text in [
        "Exemple : si vous souscrivez à un MxPlan 100, alors vous aurez droit à 100 comptes pop et non 110.",
        "Vous pouvez augmenter la taille de vos comptes e-mails de 25 Mo à 5Go.",
        "200 e-mails / heure / compte et 300 e-mails / heure / IP.",
        "|Windows|Outlook|\n|---|---|\n|[Windows 10](https://x/){.external}|[Outlook 2016](https://y/){.external}|\n",
        "Configuration sur une Samsung Tab GT p7510 sous Android version 4.1.2 et Android 4.4.",
        "```\nport 993\n```\n",
        "Vous pourriez recevoir une erreur `553 sorry, that domain isn't allowed to be relayed thru this MTA (#5.7.1)`.",
    ] {
        assert!(md(text).is_empty(), "{text}: {:?}", md(text));
    }
}

#[test]
fn fact_spans_point_at_the_value() {
    let text = "- Port : **993**\n";
    let f = &facts(text, GuideKind::Markdown)[0];
    assert_eq!(&text[f.span.clone()], "993");
}

#[test]
fn english_settings() {
    let text = "### IMAP settings\n\n|Server|Hostname|Port (with SSL)|Port (without SSL)|\n|---|---|---|---|\n|Incoming|ssl0.ovh.net|993|143|\n|Outgoing|ssl0.ovh.net|465|587|\n\n- Incoming server: **ssl0.ovh.net**\n- Port: **993**\n";
    let got = md(text);
    assert!(
        got.contains(&(port(143), Some(Imap), Some(Incoming), Some(Plain))),
        "{got:?}"
    );
    assert!(
        got.contains(&(port(587), Some(Smtp), Some(Outgoing), Some(Plain))),
        "{got:?}"
    );
    assert_eq!(got.iter().filter(|r| r.0 == port(993)).count(), 2);
}
