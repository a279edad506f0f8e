//! The one chokepoint between check and render: rule selection, per-path ignores, severity
//! overrides and the baseline are applied here to the finished [`FileReport`]s, never inside
//! rules or renderers.
//!
//! The same selection also serves as the engine's [`RuleFilter`], so rules nobody asked for
//! are not evaluated at all; [`Policy::apply`] applies it again to findings, which keeps the
//! decision in one predicate.

use crate::baseline::{Baseline, BaselineOutcome};
use crate::check::RuleFilter;
use crate::config::{Config, ConfigError};
pub use crate::config::{FailOn, Require};
use crate::finding::fingerprint::absolute;
use crate::pipeline::FileReport;
use crate::rules::{Registry, Rule, Severity};
use globset::GlobMatcher;
use std::path::{Path, PathBuf};

/// Does a pattern (id, id prefix up to a `-`, rule name or `ALL`; case-insensitive) name a rule?
pub fn pattern_matches(pattern: &str, id: &str, name: &str) -> bool {
    let p = pattern.trim().to_ascii_uppercase();
    let id = id.to_ascii_uppercase();
    p == "ALL"
        || id == p
        || (id.starts_with(&p) && id[p.len()..].starts_with('-'))
        || name.eq_ignore_ascii_case(&p)
}

/// Everything that decides which findings are shown and how severe they are.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    select: Vec<String>,
    ignore: Vec<String>,
    severity: Vec<(String, Severity)>,
    per_path: Vec<(GlobMatcher, Vec<String>)>,
    root: Option<PathBuf>,
}

impl Policy {
    /// A policy from command-line lists and an optional config. Non-empty command-line
    /// `select`/`ignore` lists replace the config's.
    pub fn new(select: &[String], ignore: &[String], config: Option<&Config>) -> Self {
        let texts = |v: &[crate::config::Pattern]| v.iter().map(|p| p.text.clone()).collect();
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut p = Policy {
            select: clean(select),
            ignore: clean(ignore),
            ..Policy::default()
        };
        if let Some(c) = config {
            if p.select.is_empty() {
                p.select = texts(&c.select);
            }
            if p.ignore.is_empty() {
                p.ignore = texts(&c.ignore);
            }
            p.severity = c
                .severity
                .iter()
                .map(|(k, s)| (k.text.clone(), *s))
                .collect();
            p.per_path = c
                .per_path_ignores
                .iter()
                .map(|e| (e.matcher.clone(), texts(&e.rules)))
                .collect();
            p.root = Some(absolute(&c.dir));
        }
        p
    }

    /// Patterns given to `select` and `ignore`, for "matches nothing" warnings.
    pub fn patterns(&self) -> impl Iterator<Item = &String> {
        self.select.iter().chain(&self.ignore)
    }

    /// Is the rule selected (independently of the file)?
    pub fn selected(&self, id: &str, name: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| pattern_matches(p, id, name)))
            && !self.ignore.iter().any(|p| pattern_matches(p, id, name))
    }

    /// The overridden severity of a rule, if any (the longest matching pattern wins).
    pub fn severity(&self, id: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(p, _)| pattern_matches(p, id, name))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, s)| *s)
    }

    fn path_ignores(&self, path: &str) -> Vec<&str> {
        if self.per_path.is_empty() {
            return Vec::new();
        }
        let given = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
        let mut candidates = vec![given];
        if let Some(root) = &self.root {
            if let Ok(rel) = absolute(Path::new(path)).strip_prefix(root) {
                candidates.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        if let Some(name) = Path::new(path).file_name() {
            candidates.push(name.to_string_lossy().into_owned());
        }
        self.per_path
            .iter()
            .filter(|(g, _)| candidates.iter().any(|c| g.is_match(c)))
            .flat_map(|(_, rules)| rules.iter().map(String::as_str))
            .collect()
    }

    /// Apply the policy, then the baseline, to every report: the single place where findings
    /// are dropped or re-graded.
    pub fn apply(
        &self,
        reports: &mut [FileReport],
        baseline: Option<&Baseline>,
    ) -> Option<BaselineOutcome> {
        for r in reports.iter_mut() {
            let ignored = self.path_ignores(&r.path);
            r.findings.retain(|f| {
                self.selected(&f.rule, &f.rule_name)
                    && !ignored
                        .iter()
                        .any(|p| pattern_matches(p, &f.rule, &f.rule_name))
            });
            for f in &mut r.findings {
                if let Some(s) = self.severity(&f.rule, &f.rule_name) {
                    f.severity = s;
                }
            }
        }
        baseline.map(|b| b.apply(reports))
    }
}

/// Check that every rule pattern of `config` names at least one rule of `registry`; a pattern
/// that names none gets a did-you-mean when a rule id or name is close.
pub fn check_config_rules(config: &Config, registry: &Registry) -> Result<(), ConfigError> {
    let problems: Vec<_> = config
        .rule_patterns()
        .filter(|pat| {
            !registry
                .rules()
                .any(|(_, r)| pattern_matches(&pat.text, &r.id, &r.name))
        })
        .map(|pat| config.problem(pat.span.clone(), unknown_rule_message(&pat.text, registry)))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(config.invalid(problems))
    }
}

