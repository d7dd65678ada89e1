//! Consistency across guides and languages: translation drift, corpus
//! consensus, several products, autoconfig specs and the service facts.

use std::process::Command;

use guidelint::spec::{Protocol, Spec};

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Concise findings of the fact rules (GL2xx, GL3xx) as (file name, line, code);
/// the structural rules (front matter, links, images) have their own tests.
fn findings(args: &[&str]) -> Vec<(String, usize, String)> {
    let mut all = vec!["check", "--format", "concise", "--select", "GL2,GL3"];
    all.extend_from_slice(args);
    run(&all)
        .0
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let path = parts.next()?;
            let line = parts.next()?.parse().ok()?;
            let _col = parts.next()?;
            let code = parts.next()?.split_whitespace().next()?.to_string();
            let name = path.rsplit('/').next()?.to_string();
            Some((name, line, code))
        })
        .collect()
}

fn f(name: &str, line: usize, code: &str) -> (String, usize, String) {
    (name.to_string(), line, code.to_string())
}

#[test]
fn seeds_report_pop_recommended_and_the_old_webmail_and_nothing_else() {
    let got = findings(&["fixtures/seeds"]);
    assert_eq!(
        got,
        [
            f("000_a6fca5253bfe941f.md", 47, "GL303"),
            f("002_d5e685b3326c1bd0.md", 37, "GL202"),
            f("002_d5e685b3326c1bd0.md", 39, "GL201"),
            f("002_d5e685b3326c1bd0.md", 48, "GL205"),
            // The export's own era: its webmail and MX records are the spec's
            // legacy values, reported as warnings naming today's.
            f("003_e0d1cd894b263602.txt", 144, "GL304"),
            f("003_e0d1cd894b263602.txt", 161, "GL305"),
            f("003_e0d1cd894b263602.txt", 163, "GL305"),
            f("003_e0d1cd894b263602.txt", 163, "GL305"),
            f("003_e0d1cd894b263602.txt", 165, "GL305"),
            f("003_e0d1cd894b263602.txt", 165, "GL305"),
        ]
    );
}

