//! Parses the built-in rule packs (`rules/*.toml`) once, at build time, into static trees of
//! spanned values (flat lists referring to one another by index: no pointer to relocate) that `src/rules/builtin.rs` deserialises at start-up instead of parsing the
//! TOML again (parsing them was over half of a one-report run). Only the syntax is read here:
//! the packs are validated and compiled at run time by the same code as a user's pack.
//!
//! The syntax trees of the packs' prose patterns are built here too, as code that makes them
//! without parsing (parsing them was most of compiling the prose pack); `pattern.rs` derives
//! each pattern's gate from them.

#[path = "src/rules/template.rs"]
mod template;

use regex_syntax::hir::{Class, Hir, HirKind};
use std::fmt::Write as _;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("rules");
    println!("cargo::rerun-if-changed=rules");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut flat = Flat::default();
    let mut roots = String::new();
    let mut templates: Vec<String> = Vec::new();
    for name in &names {
        let path = dir.join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a built-in pack is readable");
        // Spans are stored as u32.
        assert!(
            u32::try_from(text.len()).is_ok(),
            "rules/{name} is too large"
        );
        let root = match DeTable::parse(&text) {
            Ok(root) => root,
            Err(e) => panic!("rules/{name} is not valid TOML: {e}"),
        };
        let index = flat.table(&root);
        let _ = writeln!(roots, "({name:?}, {index}),");
        prose_templates(root.get_ref(), &mut templates);
    }
    // Offsets and indices are stored as u32.
    for (what, n) in [
        ("text", flat.text.len()),
        ("values", flat.items.len()),
        ("entries", flat.entries.len()),
    ] {
        assert!(
            u32::try_from(n).is_ok(),
            "the built-in packs' {what} pass 4 GiB"
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pub(crate) static TREES: &[(&str, u32)] = &[\n{roots}];"
    );
    let _ = writeln!(out, "static ITEMS: &[Item] = &[");
    for i in &flat.items {
        let _ = writeln!(out, "{i},");
    }
    let _ = writeln!(out, "];\nstatic ENTRIES: &[Entry] = &[");
    for e in &flat.entries {
        let _ = writeln!(out, "{e},");
    }
    let _ = writeln!(out, "];\nstatic TEXT: &str = {:?};", flat.text);
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("builtin_packs.rs"), out).expect("OUT_DIR is writable");
    std::fs::write(
        Path::new(&out_dir).join("builtin_hirs.rs"),
        hirs(&templates),
    )
    .expect("OUT_DIR is writable");
}

/// The prose patterns of a pack (`[[prose.share]] label`, `[[prose.change]] label`,
/// `[[prose.fact]] pattern` and `or_with`, `[[prose.status]] pattern` and `rate_label`), each
/// added once to `out`.
fn prose_templates(root: &DeTable<'_>, out: &mut Vec<String>) {
    let Some(DeValue::Table(prose)) = root.get("prose").map(|v| v.get_ref()) else {
        return;
    };
    let fields: [(&str, &[&str]); 4] = [
        ("share", &["label"]),
        ("change", &["label"]),
        ("fact", &["pattern", "or_with"]),
        ("status", &["pattern", "rate_label"]),
    ];
    for (kind, keys) in fields {
        let Some(DeValue::Array(specs)) = prose.get(kind).map(|v| v.get_ref()) else {
            continue;
        };
        for spec in specs.iter() {
            let DeValue::Table(spec) = spec.get_ref() else {
                continue;
            };
            for key in keys {
                let values: Vec<&DeValue<'_>> = match spec.get(*key).map(|v| v.get_ref()) {
                    Some(DeValue::Array(a)) => a.iter().map(|v| v.get_ref()).collect(),
                    Some(v) => vec![v],
                    None => Vec::new(),
                };
                for v in values {
                    if let DeValue::String(t) = v {
                        if !out.iter().any(|o| o == t.as_ref()) {
                            out.push(t.to_string());
                        }
                    }
                }
            }
        }
    }
}

/// A `match` from each template that parses to an expression building its tree.
fn hirs(templates: &[String]) -> String {
    let num = regex_syntax::Parser::new()
        .parse(template::NUM)
        .expect("NUM parses");
    let mut out = String::from("match template {\n");
    for t in templates {
        // A template that does not parse, or whose tree holds a class of bytes (none does:
        // patterns are Unicode), is left to be parsed at run time.
        let Some(hir) = template::parse_with(t, &num) else {
            continue;
        };
        let mut code = String::new();
        if emit(&mut code, &hir, &num) {
            let _ = writeln!(out, "{t:?} => Some({code}),");
        }
    }
    out.push_str("_ => None,\n}\n");
    out
}

