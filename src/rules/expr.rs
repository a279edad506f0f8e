//! Rule expressions: a small lexer and Pratt parser.
//!
//! Grammar (see rules/README.md): numbers, fact names (`apply.new`, `apply.new[total]`), globs
//! inside `sum(…)` (`apply.result.denied.*`), `+ - * /`, parentheses, comparisons
//! `== != <= >= < >` and `and` / `or`. Every node keeps its byte offset in the expression so
//! errors point at the right character of the pack file.

use rust_decimal::Decimal;
use std::ops::Range;

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CmpOp {
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `>`
    #[serde(rename = ">")]
    Gt,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
        }
    }

    /// Apply the comparison.
    pub fn holds(self, a: Decimal, b: Decimal) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Le => a <= b,
            CmpOp::Ge => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Gt => a > b,
        }
    }

    /// The symbol of the negated relation, for messages (`==` fails → `≠`).
    pub fn negated_symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "≠",
            CmpOp::Ne => "=",
            CmpOp::Le => ">",
            CmpOp::Ge => "<",
            CmpOp::Lt => "≥",
            CmpOp::Gt => "≤",
        }
    }
}

/// A reference to a fact: a row key with an optional column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    /// Dotted name as written (`apply.new`, `total`).
    pub name: String,
    /// Column in brackets, if written (`[total]`).
    pub column: Option<String>,
    /// True for a glob `name.*` (only inside `sum`).
    pub glob: bool,
    /// Byte range in the expression.
    pub span: Range<usize>,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A numeric literal.
    Num(Decimal),
    /// A fact name (or glob inside `sum`).
    Name(NameRef),
    /// `sum(a, b, c.*)`.
    Sum(Vec<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// Binary arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Comparison (the relation a rule asserts).
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Logical and.
    And(Box<Expr>, Box<Expr>),
    /// Logical or.
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Visit every name in the expression.
    pub fn names<'a>(&'a self, out: &mut Vec<&'a NameRef>) {
        match self {
            Expr::Num(_) => {}
            Expr::Name(n) => out.push(n),
            Expr::Sum(args) => args.iter().for_each(|a| a.names(out)),
            Expr::Neg(e) => e.names(out),
            Expr::Arith(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.names(out);
                b.names(out);
            }
        }
    }
}

/// A syntax error in an expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the expression.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Name(NameRef),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let text = &src[start..i];
            let num = text.parse::<Decimal>().map_err(|_| ExprError {
                message: format!("invalid number `{text}`"),
                span: start..i,
            })?;
            out.push((Tok::Num(num), start..i));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                // A glob `.*` ends the name.
                if bytes[i] == b'.' && bytes.get(i + 1) == Some(&b'*') {
                    break;
                }
                i += 1;
            }
            let mut name = src[start..i].trim_end_matches('.').to_string();
            let mut glob = false;
            if bytes.get(i) == Some(&b'.') && bytes.get(i + 1) == Some(&b'*') {
                glob = true;
                i += 2;
            }
            if name.ends_with('.') {
                name.pop();
            }
            let mut column = None;
            if bytes.get(i) == Some(&b'[') {
                let close = src[i..].find(']').ok_or(ExprError {
                    message: "missing `]`".into(),
                    span: i..src.len(),
                })?;
                let col = src[i + 1..i + close].trim();
                if col.is_empty() {
                    return Err(ExprError {
                        message: "empty column name in `[]`".into(),
                        span: i..i + close + 1,
                    });
                }
                column = Some(col.to_string());
                i += close + 1;
            }
            let tok = match name.as_str() {
                "and" | "or" if !glob && column.is_none() => {
                    Tok::Op(if name == "and" { "and" } else { "or" })
                }
                _ => Tok::Name(NameRef {
                    name,
                    column,
                    glob,
                    span: start..i,
                }),
            };
            out.push((tok, start..i));
            continue;
        }
        let two = src.get(i..i + 2).unwrap_or("");
        let op2 = match two {
            "==" => Some("=="),
            "!=" => Some("!="),
            "<=" => Some("<="),
            ">=" => Some(">="),
            "&&" => Some("and"),
            "||" => Some("or"),
            _ => None,
        };
        if let Some(op) = op2 {
            out.push((Tok::Op(op), i..i + 2));
            i += 2;
            continue;
        }
        let tok = match c {
            b'+' => Tok::Op("+"),
            b'-' => Tok::Op("-"),
            b'*' => Tok::Op("*"),
            b'/' => Tok::Op("/"),
            b'<' => Tok::Op("<"),
            b'>' => Tok::Op(">"),
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ExprError {
                    message: format!("unexpected character `{ch}`"),
                    span: i..i + ch.len_utf8(),
                });
            }
        };
        out.push((tok, i..i + 1));
        i += 1;
    }
    out.push((Tok::End, src.len()..src.len()));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
}

