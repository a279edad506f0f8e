//! A prose pattern's template (`{num}` standing for a number) and its syntax tree. Shared by
//! `pattern.rs` and `build.rs` (which includes this file), so that the trees built at build
//! time for the built-in packs are those the run would parse. It uses regex-syntax only.

use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};

/// The generic number placeholder of fact and status patterns, written `{num}`.
pub const NUM: &str =
    r"(?P<num>[约近逾超过余多]*[0-9０-９][0-9０-９,，.．]*|[零〇一二两三四五六七八九十百千万]+)";

/// What `{num}` stands for while a template is parsed: a group as cheap to parse as any,
/// replaced by [`NUM`]'s syntax tree afterwards (parsing `NUM` in every pattern was most of
/// the parsing).
const MARK: &str = r"(?P<num>\x{E000})";

/// The syntax tree of `template` with `{num}` expanded to `num` (the tree of [`NUM`]), or
/// `None` when it does not parse.
pub fn parse_with(template: &str, num: &Hir) -> Option<Hir> {
    if !template.contains("{num}") {
        return regex_syntax::Parser::new().parse(template).ok();
    }
    let hir = regex_syntax::Parser::new()
        .parse(&template.replace("{num}", MARK))
        .ok()?;
    Some(splice(hir, num))
}

/// `hir` with every `num` group replaced by `num`.
fn splice(hir: Hir, num: &Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some("num") => num.clone(),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(splice(*c.sub, num)),
            ..c
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(splice(*r.sub, num)),
            ..r
        }),
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(|h| splice(h, num)).collect()),
        HirKind::Alternation(v) => {
            Hir::alternation(v.into_iter().map(|h| splice(h, num)).collect())
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
    }
}
