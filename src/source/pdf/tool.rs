//! Running `pdftotext -layout` as a child process, with a timeout and bounded output.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::source::child;
use crate::source::ReadError;

/// Tool name used in [`ReadError::Tool`].
pub const TOOL: &str = "pdftotext (poppler-utils)";

/// Environment variable that overrides the path of the `pdftotext` binary.
pub const ENV_BINARY: &str = "GOUJI_PDFTOTEXT";

/// How to install the tool, appended to "not found" errors.
const INSTALL_HINT: &str =
    "install poppler (Debian/Ubuntu: `apt-get install poppler-utils poppler-data`; \
macOS: `brew install poppler`; Windows: unpack a poppler build for Windows and add its bin folder to \
PATH) or point GOUJI_PDFTOTEXT at the pdftotext binary";

/// Limits for one run of the tool (by default 60 s and 32 MiB of text).
pub type Limits = child::Limits;

/// The binary to run: `$GOUJI_PDFTOTEXT` when set and non-empty, else `pdftotext` on `PATH`.
pub fn binary(env_value: Option<OsString>) -> PathBuf {
    match env_value {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from("pdftotext"),
    }
}

/// What the child process produced.
pub type Output = child::Output;

/// Run `binary -layout -enc UTF-8 - -` with `pdf` on standard input.
pub fn run(binary: &Path, pdf: &[u8], limits: Limits) -> Result<Output, ReadError> {
    let mut command = Command::new(binary);
    command.args(["-layout", "-enc", "UTF-8", "-", "-"]);
    let tool_error = |reason: String| ReadError::Tool { tool: TOOL, reason };
    let out = child::run(command, Some(pdf), limits)
        .map_err(|f| tool_error(f.reason("pdftotext", binary, INSTALL_HINT)))?;
    if out.overflow {
        return Err(ReadError::Corrupt {
            format: "PDF",
            reason: format!(
                "the extracted text exceeds {} MiB",
                limits.max_output / (1024 * 1024)
            ),
        });
    }
    Ok(out)
}
