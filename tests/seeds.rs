//! The seeds, end to end: the findings issue 2 names, a golden snapshot of the
//! whole output, and proof that findings follow the spec rather than code.

use guidelint::discover::discover;
use guidelint::engine::{Engine, Outcome};
use guidelint::report::{self, Format};
use guidelint::spec::Spec;

fn seeds_dir() -> String {
    // Relative paths keep the snapshot independent of the checkout location.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    "fixtures/seeds".to_string()
}

fn run(spec: Spec) -> Outcome {
    let files = discover(&[seeds_dir()]).unwrap();
    Engine::new(Some(spec)).unwrap().check(&files)
}

fn concise(outcome: &Outcome) -> Vec<String> {
    report::render(outcome, Format::Concise, false).lines().map(str::to_string).collect()
}

fn fact_findings(outcome: &Outcome) -> Vec<String> {
    concise(outcome).into_iter().filter(|l| l.contains(": GL2")).collect()
}

#[test]
fn issue_two_findings_on_the_seeds_and_nothing_else_on_facts() {
    let got = fact_findings(&run(Spec::embedded().unwrap()));
    let places: Vec<String> = got
        .iter()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let path = parts.next().unwrap();
            let line = parts.next().unwrap();
            let code = l.split(": ").nth(1).unwrap().split(' ').next().unwrap();
            format!("{path}:{line} {code}")
        })
        .collect();
    assert_eq!(
        places,
        [
            "fixtures/seeds/002_d5e685b3326c1bd0.md:37 GL202",
            "fixtures/seeds/002_d5e685b3326c1bd0.md:39 GL201",
            "fixtures/seeds/002_d5e685b3326c1bd0.md:48 GL205",
        ],
        "{got:#?}"
    );
    assert!(got[1].contains("port 993 is IMAP over SSL; POP3 over SSL uses 995"), "{}", got[1]);
}

#[test]
fn golden_output() {
    let outcome = run(Spec::embedded().unwrap());
    insta::assert_snapshot!("seeds_pretty", report::render(&outcome, Format::Pretty, false));
    insta::assert_snapshot!("seeds_json", report::render(&outcome, Format::Json, false));
}

#[test]
fn a_different_spec_gives_different_findings() {
    // IMAP over SSL moved to 994: every correct "993" of the seeds is now wrong.
    let text = guidelint::data::SPEC_YAML.replace("{ port: 993, security: ssl }", "{ port: 994, security: ssl }");
    assert_ne!(text, guidelint::data::SPEC_YAML);
    let outcome = run(Spec::parse("spec-994.yaml", &text).unwrap());
    let got = fact_findings(&outcome);
    let on_993: Vec<&String> = got.iter().filter(|l| l.contains("port 993 is not offered for IMAP")).collect();
    // 000 and 001 each give 993 in one IMAP table; 002 and 004 in their IMAP sections; 003 in its export.
    for seed in ["000_", "001_", "002_", "003_", "004_"] {
        assert!(on_993.iter().any(|l| l.contains(seed)), "no 993 finding in seed {seed}: {got:#?}");
    }
    // And nothing is said of 993 with the shipped spec (see the test above).
    assert_eq!(on_993.len(), 11, "{got:#?}");
}

#[test]
fn a_spec_with_another_host_flags_the_seed_hosts() {
    let text = guidelint::data::SPEC_YAML.replace("[ssl0.ovh.net]", "[mail.example.net]");
    let outcome = run(Spec::parse("spec-host.yaml", &text).unwrap());
    let hosts = fact_findings(&outcome).into_iter().filter(|l| l.contains("GL203")).count();
    assert!(hosts >= 10, "{hosts} host findings");
}
