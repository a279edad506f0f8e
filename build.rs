//! Parses the built-in rule packs (`rules/*.toml`) once, at build time, into static trees of
//! spanned values that `src/rules/builtin.rs` deserialises at start-up instead of parsing the
//! TOML again (parsing them was over half of a one-report run). Only the syntax is read here:
//! the packs are validated and compiled at run time by the same code as a user's pack.

use std::fmt::Write as _;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

fn main() {
    let dir = Path::new("rules");
    println!("cargo::rerun-if-changed=rules");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("rules/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a built-in pack is readable");
        let root = match DeTable::parse(&text) {
            Ok(root) => root,
            Err(e) => panic!("rules/{name} is not valid TOML: {e}"),
        };
        let _ = write!(out, "({name:?}, ");
        table(&mut out, &root);
        out.push_str("),\n");
    }
    out.push_str("]\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("builtin_packs.rs"), out).expect("OUT_DIR is writable");
}

/// A spanned table as an `Item` expression.
fn table(out: &mut String, t: &Spanned<DeTable<'_>>) {
    let span = t.span();
    let _ = write!(
        out,
        "Item {{ start: {}, end: {}, node: ",
        span.start, span.end
    );
    entries(out, t.get_ref());
    out.push_str(" }");
}

/// A table's entries as a `Node::Table`, in the order toml's deserialiser visits them.
fn entries(out: &mut String, t: &DeTable<'_>) {
    out.push_str("Node::Table(&[");
    for (k, v) in t.iter() {
        let ks = k.span();
        let _ = write!(
            out,
            "Entry {{ key: {:?}, start: {}, end: {}, value: ",
            k.get_ref().as_ref() as &str,
            ks.start,
            ks.end
        );
        value(out, v);
        out.push_str(" },");
    }
    out.push_str("])");
}

/// A spanned value as an `Item` expression.
fn value(out: &mut String, v: &Spanned<DeValue<'_>>) {
    let span = v.span();
    let _ = write!(
        out,
        "Item {{ start: {}, end: {}, node: ",
        span.start, span.end
    );
    match v.get_ref() {
        DeValue::String(s) => {
            let _ = write!(out, "Node::Str({:?})", s.as_ref() as &str);
        }
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix())
                .unwrap_or_else(|_| panic!("integer {i} out of range in a built-in pack"));
            let _ = write!(out, "Node::Int({n})");
        }
        DeValue::Float(f) => panic!("a built-in pack has a float ({f}): not supported"),
        DeValue::Boolean(b) => {
            let _ = write!(out, "Node::Bool({b})");
        }
        DeValue::Datetime(d) => panic!("a built-in pack has a datetime ({d}): not supported"),
        DeValue::Array(a) => {
            out.push_str("Node::Array(&[");
            for item in a.iter() {
                value(out, item);
                out.push(',');
            }
            out.push_str("])");
        }
        DeValue::Table(t) => entries(out, t),
    }
    out.push_str(" }");
}
