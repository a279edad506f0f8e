//! The registry of loaded packs: built-in packs compiled into the binary plus packs loaded from
//! paths. Rule ids are unique across all packs.

use super::pack::{compile_builtin, compile_in, CompiledPack, PackError, Rule, TableDef};
use crate::extract::label::fold;
use rustc_hash::FxHashMap;

/// The packs compiled into the binary: (file name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("f2021.toml", include_str!("../../rules/f2021.toml")),
    ("f2019.toml", include_str!("../../rules/f2019.toml")),
    ("f2014.toml", include_str!("../../rules/f2014.toml")),
    ("zj2013.toml", include_str!("../../rules/zj2013.toml")),
    ("p2008.toml", include_str!("../../rules/p2008.toml")),
    ("fj2014.toml", include_str!("../../rules/fj2014.toml")),
    ("fj-simple.toml", include_str!("../../rules/fj-simple.toml")),
    ("prose.toml", include_str!("../../rules/prose.toml")),
    ("gouji.toml", include_str!("../../rules/gouji.toml")),
];

/// The built-in packs compiled side by side on up to four threads (no pack depends on another:
/// each is compiled on its own), in the order of [`BUILTIN`]. Compiling them is most of what a
/// one-report run does, so this shortens its wall time; the result is the same as compiling
/// them one after the other.
fn compile_builtins() -> Vec<Result<CompiledPack, PackError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};
    let compile =
        |(name, text): &(&str, &str)| compile_builtin(&format!("rules/{name}"), name, text, &[]);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(BUILTIN.len());
    if workers <= 1 {
        return BUILTIN.iter().map(compile).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<CompiledPack, PackError>>>> =
        BUILTIN.iter().map(|_| Mutex::new(None)).collect();
    // The longest packs first, so that no long one is left to the end for one thread alone.
    let mut order: Vec<usize> = (0..BUILTIN.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(BUILTIN[i].1.len()));
    let work = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let pack = compile(&BUILTIN[i]);
            *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(pack);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    // Every slot is filled: the scope has joined every worker, and a worker's panic would have
    // been propagated by the scope before this point.
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

/// All loaded packs.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Packs in load order.
    pub packs: Vec<CompiledPack>,
    /// What the rules across reports read (kept from each report; see `crate::across`).
    pub cross_needs: crate::across::Needs,
    /// Load-time warnings about packs loaded from files (tables that compete with, or claim the
    /// same tables as, another pack's), each naming both packs.
    pub warnings: Vec<String>,
}

/// A rule id defined twice.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("rule id `{id}` is defined by both {first} and {second}")]
pub struct DuplicateRule {
    /// The id.
    pub id: String,
    /// First pack file.
    pub first: String,
    /// Second pack file.
    pub second: String,
}

/// Errors while building the registry.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RegistryError {
    /// A pack failed to load.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(#[from] PackError),
    /// Two packs define the same rule id.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Duplicate(#[from] DuplicateRule),
}

impl Registry {
    /// The built-in packs.
    pub fn builtin() -> Result<Self, RegistryError> {
        let mut reg = Registry::default();
        // The rule ids seen so far, with the file of the last pack defining each: as
        // `Registry::push` finds them, gathered once for all the packs.
        let mut seen: FxHashMap<String, String> = FxHashMap::default();
        for pack in compile_builtins() {
            let pack = pack?;
            if let Some(dup) = duplicate(&seen, &pack) {
                return Err(dup.into());
            }
            for r in &pack.rules {
                seen.insert(r.id.clone(), pack.source_name.clone());
            }
            reg.push_checked(pack);
        }
        // What the rules across reports read, once all are in.
        reg.cross_needs = crate::across::Needs::of(&reg);
        Ok(reg)
    }

