//! Legacy Word files (`.doc`, Kingsoft `.wps`): converted to DOCX by LibreOffice when it is
//! installed, then read as DOCX under the original file name.
//!
//! The input's bytes are copied into a fresh temporary directory and LibreOffice converts that
//! copy there, with its own throw-away profile (so a running LibreOffice does not swallow the
//! request), in its own process group under a timeout. Nothing is written next to the input
//! and the input is never opened by the converter. Without LibreOffice the file is refused with
//! a message saying how to convert it by hand.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::child::{self, Limits};
use super::{Document, ReadError, MAX_INPUT_BYTES};

/// Environment variable naming the converter (`soffice`); when unset, `soffice` or
/// `libreoffice` is looked up on `PATH` (and in LibreOffice's usual install folder on Windows
/// and macOS).
pub const ENV_BINARY: &str = "GOUJI_SOFFICE";

/// Tool name used in [`ReadError::Tool`].
pub const TOOL: &str = "LibreOffice (soffice)";

/// The format name of legacy Word files in messages.
pub const FORMAT: &str = "Word 97-2003 (.doc/.wps)";

/// What to do without LibreOffice.
pub const HINT: &str = "open it in Word or WPS and save it as .docx, \
or install LibreOffice so that gouji converts it";

/// How to get the tool, appended to "not found" errors.
const INSTALL_HINT: &str = "install LibreOffice (https://www.libreoffice.org) or point \
GOUJI_SOFFICE at its soffice program, or open the file in Word or WPS and save it as .docx";

/// Limits of one conversion: LibreOffice starts in a few seconds, converts a report in one more.
pub fn default_limits() -> Limits {
    Limits {
        timeout: Duration::from_secs(120),
        max_output: 1024 * 1024,
    }
}

/// The converter to run: `$GOUJI_SOFFICE` when set and non-empty, else the first of `soffice`
/// and `libreoffice` found on `path`, else LibreOffice's usual install location; `None` when
/// there is none.
pub fn converter(env_value: Option<OsString>, path: Option<OsString>) -> Option<PathBuf> {
    if let Some(v) = env_value.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(v));
    }
    let exe = |name: &str| format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in ["soffice", "libreoffice"] {
        if let Some(found) = dirs.iter().map(|d| d.join(exe(name))).find(|p| p.is_file()) {
            return Some(found);
        }
    }
    well_known().into_iter().find(|p| p.is_file())
}

/// Where LibreOffice's installer puts `soffice` when it is not on `PATH`.
fn well_known() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if cfg!(windows) {
        for var in ["ProgramFiles", "ProgramFiles(x86)"] {
            if let Some(dir) = std::env::var_os(var) {
                out.push(PathBuf::from(dir).join(r"LibreOffice\program\soffice.exe"));
            }
        }
    } else if cfg!(target_os = "macos") {
        out.push(PathBuf::from(
            "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        ));
    }
    out
}

/// Read a legacy Word file with the converter found as [`converter`] describes, or refuse it
/// with [`ReadError::Unsupported`] when there is none.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    match converter(std::env::var_os(ENV_BINARY), std::env::var_os("PATH")) {
        Some(binary) => read_with(name, bytes, &binary, default_limits()),
        None => Err(ReadError::Unsupported {
            format: FORMAT,
            hint: HINT,
        }),
    }
}

fn tool_error(reason: String) -> ReadError {
    ReadError::Tool { tool: TOOL, reason }
}

/// Convert `bytes` with `binary` (a `soffice`) and read the result as DOCX named `name`.
pub fn read_with(
    name: &str,
    bytes: &[u8],
    binary: &Path,
    limits: Limits,
) -> Result<Document, ReadError> {
    let docx = convert(bytes, binary, limits)?;
    super::docx::read(name, &docx).map_err(|e| match e {
        e @ (ReadError::Limit { .. } | ReadError::TooLarge { .. }) => e,
        _ => tool_error(
            "LibreOffice's conversion is not a readable .docx; open the file in Word or WPS and save it as .docx"
                .into(),
        ),
    })
}

