//! A regular expression of a rule pack's prose specs, gated by the literals every match must
//! contain: a text holding none of them is refused without running (or even compiling) the
//! regex. The built-in packs' patterns are compiled on first use, so a report whose text never
//! passes a pattern's gate never pays for compiling it (compiling the prose patterns was a third
//! of a one-report run). A pattern of a pack loaded from a file is compiled at load, so a bad
//! one is reported there with regex's own message.

use super::gate::Gate;
use regex::{Captures, Regex};
use std::sync::OnceLock;

/// When a pattern is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compile {
    /// At load: its errors are reported as regex reports them (packs loaded from files).
    Now,
    /// On first use, after a syntax check at load (the built-in packs, whose patterns a test
    /// compiles).
    Deferred,
}

/// A pack's regular expression with its literal gate.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as compiled (`{num}` expanded).
    source: String,
    /// What a text must hold to match.
    gate: Gate,
    /// The regex, compiled at load or on first use.
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// Parse `source` and derive its gate; compile it now or on first use. An invalid pattern
    /// gives regex's own error (compiled at once, whatever `when` says).
    pub(crate) fn new(source: String, when: Compile) -> Result<Self, regex::Error> {
        let hir = regex_syntax::Parser::new().parse(&source).ok();
        if when == Compile::Now || hir.is_none() {
            let regex = Regex::new(&source)?;
            let gate = hir.as_ref().map(Gate::of).unwrap_or_default();
            return Ok(Pattern {
                source,
                gate,
                regex: OnceLock::from(regex),
            });
        }
        Ok(Pattern {
            gate: hir.as_ref().map(Gate::of).unwrap_or_default(),
            source,
            regex: OnceLock::new(),
        })
    }

    /// The compiled regex (compiled now if it was not yet).
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // Only built-in patterns are deferred, and a test compiles every one of them.
            Regex::new(&self.source).expect("built-in prose pattern compiles")
        })
    }

    /// The pattern as compiled.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Could `haystack` hold a match? False only when it lacks what every match holds.
    pub fn admits(&self, haystack: &str) -> bool {
        self.gate.admits(haystack)
    }

    /// [`Regex::is_match`], refusing at once a text the gate excludes.
    pub fn is_match(&self, haystack: &str) -> bool {
        self.admits(haystack) && self.regex().is_match(haystack)
    }

    /// [`Regex::captures`], refusing at once a text the gate excludes.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        if !self.admits(haystack) {
            return None;
        }
        self.regex().captures(haystack)
    }

    /// [`Regex::captures_iter`], empty at once for a text the gate excludes.
    pub fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h str,
    ) -> impl Iterator<Item = Captures<'h>> + use<'r, 'h> {
        self.admits(haystack)
            .then(|| self.regex().captures_iter(haystack))
            .into_iter()
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gated_pattern_answers_as_its_regex() {
        let texts = [
            "全年共收到政府信息公开申请12件",
            "收到申请3件，不予公开1件",
            "共收到申请",
            "没有任何数字",
            "",
        ];
        for p in [
            "(^|[^共])(收到|接到)(的)?申请(共)?(?P<num>[0-9]+)",
            "(未收到|没有收到|收到)[^。]{0,10}申请",
            "[0-9]+件?",
        ] {
            let gated = Pattern::new(p.to_string(), Compile::Deferred).expect("valid");
            let plain = Regex::new(p).expect("valid");
            for t in texts {
                assert_eq!(gated.is_match(t), plain.is_match(t), "{p} on {t}");
                let a: Vec<String> = gated.captures_iter(t).map(|c| c[0].to_string()).collect();
                let b: Vec<String> = plain.captures_iter(t).map(|c| c[0].to_string()).collect();
                assert_eq!(a, b, "{p} on {t}");
                assert_eq!(
                    gated.captures(t).map(|c| c[0].to_string()),
                    plain.captures(t).map(|c| c[0].to_string())
                );
            }
        }
    }

    #[test]
    fn a_text_the_gate_refuses_leaves_the_regex_uncompiled() {
        let p = Pattern::new("回应公众关注[0-9]+".into(), Compile::Deferred).expect("valid");
        assert!(!p.is_match("没有相关内容"));
        assert!(p.regex.get().is_none());
        assert!(p.is_match("回应公众关注12"));
        assert!(p.regex.get().is_some());
    }

    #[test]
    fn an_invalid_pattern_gives_regex_own_error_even_deferred() {
        let bad = String::from("(");
        let deferred = Pattern::new(bad.clone(), Compile::Deferred).map(|_| ());
        let now = Regex::new(&bad).map(|_| ());
        assert_eq!(
            deferred.map_err(|e| e.to_string()),
            now.map_err(|e| e.to_string())
        );
    }
}
