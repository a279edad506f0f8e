//! The generator's command line: a corpus and a series corpus, written deterministically.

use assert_cmd::Command;

fn gen() -> Command {
    Command::cargo_bin("gouji-gen").unwrap()
}

#[test]
fn the_same_seed_writes_the_same_reports() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        gen()
            .args([
                "--count",
                "3",
                "--seed",
                "5",
                "--formats",
                "text,html",
                "--out",
            ])
            .arg(dir.path())
            .assert()
            .success();
    }
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let reports = names
        .iter()
        .filter(|n| n.to_string_lossy().ends_with(".txt") || n.to_string_lossy().ends_with(".html"))
        .count();
    assert_eq!(reports, 3, "{names:?}");
    for n in &names {
        assert_eq!(
            std::fs::read(a.path().join(n)).unwrap(),
            std::fs::read(b.path().join(n)).unwrap(),
            "{n:?}"
        );
    }
}

#[test]
fn a_series_corpus_lists_its_breaks() {
    let dir = tempfile::tempdir().unwrap();
    gen()
        .args([
            "--count",
            "4",
            "--series",
            "3",
            "--inconsistency",
            "1",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let breaks = std::fs::read_to_string(dir.path().join("series-breaks.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = breaks
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{breaks}");
    assert!(lines.iter().all(|b| b["file"].is_string()), "{breaks}");
}

#[test]
fn a_bad_argument_is_refused_with_the_usage() {
    let out = gen().arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: gouji-gen"));
}