/// Run the conversion in a temporary directory and return the DOCX bytes.
fn convert(bytes: &[u8], binary: &Path, limits: Limits) -> Result<Vec<u8>, ReadError> {
    let io = |what: &str, e: std::io::Error| tool_error(format!("cannot {what}: {e}"));
    let tmp = tempfile::Builder::new()
        .prefix("gouji-soffice-")
        .tempdir()
        .map_err(|e| io("create a temporary directory", e))?;
    let (input_dir, out_dir, profile) = (
        tmp.path().join("in"),
        tmp.path().join("out"),
        tmp.path().join("profile"),
    );
    for d in [&input_dir, &out_dir, &profile] {
        std::fs::create_dir(d).map_err(|e| io("create a temporary directory", e))?;
    }
    // A Word binary document is converted as `.doc` whatever its extension said (Kingsoft's
    // `.wps` is one): LibreOffice picks its import filter partly by the name.
    let input = input_dir.join("report.doc");
    std::fs::write(&input, bytes).map_err(|e| io("write the temporary copy", e))?;

    let mut command = Command::new(binary);
    command
        .arg(format!("-env:UserInstallation={}", file_url(&profile)))
        .args([
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(&input)
        .current_dir(tmp.path());
    let out = child::run(command, None, limits)
        .map_err(|f| tool_error(f.reason("LibreOffice", binary, INSTALL_HINT)))?;
    let converted = out_dir.join("report.docx");
    let detail = || {
        let said = format!("{}\n{}", out.stderr, String::from_utf8_lossy(&out.stdout));
        said.lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(|l| l.chars().take(200).collect::<String>())
            .unwrap_or_else(|| "no error message".into())
    };
    if out.code != Some(0) {
        return Err(tool_error(match out.code {
            Some(c) => format!("LibreOffice failed (exit code {c}): {}", detail()),
            None => "LibreOffice was killed by a signal".into(),
        }));
    }
    // LibreOffice exits 0 when it cannot load a file; only the output says it worked.
    let (file, len) = super::open_regular(&converted).map_err(|_| {
        tool_error(format!(
            "LibreOffice did not convert the file: {}",
            detail()
        ))
    })?;
    if len > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: len,
            limit: MAX_INPUT_BYTES,
        });
    }
    let docx = super::read_at_most(file, MAX_INPUT_BYTES)
        .map_err(|e| io("read LibreOffice's conversion", e))?;
    if docx.len() as u64 > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: docx.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(docx)
}

/// A `file://` URL for a local directory, as LibreOffice's `-env:UserInstallation` wants it
/// (bytes outside the unreserved set percent-encoded, Windows drive paths with `/`).
fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_converter_is_the_override_then_path_then_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let none = converter(None, Some(dir.path().as_os_str().to_owned()));
        if well_known().iter().all(|p| !p.is_file()) {
            assert_eq!(none, None);
        }
        let exe = dir
            .path()
            .join(format!("libreoffice{}", std::env::consts::EXE_SUFFIX));
        std::fs::write(&exe, "").unwrap();
        assert_eq!(
            converter(None, Some(dir.path().as_os_str().to_owned())),
            Some(exe)
        );
        assert_eq!(
            converter(Some("/opt/x/soffice".into()), None),
            Some(PathBuf::from("/opt/x/soffice"))
        );
        assert_eq!(
            converter(
                Some(OsString::new()),
                Some(dir.path().as_os_str().to_owned())
            )
            .map(|p| p.file_name().is_some()),
            Some(true)
        );
    }

    #[test]
    fn conversion_messages_read_in_chinese() {
        let zh = |reason: &str| {
            crate::source::error_zh(
                &ReadError::Tool {
                    tool: TOOL,
                    reason: reason.into(),
                }
                .to_string(),
            )
        };
        assert_eq!(
            zh("LibreOffice did not finish within 120 s and was stopped"),
            "读取此文件需要 LibreOffice (soffice)：LibreOffice 未在 120 秒内完成，已被终止"
        );
        assert_eq!(
            zh("LibreOffice did not convert the file: no error message"),
            "读取此文件需要 LibreOffice (soffice)：LibreOffice 未能转换该文件：无错误信息"
        );
        let pdf = crate::source::error_zh(
            "pdftotext (poppler-utils) is needed to read this file: pdftotext did not finish within 60 s and was stopped",
        );
        assert_eq!(
            pdf,
            "读取此文件需要 pdftotext (poppler-utils)：pdftotext 未在 60 秒内完成，已被终止"
        );
    }

    #[test]
    fn profile_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/用户")),
            "file:///tmp/a%20b/%E7%94%A8%E6%88%B7"
        );
        assert_eq!(file_url(Path::new(r"C:\Temp\x")), "file:///C:/Temp/x");
    }

    #[cfg(unix)]
    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("soffice");
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_converter_and_its_children_are_stopped_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let bin = script(dir.path(), "sleep 300 &\nsleep 300");
        let limits = Limits {
            timeout: Duration::from_millis(300),
            max_output: 1024,
        };
        let start = std::time::Instant::now();
        let e = read_with("a.doc", b"x", &bin, limits)
            .unwrap_err()
            .to_string();
        assert!(start.elapsed() < Duration::from_secs(20));
        assert!(e.contains("did not finish within"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_converter_that_writes_nothing_is_named_with_its_message() {
        let dir = tempfile::tempdir().unwrap();
        let bin = script(dir.path(), "echo 'Error: source file could not be loaded'");
        let e = read_with("a.doc", b"x", &bin, default_limits())
            .unwrap_err()
            .to_string();
        assert!(e.contains("did not convert the file"), "{e}");
        assert!(e.contains("source file could not be loaded"), "{e}");
        let bin = script(dir.path(), "echo broken >&2; exit 3");
        let e = read_with("a.doc", b"x", &bin, default_limits())
            .unwrap_err()
            .to_string();
        assert!(e.contains("exit code 3): broken"), "{e}");
        let e = read_with("a.doc", b"x", &dir.path().join("missing"), default_limits())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("was not found") && e.contains("GOUJI_SOFFICE"),
            "{e}"
        );
    }
}
