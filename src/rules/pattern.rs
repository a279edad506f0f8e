//! A regular expression of a rule pack's prose specs, gated by the literals every match must
//! contain: a text holding none of them is refused without running (or even compiling) the
//! regex. The built-in packs' patterns are compiled on first use, so a report whose text never
//! passes a pattern's gate never pays for compiling it (compiling the prose patterns was a third
//! of a one-report run). A pattern of a pack loaded from a file is compiled at load, so a bad
//! one is reported there with regex's own message.

use super::gate::{Gate, Sketch};
use regex::{Captures, Regex};
use regex_syntax::hir::Hir;
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

pub use super::template::NUM;

/// [`NUM`], parsed once.
static NUM_HIR: LazyLock<Option<Hir>> =
    LazyLock::new(|| regex_syntax::Parser::new().parse(NUM).ok());

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
    /// The pattern as written (`{num}` not expanded).
    template: String,
    /// The pattern as compiled (`{num}` expanded).
    source: String,
    /// What a text must hold to match.
    gate: Gate,
    /// The regex, compiled at load or on first use.
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// The pattern written `template` (`{num}` standing for [`NUM`]): its gate is derived now,
    /// and it is compiled now or on first use. An invalid pattern gives regex's own error
    /// (compiled at once, whatever `when` says).
    pub(crate) fn new(template: &str, when: Compile) -> Result<Self, regex::Error> {
        let source = template.replace("{num}", NUM);
        // A built-in pattern's tree was built at build time (a test checks it is this one).
        let hir = super::builtin::hir(template).or_else(|| parse(template));
        if when == Compile::Now || hir.is_none() {
            let regex = Regex::new(&source)?;
            let gate = hir.as_ref().map(Gate::of).unwrap_or_default();
            return Ok(Pattern {
                template: template.to_string(),
                source,
                gate,
                regex: OnceLock::from(regex),
            });
        }
        Ok(Pattern {
            template: template.to_string(),
            gate: hir.as_ref().map(Gate::of).unwrap_or_default(),
            source,
            regex: OnceLock::new(),
        })
    }

    /// The compiled regex (compiled now if it was not yet).
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| deferred(&self.source))
    }

    /// The pattern as written in its pack (`{num}` not expanded).
    pub fn template(&self) -> &str {
        &self.template
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

    /// [`Pattern::admits`] for a text whose [`Sketch`] is known (fewer literal searches).
    pub fn admits_in(&self, haystack: &str, sketch: &Sketch<'_>) -> bool {
        self.gate.admits_in(haystack, sketch)
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

/// Deferred patterns compiled so far, by source: a pattern written in several specs (the same
/// fact read under two keys) is compiled once and shared (a `Regex` clone shares the compiled
/// program).
static DEFERRED: Mutex<Vec<(String, Regex)>> = Mutex::new(Vec::new());

/// The deferred pattern `source`, compiled (or the copy compiled for another spec).
fn deferred(source: &str) -> Regex {
    let done = |list: &[(String, Regex)]| {
        list.iter()
            .find(|(s, _)| s == source)
            .map(|(_, re)| re.clone())
    };
    if let Some(re) = done(&DEFERRED.lock().unwrap_or_else(PoisonError::into_inner)) {
        return re;
    }
    // Compiled without the lock held, so threads compile different patterns at once.
    // Only built-in patterns are deferred, and a test compiles every one of them.
    let re = Regex::new(source).expect("built-in prose pattern compiles");
    let mut list = DEFERRED.lock().unwrap_or_else(PoisonError::into_inner);
    match done(&list) {
        Some(first) => first,
        None => {
            list.push((source.to_string(), re.clone()));
            re
        }
    }
}

/// A copy of [`NUM`]'s syntax tree (`None`: it does not parse, which a test rules out).
pub(crate) fn num_hir() -> Option<Hir> {
    NUM_HIR.clone()
}

/// The syntax tree of `template` with `{num}` expanded (`None`: it does not parse).
pub(crate) fn parse(template: &str) -> Option<Hir> {
    if !template.contains("{num}") {
        return regex_syntax::Parser::new().parse(template).ok();
    }
    super::template::parse_with(template, NUM_HIR.as_ref()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two specs with the same deferred pattern compile it once, and both answer as it does.
    #[test]
    fn a_pattern_written_twice_is_compiled_once() {
        let template = "测试共享(甲|乙){num}件";
        let a = Pattern::new(template, Compile::Deferred).expect("pattern");
        let b = Pattern::new(template, Compile::Deferred).expect("pattern");
        assert!(a.is_match("测试共享甲12件") && b.is_match("测试共享乙三件"));
        assert!(!b.is_match("测试共享丙12件"));
        let list = DEFERRED.lock().unwrap_or_else(PoisonError::into_inner);
        let copies = list.iter().filter(|(s, _)| s == a.as_str()).count();
        assert_eq!(copies, 1);
    }

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
            let gated = Pattern::new(p, Compile::Deferred).expect("valid");
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

    /// `{num}` spliced in gives the tree of the pattern written out, as far as a gate sees.
    #[test]
    fn the_spliced_tree_has_the_gate_of_the_written_out_one() {
        for t in [
            "当面(提出)?申请(的)?(为|有)?(共)?{num}",
            "{num}件?[^，。；,;]{0,6}(全部|均已|均)(按时)?办结",
            "(开展|举办|组织)(了)?{num}(期|次|个|场)[^，。；,;]{0,8}培训",
            "(参训|接受培训(人员)?){num}",
        ] {
            let full = regex_syntax::Parser::new()
                .parse(&t.replace("{num}", NUM))
                .expect("valid");
            let spliced = parse(t).expect("valid");
            assert_eq!(
                format!("{:?}", Gate::of(&spliced)),
                format!("{:?}", Gate::of(&full)),
                "{t}"
            );
            assert_eq!(
                spliced.properties().minimum_len(),
                full.properties().minimum_len()
            );
        }
    }

    #[test]
    fn a_text_the_gate_refuses_leaves_the_regex_uncompiled() {
        let p = Pattern::new("回应公众关注[0-9]+", Compile::Deferred).expect("valid");
        assert!(!p.is_match("没有相关内容"));
        assert!(p.regex.get().is_none());
        assert!(p.is_match("回应公众关注12"));
        assert!(p.regex.get().is_some());
    }

    #[test]
    fn an_invalid_pattern_gives_regex_own_error_even_deferred() {
        let bad = String::from("(");
        let deferred = Pattern::new(&bad, Compile::Deferred).map(|_| ());
        let now = Regex::new(&bad).map(|_| ());
        assert_eq!(
            deferred.map_err(|e| e.to_string()),
            now.map_err(|e| e.to_string())
        );
    }
}