#[test]
fn seed_003_mx_records_and_limits_are_read_and_stay_quiet() {
    use guidelint::extract::{Limit, Value, extract};
    use guidelint::guide::{Guide, GuideKind};
    let engine = guidelint::engine::Engine::new(None).unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/seeds/003_e0d1cd894b263602.txt"),
    )
    .unwrap();
    let guide = Guide::parse(&text, GuideKind::PlainText, &engine.vocab);
    let facts = extract(&guide, engine.lexicon());
    let mx: Vec<&str> = facts
        .iter()
        .filter_map(|f| match &f.value {
            Value::Mx(h) => Some(h.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        mx,
        [
            "mx0.ovh.net",
            "mx1.ovh.net",
            "mx2.ovh.net",
            "mx3.ovh.net",
            "mx4.ovh.net"
        ]
    );
    let limits: Vec<(Limit, u64)> = facts
        .iter()
        .filter_map(|f| match f.value {
            Value::Limit(l, n) => Some((l, n)),
            _ => None,
        })
        .collect();
    for (limit, n) in [
        (Limit::EmailsPerHourPerAccount, 200),
        (Limit::EmailsPerHourPerIp, 300),
        (Limit::MailboxQuotaGb, 5),
        (Limit::AttachmentWebmailMb, 20),
        (Limit::AttachmentClientMb, 100),
        (Limit::RecipientsInCopy, 20),
    ] {
        assert!(limits.contains(&(limit, n)), "{limit:?} {n} in {limits:?}");
    }
    let webmail = facts
        .iter()
        .any(|f| matches!(&f.value, Value::Webmail(u) if u == "http://webmail.ovh.net/"));
    assert!(webmail);
}

#[test]
fn wrong_limits_and_mx_records_are_reported() {
    assert_eq!(
        findings(&["fixtures/consistency/limits"]),
        [f("limites.md", 11, "GL306"), f("limites.md", 19, "GL305")]
    );
}

#[test]
fn consistent_translations_in_seven_languages_stay_quiet() {
    assert_eq!(
        findings(&["fixtures/consistency/translations/consistent"]),
        []
    );
}

#[test]
fn a_locale_that_leaves_out_the_security_does_not_drift() {
    // fr-fr: "Port : 993 avec SSL"; en-gb: "Port: 993".
    let got = findings(&["fixtures/consistency/translations/security-unstated"]);
    assert!(got.iter().all(|x| x.2 != "GL301"), "{got:?}");
}

#[test]
fn each_kind_of_drift_is_reported_in_its_locale() {
    // Without a spec, translations are their own reference.
    let got = findings(&["--no-spec", "fixtures/consistency/translations/drifting"]);
    let drift: Vec<_> = got.iter().filter(|x| x.2 == "GL301").cloned().collect();
    assert_eq!(
        drift,
        [
            // A different port (995 for IMAP over SSL).
            f("guide.de-de.md", 13, "GL301"),
            // A whole section missing (POP3, never named): one finding.
            f("guide.es-es.md", 13, "GL301"),
            // A different host.
            f("guide.pt-pt.md", 13, "GL301"),
        ]
    );
    // The reference locales stay quiet, and so does the faithful Italian
    // one; the Polish one lists one more alternative (25), not a change.
    assert!(!got.iter().any(|x| {
        ["guide.fr-fr.md", "guide.en-gb.md", "guide.it-it.md"].contains(&x.0.as_str())
            || (x.0 == "guide.pl-pl.md" && x.2 == "GL301")
    }));
}

#[test]
fn with_a_spec_a_value_it_decides_is_its_rules_to_judge_not_drift() {
    let got = findings(&["fixtures/consistency/translations/drifting"]);
    assert_eq!(
        got,
        [
            f("guide.de-de.md", 13, "GL201"),
            f("guide.es-es.md", 13, "GL301"),
            f("guide.pl-pl.md", 24, "GL204"),
            f("guide.pt-pt.md", 13, "GL203"),
        ]
    );
}

#[test]
fn regional_servers_and_webmails_are_no_drift() {
    // fr-fr gives ssl0.ovh.net, fr-ca and en-ca Canada's servers, each its
    // country's webmail: every value is the spec's for its locale.
    let got = findings(&["fixtures/consistency/translations/regional"]);
    assert_eq!(got, [], "{got:?}");
    // An MX record list that differs where the spec says nothing is drift.
    let got = findings(&["--no-spec", "fixtures/consistency/translations/regional"]);
    assert!(got.contains(&f("guide.de-de.md", 18, "GL301")), "{got:?}");
}

#[test]
fn drift_points_at_the_other_locale() {
    let (json, _) = run(&[
        "check",
        "--no-spec",
        "--format",
        "json",
        "fixtures/consistency/translations/drifting",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let de = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "GL301" && x["path"].as_str().unwrap().ends_with("guide.de-de.md"))
        .unwrap();
    assert!(de["message"].as_str().unwrap().contains("995"), "{de}");
    let related = &de["related"][0];
    assert!(
        related["path"]
            .as_str()
            .unwrap()
            .ends_with("guide.fr-fr.md"),
        "{de}"
    );
    assert_eq!(related["line"], 13);
}

#[test]
fn spec_infer_on_the_seeds_yields_the_mx_plan_ports() {
    let (yaml, code) = run(&["spec", "infer", "fixtures/seeds"]);
    assert_eq!(code, 0);
    assert!(yaml.contains("# 5 of 5 guides"), "{yaml}");
    let inferred = Spec::parse("inferred.yaml", &yaml).unwrap();
    let shipped = Spec::embedded().unwrap();
    let ports = |s: &Spec, p: Protocol| {
        let mut v: Vec<(u16, bool)> = s.products[0]
            .ports(p)
            .iter()
            .map(|x| (x.port, x.security.is_ssl()))
            .collect();
        v.sort();
        v
    };
    for p in Protocol::ALL {
        assert_eq!(ports(&inferred, p), ports(&shipped, p), "{p}\n{yaml}");
    }
    assert_eq!(inferred.products[0].recommended, Some(Protocol::Imap));
    assert!(inferred.products[0].offers_host("ssl0.ovh.net", None));
}

#[test]
fn autoconfig_gives_the_same_port_findings_as_the_yaml_spec() {
    let ports = |args: &[&str]| -> Vec<_> {
        findings(args)
            .into_iter()
            .filter(|x| ["GL201", "GL203", "GL204", "GL205"].contains(&x.2.as_str()))
            .collect()
    };
    let xml = "fixtures/consistency/autoconfig/mx-plan.xml";
    let yaml = ports(&["fixtures/seeds"]);
    assert!(!yaml.is_empty());
    assert_eq!(yaml, ports(&["fixtures/seeds", "--spec", xml]));
    // The same on guides with wrong ports and hosts.
    let wrong = "fixtures/consistency/translations/drifting";
    let with_yaml = ports(&[wrong]);
    assert!(with_yaml.iter().any(|x| x.2 == "GL204"));
    assert_eq!(with_yaml, ports(&[wrong, "--spec", xml]));
}

#[test]
fn guides_are_checked_against_their_own_product() {
    // Email Pro by path: 993 SSL and 587 STARTTLS are right, 465 is not.
    // Exchange by title: ex3.mail.ovh.net matches `ex*.mail.ovh.net`.
    assert_eq!(
        findings(&["fixtures/consistency/products"]),
        [f("guide.fr-fr.md", 13, "GL204")]
    );
}

#[test]
fn consensus_flags_outliers_without_a_spec() {
    assert_eq!(
        findings(&["--no-spec", "fixtures/consistency/consensus"]),
        [f("outlier.md", 8, "GL302")]
    );
    let (out, _) = run(&[
        "check",
        "--format",
        "concise",
        "--no-spec",
        "fixtures/consistency/consensus",
    ]);
    assert!(
        out.contains("3 guides give 993 for IMAP (incoming) over SSL; this one gives 1993"),
        "{out}"
    );
}

#[test]
fn consensus_covers_what_the_spec_does_not() {
    assert_eq!(
        findings(&[
            "--spec",
            "fixtures/consistency/consensus-spec.yaml",
            "fixtures/consistency/consensus"
        ]),
        [f("outlier.md", 8, "GL302")]
    );
}

#[test]
fn without_a_spec_the_seeds_have_one_outlier_002s_pop_port() {
    let got = findings(&["--no-spec", "fixtures/seeds"]);
    let consensus: Vec<_> = got.iter().filter(|x| x.2 == "GL302").collect();
    assert_eq!(consensus, [&f("002_d5e685b3326c1bd0.md", 39, "GL302")]);
}
