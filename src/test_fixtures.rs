//! Test support: the text fixtures of the repository, for tests that compare a hand-written
//! matcher or a gate with the regular expression it stands for over real report text.

use std::path::{Path, PathBuf};

/// The contents of every file below `fixtures/` whose extension is one of `extensions`, and
/// below the directories named in `GOUJI_EXCLUDE_DIRS` (colon-separated) when it is set, so a
/// comparison can be run over a larger corpus by hand. Unreadable files are skipped.
pub(crate) fn fixture_texts(extensions: &[&str]) -> Vec<String> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    if let Ok(extra) = std::env::var("GOUJI_EXCLUDE_DIRS") {
        dirs.extend(extra.split(':').map(PathBuf::from));
    }
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// Every string of `texts` with one character removed, at each position in turn: near misses of
/// what a matcher accepts, for comparing it with its regular expression.
pub(crate) fn one_character_removed(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|t| {
            t.char_indices()
                .map(|(i, c)| format!("{}{}", &t[..i], &t[i + c.len_utf8()..]))
        })
        .collect()
}
