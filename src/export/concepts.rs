//! The figures comparable across forms: each `[[table.concept]]` of a pack names one figure of
//! its table (`apply.new[total]` of 表三, `apply.total[year]` of the Fujian table), and
//! `gouji extract` writes the concept key next to that fact's own keys. A concept the form
//! gives only as a sum of cells (表三's 不予公开, the lawsuits of 表四) gets a row of its own.

use crate::check::eval::{eval, Scope};
use crate::extract::{Fact, TableInstance};
use crate::rules::expr::Expr;
use crate::rules::pack::{ForEach, TableDef};

/// A concept computed from several cells of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Computed {
    /// Concept key.
    pub concept: String,
    /// The pack's name for the figure: a computed row's key (`apply.result.denied`), or the
    /// expression when it is not one.
    pub row_key: String,
    /// Label of the computed row, or the labels of the cells summed.
    pub row_label: String,
    /// Column key of a computed row.
    pub column_key: String,
    /// Column label of a computed row.
    pub column_label: String,
    /// The value (empty when every cell summed is blank).
    pub value: String,
    /// Unit the form fixes for the first cell summed, or the one printed there.
    pub unit: Option<String>,
    /// Where the first cell summed is printed (bytes into the view).
    pub span_start: usize,
    /// Locator of the first cell summed.
    pub locator: Option<String>,
    /// `computed`.
    pub read: &'static str,
}

/// The concepts of one table instance: those that are one fact (with that fact), and those
/// computed from several. A concept whose cells the report does not print is left out.
pub(super) fn of<'a>(
    def: &'a TableDef,
    t: &'a TableInstance,
) -> (Vec<(&'a Fact, String)>, Vec<Computed>) {
    let mut named = Vec::new();
    let mut computed = Vec::new();
    let scope = Scope {
        def,
        table: t,
        mode: ForEach::Once,
        column: None,
        row: None,
        cell: None,
        explain: false,
        index: None,
    };
    for c in &def.concepts {
        let Ok(v) = eval(&scope, &c.expr, 0) else {
            continue;
        };
        let Some(first) = v.facts.first().copied() else {
            continue;
        };
        if v.is_single_fact() {
            named.push((first, c.key.clone()));
            continue;
        }
        let (row_key, row_label, column_key, column_label) = match &c.expr {
            Expr::Name(n) if !n.glob => {
                let row = def.virtuals.iter().find(|x| x.key == n.name);
                let column = n.column.clone().unwrap_or_default();
                let column_label = def
                    .column(&column)
                    .map(|col| col.label.to_string())
                    .unwrap_or_default();
                (
                    n.name.clone(),
                    row.map(|x| x.label.clone()).unwrap_or_default(),
                    column,
                    column_label,
                )
            }
            _ => {
                let labels: Vec<String> = v.facts.iter().map(|f| f.label()).collect();
                (
                    c.source.clone(),
                    labels.join(" + "),
                    String::new(),
                    String::new(),
                )
            }
        };
        computed.push(Computed {
            concept: c.key.clone(),
            row_key,
            row_label,
            column_key,
            column_label,
            value: if v.all_blank() {
                String::new()
            } else {
                v.num.normalize().to_string()
            },
            unit: def
                .unit_of(&first.row, &first.column)
                .map(str::to_string)
                .or_else(|| first.provenance.unit.as_deref().map(str::to_string)),
            span_start: first.provenance.span.start,
            locator: first.provenance.locator.as_deref().map(String::from),
            read: "computed",
        });
    }
    (named, computed)
}

#[cfg(test)]
mod tests {
    use crate::rules::pack::{compile, PackError};
    use crate::rules::Registry;
    use std::collections::BTreeMap;

    const PACK: &str = r#"
[pack]
id = "T"
name = "test"

[[table]]
id = "t"
title = "t"
unit = "件"
detect = { any = ["x"] }
columns = [{ key = "a", label = "A" }, { key = "b", label = "B", unit = "项" }]

[[table.row]]
key = "r"
label = "R"

[[table.row]]
key = "s"
label = "S"
unit = "万元"

[[table.concept]]
key = "things.counted"
expr = "r[a]"
"#;

    #[test]
    fn units_go_from_row_to_column_to_table() {
        let p = compile("t.toml", PACK).expect("pack");
        let t = &p.tables[0];
        assert_eq!(t.unit_of("r", "a"), Some("件"));
        assert_eq!(t.unit_of("r", "b"), Some("项"));
        assert_eq!(t.unit_of("s", "b"), Some("万元"));
        assert_eq!(t.concepts[0].key, "things.counted");
    }

    #[test]
    fn a_bad_concept_is_refused_with_its_place() {
        for (expr, key, says) in [
            ("r[c]", "things.counted", "unknown name `r[c]`"),
            ("prev.r[a]", "things.counted", "no `prev.`"),
            ("r[a]", "Things counted", "lowercase ASCII words"),
        ] {
            let text = PACK
                .replace(r#"expr = "r[a]""#, &format!(r#"expr = "{expr}""#))
                .replace(r#"key = "things.counted""#, &format!(r#"key = "{key}""#));
            let Err(PackError::Invalid { problems, .. }) = compile("t.toml", &text) else {
                panic!("{expr} accepted");
            };
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].message.contains(says), "{problems:?}");
            // Pointing into the concept's line.
            let line = if key.contains(' ') {
                "key = "
            } else {
                "expr = "
            };
            let at: usize = problems[0]
                .location
                .split(':')
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                text.lines().nth(at - 1).unwrap().starts_with(line),
                "{problems:?}"
            );
        }
    }

    /// A concept is a crosswalk: every concept key of the built-in packs names the same figure
    /// in at least two forms (a key found in one pack only is a typo or not comparable).
    #[test]
    fn every_builtin_concept_is_shared_by_two_forms() {
        let reg = Registry::builtin().expect("builtin packs");
        let mut packs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in &reg.packs {
            for t in &p.tables {
                for c in &t.concepts {
                    packs.entry(c.key.as_str()).or_default().push(p.id.as_str());
                }
            }
        }
        assert!(packs.len() >= 10, "{packs:?}");
        for (concept, in_packs) in &packs {
            assert!(in_packs.len() >= 2, "{concept} only in {in_packs:?}");
            let mut unique = in_packs.clone();
            unique.dedup();
            assert_eq!(&unique, in_packs, "{concept} twice in one pack");
        }
        // The figures the 2019 and 2021 forms carry over between years.
        let mut carried = packs["applications.carried_over"].clone();
        carried.sort_unstable();
        assert_eq!(carried, vec!["F2019", "F2021"]);
        assert_eq!(packs["applications.received"].len(), 7);
    }
}