/// Write an expression building `hir` with regex-syntax's constructors (those its translator
/// uses), a copy of `num` (the tree of `{num}`, parsed once at run time) where it occurs; false
/// when `hir` holds a class of bytes.
fn emit(out: &mut String, hir: &Hir, num: &Hir) -> bool {
    if hir == num {
        out.push_str("num()?");
        return true;
    }
    match hir.kind() {
        HirKind::Empty => out.push_str("Hir::empty()"),
        HirKind::Literal(l) => {
            out.push_str("Hir::literal(*b\"");
            for b in l.0.iter() {
                let _ = write!(out, "\\x{b:02x}");
            }
            out.push_str("\")");
        }
        HirKind::Class(Class::Unicode(c)) => {
            out.push_str("Hir::class(Class::Unicode(ClassUnicode::new([");
            for r in c.iter() {
                let _ = write!(
                    out,
                    "ClassUnicodeRange::new('\\u{{{:x}}}', '\\u{{{:x}}}'),",
                    r.start() as u32,
                    r.end() as u32
                );
            }
            out.push_str("])))");
        }
        HirKind::Class(Class::Bytes(_)) => return false,
        HirKind::Look(l) => {
            let _ = write!(out, "Hir::look(Look::{l:?})");
        }
        HirKind::Repetition(r) => {
            let _ = write!(
                out,
                "Hir::repetition(Repetition {{ min: {}, max: {:?}, greedy: {}, sub: Box::new(",
                r.min, r.max, r.greedy
            );
            if !emit(out, &r.sub, num) {
                return false;
            }
            out.push_str(") })");
        }
        HirKind::Capture(c) => {
            let name = match c.name.as_deref() {
                Some(n) => format!("Some(Box::from({n:?}))"),
                None => "None".to_string(),
            };
            let _ = write!(
                out,
                "Hir::capture(Capture {{ index: {}, name: {name}, sub: Box::new(",
                c.index
            );
            if !emit(out, &c.sub, num) {
                return false;
            }
            out.push_str(") })");
        }
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            let f = if matches!(hir.kind(), HirKind::Concat(_)) {
                "concat"
            } else {
                "alternation"
            };
            let _ = write!(out, "Hir::{f}(vec![");
            for h in v {
                if !emit(out, h, num) {
                    return false;
                }
                out.push(',');
            }
            out.push_str("])");
        }
    }
    true
}

/// The trees of all packs, flat: every string in one text, every value and every table entry
/// in one list each, children of an array or a table next to one another. The binary refers to
/// them by offsets, so loading it relocates no pointer of theirs.
#[derive(Default)]
struct Flat {
    /// All strings (keys and values), one after another.
    text: String,
    /// `Item` expressions; an array's items are consecutive.
    items: Vec<String>,
    /// `Entry` expressions; a table's entries are consecutive.
    entries: Vec<String>,
}

impl Flat {
    /// `s` added to the text: `(offset, length)`.
    fn string(&mut self, s: &str) -> (usize, usize) {
        let at = self.text.len();
        self.text.push_str(s);
        (at, s.len())
    }

    /// A spanned table added as an item: its index.
    fn table(&mut self, t: &Spanned<DeTable<'_>>) -> usize {
        let span = t.span();
        let node = self.entries_of(t.get_ref());
        self.items.push(item(span.start, span.end, &node));
        self.items.len() - 1
    }

    /// A table's entries (in the order toml's deserialiser visits them) as a `Node::Table`.
    fn entries_of(&mut self, t: &DeTable<'_>) -> String {
        let first = self.entries.len();
        let pairs: Vec<_> = t.iter().collect();
        self.entries.resize(first + pairs.len(), String::new());
        for (i, (k, v)) in pairs.into_iter().enumerate() {
            let ks = k.span();
            let (at, len) = self.string(k.get_ref().as_ref());
            let value = self.value(v);
            self.entries[first + i] = format!(
                "Entry {{ key: ({at}, {len}), start: {}, end: {}, value: {value} }}",
                ks.start, ks.end
            );
        }
        format!("Node::Table({first}, {})", t.len())
    }

    /// A spanned value as an `Item` expression (its children added to the lists).
    fn value(&mut self, v: &Spanned<DeValue<'_>>) -> String {
        let span = v.span();
        let node = match v.get_ref() {
            DeValue::String(s) => {
                let (at, len) = self.string(s.as_ref());
                format!("Node::Str({at}, {len})")
            }
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(i.as_str(), i.radix())
                    .unwrap_or_else(|_| panic!("integer {i} out of range in a built-in pack"));
                format!("Node::Int({n})")
            }
            DeValue::Float(f) => panic!("a built-in pack has a float ({f}): not supported"),
            DeValue::Boolean(b) => format!("Node::Bool({b})"),
            DeValue::Datetime(d) => panic!("a built-in pack has a datetime ({d}): not supported"),
            DeValue::Array(a) => {
                let first = self.items.len();
                self.items.resize(first + a.len(), String::new());
                for (i, x) in a.iter().enumerate() {
                    let code = self.value(x);
                    self.items[first + i] = code;
                }
                format!("Node::Array({first}, {})", a.len())
            }
            DeValue::Table(t) => self.entries_of(t),
        };
        item(span.start, span.end, &node)
    }
}

/// An `Item` expression.
fn item(start: usize, end: usize, node: &str) -> String {
    format!("Item {{ start: {start}, end: {end}, node: {node} }}")
}
