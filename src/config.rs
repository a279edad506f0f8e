//! `gouji.toml`: discovery upward from the working directory and a two-phase load.
//!
//! Phase one deserialises the file into spanned raw structs (`deny_unknown_fields`: a typo is an
//! error with its line and column). Phase two validates every value and collects *all* problems
//! before giving up; rule references are checked later against the loaded registry
//! ([`Config::check_rules`]), because extra packs named in the file may define them. Positions are
//! made by [`PackProblem::at`], the helper rule packs use too. This module only reads the file: the
//! settings are applied to findings in one place, [`crate::policy`].

use crate::finding::Lang;
use crate::report::OutputFormat;
use crate::rules::pack::{LineStarts, PackProblem, MAX_PROBLEMS};
use crate::rules::Severity;
use clap::ValueEnum;
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// The configuration file name looked for.
pub const FILE_NAME: &str = "gouji.toml";

/// The commented starter file written by `gouji init`.
pub const STARTER: &str = include_str!("config_starter.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    per_path_ignores: Vec<RawPerPath>,
    #[serde(default)]
    packs: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    format: Option<Spanned<String>>,
    #[serde(default)]
    lang: Option<Spanned<String>>,
    #[serde(default)]
    baseline: Option<Spanned<String>>,
    #[serde(default)]
    require: Vec<Spanned<String>>,
    #[serde(default)]
    issuers: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    path: Spanned<String>,
    rules: Vec<Spanned<String>>,
}

/// Minimum severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings.
    Never,
}

/// What a gate requires of every file (`--require`, `require = [...]` in gouji.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Require {
    /// Every file must have a statistics table that was checked: a file with nothing checkable
    /// (coverage status `no-table`) fails the run (exit 1).
    Tables,
}

impl FailOn {
    /// The lowest severity that fails, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// A rule pattern (id, id prefix, rule name or `ALL`) with its byte span in the file.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    pub text: String,
    /// Where it is written.
    pub span: Range<usize>,
}

/// One `[[per-path-ignores]]` entry.
#[derive(Debug, Clone)]
pub struct PerPathIgnore {
    /// The glob as written.
    pub glob: String,
    /// The compiled glob.
    pub matcher: GlobMatcher,
    /// Rules ignored for matching paths.
    pub rules: Vec<Pattern>,
}

/// One `[issuers]` entry: reports under a path glob are by this body.
#[derive(Debug, Clone)]
pub struct IssuerPath {
    /// The glob as written.
    pub glob: String,
    /// The compiled glob.
    pub matcher: GlobMatcher,
    /// The issuing body, as written (it is normalised like issuers read from reports).
    pub issuer: String,
}

/// A validated `gouji.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file's name as shown in messages.
    pub name: String,
    /// The directory holding the file (relative paths in it are resolved against it).
    pub dir: PathBuf,
    /// `select`.
    pub select: Vec<Pattern>,
    /// `ignore`.
    pub ignore: Vec<Pattern>,
    /// `[severity]` overrides.
    pub severity: Vec<(Pattern, Severity)>,
    /// `[[per-path-ignores]]`.
    pub per_path_ignores: Vec<PerPathIgnore>,
    /// Extra packs, resolved against [`Config::dir`].
    pub packs: Vec<PathBuf>,
    /// `fail-on`.
    pub fail_on: Option<FailOn>,
    /// `format`.
    pub format: Option<OutputFormat>,
    /// `lang`.
    pub lang: Option<Lang>,
    /// `baseline`, resolved against [`Config::dir`].
    pub baseline: Option<PathBuf>,
    /// `require` (e.g. `["tables"]`).
    pub require: Vec<Require>,
    /// `[issuers]`: path globs → issuing body, for the rules across reports.
    pub issuers: Vec<IssuerPath>,
    src: Arc<String>,
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The file has problems (all of them are listed).
    #[error("configuration {path} is invalid ({} problem{}; each is shown below)", .problems.len(), if .problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help("run `gouji init` in an empty folder to see a commented example"))]
    Invalid {
        /// Path.
        path: String,
        /// Every problem found.
        #[related]
        problems: Vec<PackProblem>,
    },
    /// The file is valid TOML with bad values: what could be read, and the problems (so that
    /// its rule names can still be checked and every problem reported in one run).
    #[error("configuration {} is invalid ({} problem{}; each is shown below)", .config.name, .problems.len(), if .problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help("run `gouji init` in an empty folder to see a commented example"))]
    Partial {
        /// The values that could be read.
        config: Box<Config>,
        /// Every problem found.
        #[related]
        problems: Vec<PackProblem>,
    },
}

impl ConfigError {
    /// The problems, whichever kind of error this is (none for an I/O error).
    pub fn into_problems(self) -> Vec<PackProblem> {
        match self {
            ConfigError::Io { .. } => Vec::new(),
            ConfigError::Invalid { problems, .. } | ConfigError::Partial { problems, .. } => {
                problems
            }
        }
    }
}

