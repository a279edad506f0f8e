//! Legacy Word files (.doc/.wps): converted by LibreOffice when it is there (here a stand-in
//! converter that writes a known DOCX), refused with a clear message in the user's language
//! when it is not.

#![cfg(unix)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// An OLE2 compound file header: what a Word 97-2003 file starts with.
fn ole_bytes() -> Vec<u8> {
    let mut b = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    b.resize(1024, 0);
    b
}

/// A DOCX report with one injected inconsistency (the generator's).
fn broken_docx() -> Vec<u8> {
    let report = gouji::gen::build(3, 1, &[gouji::gen::model::Format::F2021], 1.0);
    assert!(report.injected.is_some(), "the generator injected nothing");
    gouji::gen::docx::docx(&report).unwrap()
}

fn gouji(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.current_dir(dir)
        .env_remove("GOUJI_FORMAT")
        .env_remove("GOUJI_SOFFICE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8")
        .env("NO_COLOR", "1");
    c
}

/// Files directly in `dir`, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// A stand-in `soffice`: checks the arguments LibreOffice needs, records the input path it was
/// given, checks that input is a copy of the original, and writes `docx` as the conversion.
fn stand_in(tools: &Path, docx: &Path, original: &Path, log: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = tools.join("soffice");
    let body = format!(
        r#"#!/bin/sh
out=""; in=""; conv=""; prof=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift ;;
    --convert-to) conv="$2"; shift ;;
    -env:UserInstallation=file://*) prof="$1" ;;
    -*) ;;
    *) in="$1" ;;
  esac
  shift
done
echo "$in" >> '{log}'
[ "$conv" = docx ] && [ -n "$prof" ] && [ -d "$out" ] || {{ echo "bad arguments" >&2; exit 7; }}
cmp -s "$in" '{original}' || {{ echo "the input is not a copy of the original" >&2; exit 8; }}
stem=$(basename "$in"); stem=${{stem%.*}}
cp '{docx}' "$out/$stem.docx"
echo "convert $in -> $out/$stem.docx using filter : MS Word 2007 XML"
"#,
        log = log.display(),
        original = original.display(),
        docx = docx.display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn check_json(dir: &Path, files: &[&str], env: &[(&str, &Path)]) -> (Value, String, i32) {
    let mut cmd = gouji(dir);
    cmd.args(["check", "--no-config", "--format", "json"])
        .args(files);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// The findings with their path removed, for comparing a file with its conversion.
fn findings_without_path(json: &Value, path: &str) -> Vec<Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            let mut f = f.clone();
            f.as_object_mut().unwrap().remove("path");
            f
        })
        .collect()
}

#[test]
fn a_doc_is_converted_in_a_temporary_directory_and_checked_under_its_own_name() {
    let (dir, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let docx = tools.path().join("known.docx");
    std::fs::write(&docx, broken_docx()).unwrap();
    std::fs::write(dir.path().join("draft.docx"), broken_docx()).unwrap();
    let original = dir.path().join("报告.doc");
    std::fs::write(&original, ole_bytes()).unwrap();
    std::fs::write(dir.path().join("wps.wps"), ole_bytes()).unwrap();
    let log = tools.path().join("inputs.log");
    let soffice = stand_in(tools.path(), &docx, &original, &log);
    let before = listing(dir.path());

    let (json, err, code) = check_json(
        dir.path(),
        &["报告.doc", "wps.wps", "draft.docx"],
        &[("GOUJI_SOFFICE", &soffice)],
    );
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("gouji: 报告.doc"), "{err}");
    let direct = findings_without_path(&json, "draft.docx");
    assert!(!direct.is_empty(), "the DOCX has no finding: {json:#}");
    // The .doc (and the .wps) give exactly the DOCX's findings, under their own names.
    assert_eq!(findings_without_path(&json, "报告.doc"), direct);
    assert_eq!(findings_without_path(&json, "wps.wps"), direct);

    // The converter got a copy in a temporary directory, never the input itself; nothing was
    // written next to the input, the input is unchanged and the temporary files are gone.
    let inputs = std::fs::read_to_string(&log).unwrap();
    assert_eq!(inputs.lines().count(), 2, "{inputs}");
    for given in inputs.lines() {
        assert!(
            !given.starts_with(&*dir.path().to_string_lossy()),
            "{given}"
        );
        assert!(given.ends_with("report.doc"), "{given}");
        assert!(!Path::new(given).exists(), "{given} was left behind");
    }
    assert_eq!(listing(dir.path()), before);
    assert_eq!(std::fs::read(&original).unwrap(), ole_bytes());
}

#[test]
fn without_libreoffice_a_doc_is_refused_in_the_users_language() {
    let (dir, empty) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(dir.path().join("a.doc"), ole_bytes()).unwrap();
    std::fs::write(
        dir.path().join("r.txt"),
        "共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。\n",
    )
    .unwrap();
    for (lang, expected) in [
        (
            "en_US.UTF-8",
            "gouji: a.doc: Word 97-2003 (.doc/.wps) files are not supported: open it in Word or WPS \
and save it as .docx, or install LibreOffice so that gouji converts it",
        ),
        (
            "zh_CN.UTF-8",
            "gouji: a.doc: 不能直接读取 Word 97-2003 (.doc/.wps) 文件：请用 Word 或 WPS 打开并另存为 \
.docx，或安装 LibreOffice 由 gouji 自动转换",
        ),
    ] {
        let out = gouji(dir.path())
            .env("PATH", empty.path())
            .env("LANG", lang)
            .args(["check", "--no-config", "--format", "plain", "a.doc", "r.txt"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.lines().any(|l| l == expected), "{lang}:\n{err}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("r.txt"));
    }
}

#[test]
fn a_converter_named_but_missing_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.doc"), ole_bytes()).unwrap();
    let missing = dir.path().join("no-soffice");
    let out = gouji(dir.path())
        .env("GOUJI_SOFFICE", &missing)
        .args(["check", "--no-config", "--format", "plain", "a.doc"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("LibreOffice (soffice) is needed to read this file")
            && err.contains("was not found; install LibreOffice"),
        "{err}"
    );
    let out = gouji(dir.path())
        .env("GOUJI_SOFFICE", &missing)
        .env("LANG", "zh_CN.UTF-8")
        .args(["check", "--no-config", "--format", "plain", "a.doc"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("读取此文件需要 LibreOffice (soffice)：")
            && err.contains("未找到；请安装 LibreOffice"),
        "{err}"
    );
}