    /// Load a pack file from disk and add it.
    pub fn load_file(&mut self, path: &std::path::Path) -> Result<(), RegistryError> {
        let name = path.display().to_string();
        let text = crate::source::read_regular_to_string(path, crate::source::MAX_PACK_BYTES)
            .map_err(|source| PackError::Io {
                path: name.clone(),
                source,
            })?;
        let pack = compile_in(&name, &text, &self.packs)?;
        self.warnings.extend(self.conflicts(&pack));
        self.add(pack)
    }

    /// Tables of `pack` that another loaded pack's table competes with: the same id (only one
    /// of them is read from a report carrying both signatures, and the other's rules do not run
    /// there), or signatures that claim the other's table (both read it).
    fn conflicts(&self, pack: &CompiledPack) -> Vec<String> {
        let mut out = Vec::new();
        for t in &pack.tables {
            let mine = synthetic_text(t);
            for o in &self.packs {
                for ot in &o.tables {
                    let here = format!("{}:{}", pack.source_name, t.line);
                    let there = format!("{}:{}", o.source_name, ot.line);
                    if ot.id == t.id {
                        out.push(format!(
                            "table `{}` of pack {} ({here}) has the same id as table `{}` of pack {} ({there}): on a report carrying both signatures only one is read (the higher priority: {} {} vs {} {}), and the other's rules do not run there. To add rules to {}'s table write `table = \"{}.{}\"`; to add rows, `[[extend]] table = \"{}.{}\"`; for a table of your own, give it another id",
                            t.id, pack.id, ot.id, o.id, pack.id, pack.priority, o.id, o.priority, o.id, o.id, ot.id, o.id, ot.id
                        ));
                    } else if t.detect.matches(&synthetic_text(ot)) || ot.detect.matches(&mine) {
                        out.push(format!(
                            "the signatures of table `{}` of pack {} ({here}) also claim table `{}` ({}) of pack {} ({there}): a table of a report may be read by both, and both packs' rules run on it. To add rules to that table write `table = \"{}.{}\"` instead of a table of your own",
                            t.id, pack.id, ot.id, ot.short, o.id, o.id, ot.id
                        ));
                    }
                }
            }
        }
        out
    }

    /// Add a compiled pack, refusing duplicate rule ids.
    pub fn add(&mut self, pack: CompiledPack) -> Result<(), RegistryError> {
        self.push(pack)?;
        self.cross_needs = crate::across::Needs::of(self);
        Ok(())
    }

    /// [`Registry::add`] without updating [`Registry::cross_needs`].
    fn push(&mut self, pack: CompiledPack) -> Result<(), RegistryError> {
        let mut seen: FxHashMap<&str, &str> = FxHashMap::default();
        for p in &self.packs {
            for r in &p.rules {
                seen.insert(&r.id, &p.source_name);
            }
        }
        if let Some(dup) = duplicate(&seen, &pack) {
            return Err(dup.into());
        }
        self.push_checked(pack);
        Ok(())
    }

    /// [`Registry::push`] of a pack whose rule ids are known to be new.
    fn push_checked(&mut self, pack: CompiledPack) {
        for x in &pack.extends {
            if let Some(t) = self
                .packs
                .iter_mut()
                .rev()
                .find(|p| p.id == x.pack)
                .and_then(|p| p.tables.iter_mut().find(|t| t.id == x.table))
            {
                *t = x.def.clone();
            }
        }
        self.packs.push(pack);
    }

    /// Every prose pattern of the registry's packs (for tests).
    #[cfg(test)]
    pub(crate) fn prose_patterns(&self) -> Vec<&crate::rules::pattern::Pattern> {
        let mut out = Vec::new();
        for pack in &self.packs {
            let p = &pack.prose;
            let patterns = p
                .shares
                .iter()
                .map(|s| &s.label)
                .chain(p.changes.iter().map(|c| &c.label))
                .chain(
                    p.facts
                        .iter()
                        .flat_map(|f| std::iter::once(&f.pattern).chain(&f.or_with)),
                )
                .chain(
                    p.statuses
                        .iter()
                        .flat_map(|s| std::iter::once(&s.pattern).chain(&s.rate_label)),
                );
            out.extend(patterns);
        }
        out
    }