/// Write the starter file into `dir`, refusing to overwrite an existing one.
pub fn init(dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::io::Write::write_all(&mut f, STARTER.as_bytes())?;
    Ok(path)
}

/// Find `gouji.toml` in `start` or the nearest ancestor that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

fn variants<T: ValueEnum>() -> String {
    T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

struct Problems {
    name: String,
    src: Arc<String>,
    lines: LineStarts,
    list: Vec<PackProblem>,
}

impl Problems {
    fn push(&mut self, span: Range<usize>, message: impl Into<String>) {
        if self.list.len() >= MAX_PROBLEMS {
            return;
        }
        self.list.push(PackProblem::at_indexed(
            &self.name,
            &self.src,
            &self.lines,
            span,
            message,
        ));
    }

    fn value_enum<T: ValueEnum>(&mut self, key: &str, v: &Option<Spanned<String>>) -> Option<T> {
        let v = v.as_ref()?;
        match T::from_str(v.get_ref(), true) {
            Ok(x) => Some(x),
            Err(_) => {
                self.push(
                    v.span(),
                    format!(
                        "unknown {key} `{}`; expected one of: {}",
                        v.get_ref(),
                        variants::<T>()
                    ),
                );
                None
            }
        }
    }
}

fn patterns(list: &[Spanned<String>]) -> Vec<Pattern> {
    list.iter()
        .map(|s| Pattern {
            text: s.get_ref().trim().to_string(),
            span: s.span(),
        })
        .filter(|p| !p.text.is_empty())
        .collect()
}

impl Config {
    /// Read and validate the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = crate::source::read_regular_to_string(path, crate::source::MAX_PACK_BYTES)
            .map_err(|source| ConfigError::Io {
                path: name.clone(),
                source,
            })?;
        let dir = path
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."));
        Config::parse(&name, &text, &dir)
    }

    /// Validate configuration text; `name` appears in every message, `dir` resolves paths.
    pub fn parse(name: &str, text: &str, dir: &Path) -> Result<Config, ConfigError> {
        let src = Arc::new(text.to_string());
        let mut p = Problems {
            name: name.to_string(),
            lines: LineStarts::new(&src),
            src: src.clone(),
            list: Vec::new(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                p.push(e.span().unwrap_or(0..0), e.message().to_string());
                return Err(ConfigError::Invalid {
                    path: name.to_string(),
                    problems: p.list,
                });
            }
        };
        let mut severity = Vec::new();
        for (k, v) in &raw.severity {
            match Severity::parse(v.get_ref()) {
                Some(s) => severity.push((
                    Pattern {
                        text: k.get_ref().trim().to_string(),
                        span: k.span(),
                    },
                    s,
                )),
                None => p.push(
                    v.span(),
                    format!(
                        "unknown severity `{}`; expected one of: error, warning, info",
                        v.get_ref()
                    ),
                ),
            }
        }
        let mut per_path_ignores = Vec::new();
        for e in &raw.per_path_ignores {
            match GlobBuilder::new(e.path.get_ref())
                .literal_separator(false)
                .build()
            {
                Ok(g) => per_path_ignores.push(PerPathIgnore {
                    glob: e.path.get_ref().clone(),
                    matcher: g.compile_matcher(),
                    rules: patterns(&e.rules),
                }),
                Err(err) => p.push(e.path.span(), format!("invalid glob: {}", err.kind())),
            }
        }
        let mut issuers = Vec::new();
        for (glob, issuer) in &raw.issuers {
            if issuer.get_ref().trim().is_empty() {
                p.push(issuer.span(), "an issuer must not be empty");
                continue;
            }
            match GlobBuilder::new(glob.get_ref())
                .literal_separator(false)
                .build()
            {
                Ok(g) => issuers.push(IssuerPath {
                    glob: glob.get_ref().clone(),
                    matcher: g.compile_matcher(),
                    issuer: issuer.get_ref().trim().to_string(),
                }),
                Err(err) => p.push(glob.span(), format!("invalid glob: {}", err.kind())),
            }
        }
        let fail_on = p.value_enum::<FailOn>("fail-on", &raw.fail_on);
        let format = p.value_enum::<OutputFormat>("format", &raw.format);
        let require: Vec<Require> = raw
            .require
            .iter()
            .filter_map(|r| p.value_enum::<Require>("require", &Some(r.clone())))
            .collect();
        let lang = match &raw.lang {
            None => None,
            Some(l) => match l.get_ref().as_str() {
                "zh" => Some(Lang::Zh),
                "en" => Some(Lang::En),
                other => {
                    p.push(
                        l.span(),
                        format!("unknown lang `{other}`; expected one of: zh, en"),
                    );
                    None
                }
            },
        };
        let config = Config {
            name: name.to_string(),
            dir: dir.to_path_buf(),
            select: patterns(&raw.select),
            ignore: patterns(&raw.ignore),
            severity,
            per_path_ignores,
            packs: raw.packs.iter().map(|s| dir.join(s.get_ref())).collect(),
            fail_on,
            format,
            lang,
            baseline: raw.baseline.as_ref().map(|b| dir.join(b.get_ref())),
            require,
            issuers,
            src,
        };
        if p.list.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Partial {
                config: Box::new(config),
                problems: p.list,
            })
        }
    }

    /// The issuer `[issuers]` gives for `path` (matched as given, relative to the folder of
    /// gouji.toml, and by file name); the longest matching glob wins.
    pub fn issuer_for(&self, path: &str) -> Option<&str> {
        if self.issuers.is_empty() {
            return None;
        }
        let given = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
        let mut candidates = vec![given];
        let abs = crate::finding::fingerprint::absolute(Path::new(path));
        if let Ok(rel) = abs.strip_prefix(crate::finding::fingerprint::absolute(&self.dir)) {
            candidates.push(rel.to_string_lossy().replace('\\', "/"));
        }
        if let Some(name) = Path::new(path).file_name() {
            candidates.push(name.to_string_lossy().into_owned());
        }
        self.issuers
            .iter()
            .filter(|e| candidates.iter().any(|c| e.matcher.is_match(c)))
            .max_by_key(|e| e.glob.len())
            .map(|e| e.issuer.as_str())
    }

    /// Every rule pattern written in the file (select, ignore, severity keys, per-path rules).
    pub fn rule_patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(k, _)| k))
            .chain(self.per_path_ignores.iter().flat_map(|e| e.rules.iter()))
    }

    /// A problem at `span` of this file.
    pub fn problem(&self, span: Range<usize>, message: impl Into<String>) -> PackProblem {
        PackProblem::at(&self.name, &self.src, span, message)
    }

    /// The error listing `problems` of this file.
    pub fn invalid(&self, problems: Vec<PackProblem>) -> ConfigError {
        ConfigError::Invalid {
            path: self.name.clone(),
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse("gouji.toml", text, Path::new("/proj"))
    }

    fn locations(e: ConfigError) -> Vec<String> {
        e.into_problems().into_iter().map(|p| p.location).collect()
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            r#"
select = ["F2019", "F2014"]
ignore = ["F2014-H"]
packs = ["packs/local.toml"]
fail-on = "warning"
format = "sarif"
lang = "en"
baseline = "gouji-baseline.json"

[severity]
"F2014-H-TRAIN" = "info"

[[per-path-ignores]]
path = "archive/**"
rules = ["F2014"]
"#,
        )
        .unwrap();
        assert_eq!(c.select.len(), 2);
        assert_eq!(c.ignore[0].text, "F2014-H");
        assert_eq!(c.severity[0].0.text, "F2014-H-TRAIN");
        assert_eq!(c.severity[0].1, Severity::Info);
        assert_eq!(c.packs, vec![PathBuf::from("/proj/packs/local.toml")]);
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.format, Some(OutputFormat::Sarif));
        assert_eq!(c.lang, Some(Lang::En));
        assert_eq!(c.baseline, Some(PathBuf::from("/proj/gouji-baseline.json")));
        assert!(c.per_path_ignores[0].matcher.is_match("archive/2019/a.txt"));
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let e = parse("select = []\n  selcet = [\"F2019\"]\n").unwrap_err();
        assert_eq!(locations(e), vec!["gouji.toml:2:3"]);
    }

    #[test]
    fn reports_every_bad_value_at_once() {
        let e = parse(
            "fail-on = \"sometimes\"\nformat = \"pdf\"\n[severity]\n\"F2019-T3-BAL\" = \"fatal\"\n",
        )
        .unwrap_err();
        let locs = locations(e);
        assert_eq!(locs.len(), 3, "{locs:?}");
        assert!(locs.contains(&"gouji.toml:1:11".to_string()));
        assert!(locs.contains(&"gouji.toml:4:18".to_string()));
    }

    #[test]
    fn character_columns_after_chinese_text() {
        let e = parse("# 注释\nselect = [\"a\"] ; x = 1\n").unwrap_err();
        assert_eq!(locations(e).len(), 1);
        let e = parse("ignore = [\"甲\", 3]\n").unwrap_err();
        assert_eq!(locations(e), vec!["gouji.toml:1:16"]);
    }

    #[test]
    fn starter_file_is_valid() {
        parse(STARTER).unwrap();
    }

    #[test]
    fn init_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = init(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), STARTER);
        let e = init(dir.path()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn discovers_upward() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(discover(&sub), None);
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&sub), Some(dir.path().join(FILE_NAME)));
    }
}