/// `no rule matches `X``, with the closest rule ids, names or id prefixes when one is close.
pub fn unknown_rule_message(pattern: &str, registry: &Registry) -> String {
    let mut msg = format!("no rule matches `{pattern}`");
    let near = did_you_mean(pattern, registry);
    if near.is_empty() {
        msg.push_str(" (see `gouji rules`)");
    } else {
        msg.push_str(&format!(
            "; did you mean {}?",
            near.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    msg
}

/// Rule ids, id prefixes and names close to `pattern` (edit distance, case-insensitive), best
/// first, at most three.
pub fn did_you_mean(pattern: &str, registry: &Registry) -> Vec<String> {
    let p = pattern.trim().to_ascii_uppercase();
    let mut names: Vec<String> = Vec::new();
    for (pack, r) in registry.rules() {
        names.push(r.id.clone());
        names.push(r.name.clone());
        names.push(pack.id.clone());
        let parts: Vec<&str> = r.id.split('-').collect();
        for i in 1..parts.len() {
            names.push(parts[..i].join("-"));
        }
    }
    names.sort();
    names.dedup();
    let limit = (p.chars().count() / 3).clamp(1, 4);
    let mut scored: Vec<(usize, String)> = names
        .into_iter()
        .map(|n| (levenshtein(&p, &n.to_ascii_uppercase()), n))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    let best = scored.first().map(|s| s.0);
    scored
        .into_iter()
        .filter(|s| Some(s.0) == best)
        .take(3)
        .map(|(_, n)| n)
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl RuleFilter for Policy {
    fn enabled(&self, rule: &Rule) -> bool {
        self.selected(&rule.id, &rule.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_ids_prefixes_and_names() {
        assert!(pattern_matches("F2019", "F2019-T3-BAL", "x"));
        assert!(pattern_matches("f2019-t3", "F2019-T3-BAL", "x"));
        assert!(!pattern_matches("F2019-T3-B", "F2019-T3-BAL", "x"));
        assert!(pattern_matches(
            "applications-do-not-balance",
            "F",
            "applications-do-not-balance"
        ));
        assert!(pattern_matches("ALL", "F2019-T3-BAL", "x"));
    }

    #[test]
    fn unknown_rule_references_are_errors_with_suggestions() {
        let reg = Registry::builtin().unwrap();
        let c = Config::parse(
            "gouji.toml",
            "select = [\"F2019\"]\n[severity]\n\"F2019-T3-BLA\" = \"info\"\n",
            Path::new("/proj"),
        )
        .unwrap();
        let problems = check_config_rules(&c, &reg).unwrap_err().into_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location, "gouji.toml:3:1");
        assert!(
            problems[0].message.contains("did you mean `F2019-T3-BAL`"),
            "{}",
            problems[0].message
        );
        let starter = Config::parse("gouji.toml", crate::config::STARTER, Path::new(".")).unwrap();
        check_config_rules(&starter, &reg).unwrap();
    }

    #[test]
    fn longest_severity_pattern_wins() {
        let p = Policy {
            severity: vec![
                ("F2014".into(), Severity::Warning),
                ("F2014-H-TRAIN".into(), Severity::Info),
            ],
            ..Policy::default()
        };
        assert_eq!(p.severity("F2014-H-TRAIN", "n"), Some(Severity::Info));
        assert_eq!(p.severity("F2014-H-X", "n"), Some(Severity::Warning));
        assert_eq!(p.severity("F2019-T3", "n"), None);
    }

    #[test]
    fn cli_lists_replace_config_lists() {
        let c = Config::parse(
            "gouji.toml",
            "select = [\"F2019\"]\nignore = [\"F2021\"]",
            Path::new("."),
        )
        .unwrap();
        let p = Policy::new(&["F2014".into()], &[], Some(&c));
        assert!(p.selected("F2014-H-TRAIN", "n"));
        assert!(!p.selected("F2019-T3-BAL", "n"));
        assert!(!p.selected("F2021-T3-BAL", "n"));
    }

    #[test]
    fn per_path_globs_match_relative_paths_and_names() {
        let c = Config::parse(
            "gouji.toml",
            "[[per-path-ignores]]\npath = \"archive/**\"\nrules = [\"F2014\"]\n[[per-path-ignores]]\npath = \"seed_001.txt\"\nrules = [\"F2019\"]\n",
            Path::new("/proj"),
        )
        .unwrap();
        let p = Policy::new(&[], &[], Some(&c));
        assert_eq!(p.path_ignores("/proj/archive/2019/a.txt"), vec!["F2014"]);
        assert_eq!(p.path_ignores("archive/a.txt"), vec!["F2014"]);
        assert_eq!(p.path_ignores("x/seed_001.txt"), vec!["F2019"]);
        assert!(p.path_ignores("/proj/current/a.txt").is_empty());
    }
}