    /// The table `table` of pack `pack`.
    pub fn table(&self, pack: &str, table: &str) -> Option<&TableDef> {
        self.packs
            .iter()
            .find(|p| p.id == pack)
            .and_then(|p| p.table(table))
    }

    /// Every rule that reads table `table` of pack `pack`, whichever pack defines it.
    pub fn rules_of<'a>(
        &'a self,
        pack: &'a str,
        table: &'a str,
    ) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules()
            .map(|(_, r)| r)
            .filter(move |r| r.reads(pack, table))
    }

    /// Every rule with its pack.
    pub fn rules(&self) -> impl Iterator<Item = (&CompiledPack, &Rule)> {
        self.packs
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
    }

    /// Find a rule by id (case-insensitive), or else by its name.
    pub fn rule(&self, id: &str) -> Option<(&CompiledPack, &Rule)> {
        self.rules()
            .find(|(_, r)| r.id.eq_ignore_ascii_case(id))
            .or_else(|| self.rules().find(|(_, r)| r.name == id))
    }
}

/// The first rule of `pack` whose id is in `seen` (id -> file of the pack defining it).
fn duplicate<K, V>(seen: &FxHashMap<K, V>, pack: &CompiledPack) -> Option<DuplicateRule>
where
    K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
    V: AsRef<str>,
{
    pack.rules.iter().find_map(|r| {
        seen.get(r.id.as_str()).map(|first| DuplicateRule {
            id: r.id.clone(),
            first: first.as_ref().to_string(),
            second: pack.source_name.clone(),
        })
    })
}

/// The text a table prints, as well as its definition tells: title, short name, row labels and
/// aliases, column labels (folded as detection folds a document's text).
fn synthetic_text(t: &TableDef) -> String {
    let mut s = String::new();
    for part in [&t.title, &t.short] {
        s.push_str(part);
        s.push('\n');
    }
    for r in &t.rows {
        s.push_str(&r.label);
        s.push('\n');
        for l in &r.match_labels {
            s.push_str(l);
            s.push('\n');
        }
    }
    for c in &t.columns {
        s.push_str(&c.label);
        s.push('\n');
    }
    fold(&s)
}

#[cfg(test)]
mod tests {
    use super::Registry;

    /// The built-in packs' prose patterns are compiled on first use only: every one must
    /// compile.
    #[test]
    fn every_builtin_prose_pattern_compiles() {
        let reg = Registry::builtin().expect("built-in packs");
        let patterns = reg.prose_patterns();
        for pattern in &patterns {
            assert!(
                regex::Regex::new(pattern.as_str()).is_ok(),
                "{}",
                pattern.as_str()
            );
            // And the deferred compilation gives the same regex.
            assert_eq!(pattern.regex().as_str(), pattern.as_str());
        }
        assert!(patterns.len() > 50, "{} patterns", patterns.len());
    }

    /// A pattern's gate never refuses a text its regex matches: every built-in pattern over
    /// every line, and every whole text, of the text fixtures.
    #[test]
    fn no_gate_refuses_a_fixture_line_its_regex_matches() {
        let reg = Registry::builtin().expect("built-in packs");
        let patterns = reg.prose_patterns();
        let texts = crate::test_fixtures::fixture_texts(&["txt"]);
        assert!(texts.len() > 20, "{} fixtures", texts.len());
        let mut matched = 0;
        for p in &patterns {
            let re = p.regex();
            for text in &texts {
                for piece in text.lines().chain([text.as_str()]) {
                    if re.is_match(piece) {
                        matched += 1;
                        assert!(p.admits(piece), "{} refused {piece}", p.as_str());
                    }
                }
            }
        }
        assert!(matched > 100, "{matched} matches");
    }
}