/// Tallest expression tree accepted (operators chained, at any nesting).
pub const MAX_HEIGHT: usize = 256;

fn binding_power(op: &str) -> Option<(u8, u8)> {
    Some(match op {
        "or" => (1, 2),
        "and" => (3, 4),
        "==" | "!=" | "<=" | ">=" | "<" | ">" => (5, 6),
        "+" | "-" => (7, 8),
        "*" | "/" => (9, 10),
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> &(Tok, Range<usize>) {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> (Tok, Range<usize>) {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    /// Parse an expression and return it with its height (the longest path from the root to a
    /// leaf). The height is bounded, so every recursive walk of the tree (evaluation, name
    /// lists, dropping it) stays within a small stack: a chain `1+1+…+1` builds a left-deep tree
    /// as tall as it is long, which the recursion depth alone does not count.
    fn expr(&mut self, min_bp: u8, depth: usize) -> Result<Expr, ExprError> {
        self.expr_h(min_bp, depth).map(|(e, _)| e)
    }

    fn expr_h(&mut self, min_bp: u8, depth: usize) -> Result<(Expr, usize), ExprError> {
        if depth > 64 {
            return Err(ExprError {
                message: "expression nests too deeply".into(),
                span: self.peek().1.clone(),
            });
        }
        let (tok, span) = self.next();
        let mut height = 1usize;
        let mut lhs = match tok {
            Tok::Num(n) => Expr::Num(n),
            Tok::Name(n) if n.name == "sum" && matches!(self.peek().0, Tok::LParen) => {
                self.next();
                let mut args = Vec::new();
                if !matches!(self.peek().0, Tok::RParen) {
                    loop {
                        let (arg, h) = self.expr_h(0, depth + 1)?;
                        height = height.max(h + 1);
                        args.push(arg);
                        match self.next() {
                            (Tok::Comma, _) => continue,
                            (Tok::RParen, _) => break,
                            (_, s) => {
                                return Err(ExprError {
                                    message: "expected `,` or `)` in sum(…)".into(),
                                    span: s,
                                })
                            }
                        }
                    }
                } else {
                    self.next();
                }
                Expr::Sum(args)
            }
            Tok::Name(n) => Expr::Name(n),
            Tok::Op("-") => {
                let (e, h) = self.expr_h(11, depth + 1)?;
                height = h + 1;
                Expr::Neg(Box::new(e))
            }
            Tok::LParen => {
                let (e, h) = self.expr_h(0, depth + 1)?;
                height = h;
                match self.next() {
                    (Tok::RParen, _) => e,
                    (_, s) => {
                        return Err(ExprError {
                            message: "expected `)`".into(),
                            span: s,
                        })
                    }
                }
            }
            Tok::End => {
                return Err(ExprError {
                    message: "unexpected end of expression".into(),
                    span,
                })
            }
            _ => {
                return Err(ExprError {
                    message: "expected a number, a name or `(`".into(),
                    span,
                })
            }
        };
        loop {
            let (tok, span) = self.peek().clone();
            let op = match tok {
                Tok::Op(op) => op,
                Tok::End | Tok::RParen | Tok::Comma => break,
                _ => {
                    return Err(ExprError {
                        message: "expected an operator".into(),
                        span,
                    })
                }
            };
            let Some((lbp, rbp)) = binding_power(op) else {
                break;
            };
            if lbp < min_bp {
                break;
            }
            self.next();
            let (rhs, h) = self.expr_h(rbp, depth + 1)?;
            height = height.max(h) + 1;
            if height > MAX_HEIGHT {
                return Err(ExprError {
                    message: format!(
                        "expression is too long: more than {MAX_HEIGHT} operators in a chain (use sum(…) for long sums)"
                    ),
                    span,
                });
            }
            lhs = match op {
                "+" => Expr::Arith(ArithOp::Add, Box::new(lhs), Box::new(rhs)),
                "-" => Expr::Arith(ArithOp::Sub, Box::new(lhs), Box::new(rhs)),
                "*" => Expr::Arith(ArithOp::Mul, Box::new(lhs), Box::new(rhs)),
                "/" => Expr::Arith(ArithOp::Div, Box::new(lhs), Box::new(rhs)),
                "and" => Expr::And(Box::new(lhs), Box::new(rhs)),
                "or" => Expr::Or(Box::new(lhs), Box::new(rhs)),
                cmp => {
                    let c = match cmp {
                        "==" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<=" => CmpOp::Le,
                        ">=" => CmpOp::Ge,
                        "<" => CmpOp::Lt,
                        _ => CmpOp::Gt,
                    };
                    Expr::Cmp(c, Box::new(lhs), Box::new(rhs))
                }
            };
        }
        Ok((lhs, height))
    }
}

/// Parse an expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.expr(0, 0)?;
    match p.peek() {
        (Tok::End, _) => Ok(e),
        (_, s) => Err(ExprError {
            message: "unexpected text after the expression".into(),
            span: s.clone(),
        }),
    }
}

/// Check that globs only appear directly inside `sum(…)`.
pub fn check_globs(e: &Expr) -> Result<(), ExprError> {
    fn walk(e: &Expr, in_sum: bool) -> Result<(), ExprError> {
        match e {
            Expr::Name(n) if n.glob && !in_sum => Err(ExprError {
                message: format!("glob `{}.*` is only allowed inside sum(…)", n.name),
                span: n.span.clone(),
            }),
            Expr::Name(_) | Expr::Num(_) => Ok(()),
            Expr::Sum(args) => args.iter().try_for_each(|a| walk(a, true)),
            Expr::Neg(x) => walk(x, false),
            Expr::Arith(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                walk(a, false)?;
                walk(b, false)
            }
        }
    }
    walk(e, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_balance_relation() {
        let e =
            parse("apply.new + apply.carried_over == apply.result.total + apply.carried_forward")
                .unwrap();
        let Expr::Cmp(CmpOp::Eq, l, r) = e else {
            panic!("not a comparison")
        };
        assert!(matches!(*l, Expr::Arith(ArithOp::Add, _, _)));
        assert!(matches!(*r, Expr::Arith(ArithOp::Add, _, _)));
    }

    #[test]
    fn parses_sum_globs_columns_and_precedence() {
        let e = parse("total[x] >= sum(a.b.*, c) - 2 * d").unwrap();
        let mut names = Vec::new();
        e.names(&mut names);
        let shown: Vec<_> = names
            .iter()
            .map(|n| (n.name.as_str(), n.column.as_deref(), n.glob))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("total", Some("x"), false),
                ("a.b", None, true),
                ("c", None, false),
                ("d", None, false)
            ]
        );
        let Expr::Cmp(_, _, r) = e else { panic!() };
        assert!(matches!(*r, Expr::Arith(ArithOp::Sub, _, _)));
    }

    #[test]
    fn reports_errors_with_offsets() {
        let err = parse("a + ").unwrap_err();
        assert_eq!(err.span, 4..4);
        let err = parse("a + # b").unwrap_err();
        assert_eq!(err.span, 4..5);
        let err = parse("a b").unwrap_err();
        assert_eq!(err.message, "expected an operator");
        assert!(check_globs(&parse("a.* == 1").unwrap()).is_err());
        assert!(parse("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))").is_err());
    }

    #[test]
    fn logical_operators() {
        let e = parse("a > 0 and b > 0 or c == 1").unwrap();
        assert!(matches!(e, Expr::Or(_, _)));
    }
}
