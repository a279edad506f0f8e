//! Expression evaluation over facts, keeping every operand's provenance.

use crate::extract::{fact_name, Fact, FactValue, TableInstance};
use crate::rules::expr::{ArithOp, Expr, NameRef};
use crate::rules::pack::{ForEach, TableDef};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Where a rule is being evaluated: the table, and the current column/row/cell binding.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// Table definition.
    pub def: &'a TableDef,
    /// Extracted table.
    pub table: &'a TableInstance,
    /// Iteration mode.
    pub mode: ForEach,
    /// Current column key (mode Column).
    pub column: Option<&'a str>,
    /// Current row key (mode Row).
    pub row: Option<&'a str>,
    /// Current fact (mode Cell).
    pub cell: Option<&'a Fact>,
    /// Write the arithmetic out ([`Value::text`]); off for the first, numbers-only pass.
    pub explain: bool,
    /// The facts of `table` by keys, when built (else they are searched one by one).
    pub index: Option<&'a FactIndex<'a>>,
}

/// The facts of a table instance by (row key, column key): the first fact of each pair, as
/// [`TableInstance::fact`] finds it, without a scan of the table per lookup.
#[derive(Debug, Default)]
pub struct FactIndex<'a>(FxHashMap<(&'a str, &'a str), &'a Fact>);

impl<'a> FactIndex<'a> {
    /// The index of `table`'s facts.
    pub fn of(table: &'a TableInstance) -> Self {
        let mut map = FxHashMap::with_capacity_and_hasher(table.facts.len(), Default::default());
        for f in &table.facts {
            map.entry((&*f.row, &*f.column)).or_insert(f);
        }
        FactIndex(map)
    }

    /// The first fact of row `row` and column `column`.
    pub fn get(&self, row: &str, column: &str) -> Option<&'a Fact> {
        let map: &FxHashMap<(&str, &str), &'a Fact> = &self.0;
        map.get(&(row, column)).copied()
    }
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoValue {
    /// A fact it needs was not found in the report.
    Missing(String),
    /// Arithmetic impossible (division by zero, overflow).
    Undefined,
}

/// A value with the facts it came from.
#[derive(Debug, Clone)]
pub struct Value<'a> {
    /// The number (blank cells count as 0).
    pub num: Decimal,
    /// The facts that made it, in order.
    pub facts: Vec<&'a Fact>,
    /// The arithmetic with values substituted.
    pub text: String,
    /// Precedence of the outermost operator in `text` (for parentheses).
    prec: u8,
}

impl Value<'_> {
    /// True if the value rests on facts and every one of them is blank.
    pub fn all_blank(&self) -> bool {
        !self.facts.is_empty()
            && self
                .facts
                .iter()
                .all(|f| !matches!(f.value, FactValue::Number(_)))
    }

    /// True if the value is exactly one fact.
    pub fn is_single_fact(&self) -> bool {
        self.facts.len() == 1 && self.prec == 100
    }
}

fn fact_num(f: &Fact) -> Decimal {
    match &f.value {
        FactValue::Number(q) => q.value,
        FactValue::Blank | FactValue::NotApplicable => Decimal::ZERO,
    }
}

fn fact_text(f: &Fact) -> String {
    match &f.value {
        FactValue::Number(q) => q.value.normalize().to_string(),
        FactValue::Blank | FactValue::NotApplicable => "0".into(),
    }
}

fn leaf<'a>(f: &'a Fact, explain: bool) -> Value<'a> {
    Value {
        num: fact_num(f),
        facts: vec![f],
        text: if explain { fact_text(f) } else { String::new() },
        prec: 100,
    }
}

/// Resolve a (non-glob) name to (row key, column key) in this scope (borrowed from the name
/// or the scope where they can be).
fn resolve<'s>(scope: &Scope<'s>, n: &'s NameRef) -> (Cow<'s, str>, Cow<'s, str>) {
    // `prev.x` (rules across reports): `x` resolved as usual, in the other report, whose facts
    // sit in the same table under prefixed row keys.
    if let Some(rest) = n.name.strip_prefix(crate::rules::pack::PREV) {
        let inner = NameRef {
            name: rest.to_string(),
            ..n.clone()
        };
        let (row, col) = resolve(scope, &inner);
        return (
            Cow::Owned(format!("{}{row}", crate::rules::pack::PREV)),
            Cow::Owned(col.into_owned()),
        );
    }
    let name = Cow::Borrowed(n.name.as_str());
    if let Some(c) = &n.column {
        return (name, Cow::Borrowed(c));
    }
    match scope.mode {
        ForEach::Column => (name, Cow::Borrowed(scope.column.unwrap_or(""))),
        ForEach::Row => (Cow::Borrowed(scope.row.unwrap_or("")), name),
        ForEach::Cell | ForEach::Once => {
            let unlabeled_col = scope.def.column(&n.name).is_some()
                && scope.def.rows.iter().any(|r| r.key.is_empty());
            if unlabeled_col && !scope.def.rows.iter().any(|r| r.key == n.name) {
                (Cow::Borrowed(""), name)
            } else {
                // In a cell rule a bare row key is that row in the current cell's column.
                let col = match (scope.mode, scope.cell) {
                    (ForEach::Cell, Some(f)) => f.column.as_str(),
                    _ => scope.def.columns.first().map_or("", |c| c.key.as_str()),
                };
                (name, Cow::Borrowed(col))
            }
        }
    }
}

/// How deep virtual rows may refer to one another (a cycle stops here, undefined).
const MAX_VIRTUAL_DEPTH: usize = 16;

/// When `row` is one of the table's virtual rows: its expression, and the scope it is evaluated
/// in (the column `col` of the whole table).
fn virtual_row<'a>(scope: &Scope<'a>, row: &str, col: &str) -> Option<(&'a Expr, Scope<'a>)> {
    let v = scope.def.virtuals.iter().find(|v| v.key == row)?;
    let inner = Scope {
        mode: ForEach::Column,
        column: scope.def.column(col).map(|c| c.key.as_str()),
        row: None,
        cell: None,
        ..*scope
    };
    Some((&v.expr, inner))
}

fn lookup<'a>(scope: &Scope<'a>, row: &str, col: &str, depth: usize) -> Result<Value<'a>, NoValue> {
    if let Some((expr, inner)) = virtual_row(scope, row, col) {
        if depth > MAX_VIRTUAL_DEPTH {
            return Err(NoValue::Undefined);
        }
        let mut val = eval(&inner, expr, depth + 1)?;
        if scope.explain && val.prec < 100 && val.facts.len() > 1 {
            val.text = format!("({})", val.text);
            val.prec = 100;
        }
        return Ok(val);
    }
    let found = match scope.index {
        Some(index) => index.get(row, col),
        None => scope.table.fact(row, col),
    };
    found
        .map(|f| leaf(f, scope.explain))
        .ok_or_else(|| NoValue::Missing(fact_name(row, col)))
}

fn combine<'a>(
    a: Value<'a>,
    b: Value<'a>,
    op: ArithOp,
    explain: bool,
) -> Result<Value<'a>, NoValue> {
    let (num, sym, prec) = match op {
        ArithOp::Add => (a.num.checked_add(b.num), "+", 1),
        ArithOp::Sub => (a.num.checked_sub(b.num), "-", 1),
        ArithOp::Mul => (a.num.checked_mul(b.num), "×", 2),
        ArithOp::Div => (a.num.checked_div(b.num), "÷", 2),
    };
    let num = num.ok_or(NoValue::Undefined)?;
    let text = if explain {
        let wrap = |v: &Value, min: u8| {
            if v.prec < min {
                format!("({})", v.text)
            } else {
                v.text.clone()
            }
        };
        let left = wrap(&a, prec);
        let right = wrap(
            &b,
            prec + u8::from(matches!(op, ArithOp::Sub | ArithOp::Div)),
        );
        format!("{left} {sym} {right}")
    } else {
        String::new()
    };
    let mut facts = a.facts;
    facts.extend(b.facts);
    Ok(Value {
        num,
        facts,
        text,
        prec,
    })
}

/// Is `e` the bare name of a row declared `optional` (not a glob: a glob skips its optional
/// rows itself)?
fn optional_name(scope: &Scope, e: &Expr) -> bool {
    match e {
        Expr::Name(n) if !n.glob => {
            let (row, _) = resolve(scope, n);
            scope.def.rows.iter().any(|r| r.optional && *r.key == *row)
        }
        _ => false,
    }
}

/// Evaluate an arithmetic expression in a scope.
pub fn eval<'a>(scope: &Scope<'a>, e: &Expr, depth: usize) -> Result<Value<'a>, NoValue> {
    match e {
        Expr::Num(n) => Ok(Value {
            num: *n,
            facts: vec![],
            text: if scope.explain {
                n.normalize().to_string()
            } else {
                String::new()
            },
            prec: 100,
        }),
        Expr::Name(n) if n.name == "value" && scope.mode == ForEach::Cell && n.column.is_none() => {
            scope
                .cell
                .map(|f| leaf(f, scope.explain))
                .ok_or(NoValue::Missing("value".into()))
        }
        Expr::Name(n) if n.glob => {
            // Every declared row under the prefix must have been found. (`resolve` reads the
            // name and the column only, not the glob mark.)
            let (_, col) = resolve(scope, n);
            let under = |key: &str| {
                key.strip_prefix(n.name.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            };
            let mut acc: Option<Value> = None;
            for row in scope.def.rows.iter().filter(|r| under(&r.key)) {
                let v = match lookup(scope, &row.key, &col, depth) {
                    Err(NoValue::Missing(_)) if row.optional => continue,
                    v => v?,
                };
                acc = Some(match acc {
                    None => v,
                    Some(a) => combine(a, v, ArithOp::Add, scope.explain)?,
                });
            }
            acc.ok_or_else(|| NoValue::Missing(format!("{}.*", n.name)))
        }
        Expr::Name(n) => {
            let (row, col) = resolve(scope, n);
            lookup(scope, &row, &col, depth)
        }
        Expr::Sum(args) => {
            let mut acc: Option<Value> = None;
            let mut skipped = false;
            for a in args {
                let v = match eval(scope, a, depth + 1) {
                    // An optional row the table does not print is left out of the sum.
                    Err(NoValue::Missing(_)) if optional_name(scope, a) => {
                        skipped = true;
                        continue;
                    }
                    v => v?,
                };
                acc = Some(match acc {
                    None => v,
                    Some(x) => combine(x, v, ArithOp::Add, scope.explain)?,
                });
            }
            if acc.is_none() && skipped {
                return Err(NoValue::Missing("sum(…)".into()));
            }
            Ok(acc.unwrap_or_else(|| Value {
                num: Decimal::ZERO,
                facts: vec![],
                text: if scope.explain {
                    "0".into()
                } else {
                    String::new()
                },
                prec: 100,
            }))
        }
        Expr::Neg(x) => {
            let v = eval(scope, x, depth + 1)?;
            Ok(Value {
                num: -v.num,
                text: if !scope.explain {
                    String::new()
                } else if v.prec < 100 {
                    format!("-({})", v.text)
                } else {
                    format!("-{}", v.text)
                },
                facts: v.facts,
                prec: 3,
            })
        }
        Expr::Arith(op, a, b) => {
            let a = eval(scope, a, depth + 1)?;
            let b = eval(scope, b, depth + 1)?;
            combine(a, b, *op, scope.explain)
        }
        Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) => Err(NoValue::Undefined),
    }
}

/// Why a numbers-only evaluation ([`eval_num`]) has no value: [`NoValue`] without the name
/// of what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoNumber {
    /// A fact it needs was not found in the report.
    Missing,
    /// Arithmetic impossible (division by zero, overflow).
    Undefined,
}

/// [`eval`] reduced to the number: the same number (or the same kind of failure), and the
/// facts [`Value::facts`] would hold appended to `facts` (left as they were on a failure). No
/// value is built: no list of facts per operand, no text.
pub fn eval_num<'a>(
    scope: &Scope<'a>,
    e: &Expr,
    depth: usize,
    facts: &mut Vec<&'a Fact>,
) -> Result<Decimal, NoNumber> {
    let mark = facts.len();
    let out = num_inner(scope, e, depth, facts);
    if out.is_err() {
        facts.truncate(mark);
    }
    out
}

fn num_inner<'a>(
    scope: &Scope<'a>,
    e: &Expr,
    depth: usize,
    facts: &mut Vec<&'a Fact>,
) -> Result<Decimal, NoNumber> {
    match e {
        Expr::Num(n) => Ok(*n),
        Expr::Name(n) if n.name == "value" && scope.mode == ForEach::Cell && n.column.is_none() => {
            let f = scope.cell.ok_or(NoNumber::Missing)?;
            facts.push(f);
            Ok(fact_num(f))
        }
        Expr::Name(n) if n.glob => {
            let (_, col) = resolve(scope, n);
            let under = |key: &str| {
                key.strip_prefix(n.name.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            };
            let mut acc: Option<Decimal> = None;
            for row in scope.def.rows.iter().filter(|r| under(&r.key)) {
                let v = match lookup_num(scope, &row.key, &col, depth, facts) {
                    Err(NoNumber::Missing) if row.optional => continue,
                    v => v?,
                };
                acc = Some(match acc {
                    None => v,
                    Some(a) => a.checked_add(v).ok_or(NoNumber::Undefined)?,
                });
            }
            acc.ok_or(NoNumber::Missing)
        }
        Expr::Name(n) => {
            let (row, col) = resolve(scope, n);
            lookup_num(scope, &row, &col, depth, facts)
        }
        Expr::Sum(args) => {
            let mut acc: Option<Decimal> = None;
            let mut skipped = false;
            for a in args {
                let v = match eval_num(scope, a, depth + 1, facts) {
                    // An optional row the table does not print is left out of the sum.
                    Err(NoNumber::Missing) if optional_name(scope, a) => {
                        skipped = true;
                        continue;
                    }
                    v => v?,
                };
                acc = Some(match acc {
                    None => v,
                    Some(x) => x.checked_add(v).ok_or(NoNumber::Undefined)?,
                });
            }
            if acc.is_none() && skipped {
                return Err(NoNumber::Missing);
            }
            Ok(acc.unwrap_or(Decimal::ZERO))
        }
        Expr::Neg(x) => Ok(-eval_num(scope, x, depth + 1, facts)?),
        Expr::Arith(op, a, b) => {
            let a = eval_num(scope, a, depth + 1, facts)?;
            let b = eval_num(scope, b, depth + 1, facts)?;
            match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::Div => a.checked_div(b),
            }
            .ok_or(NoNumber::Undefined)
        }
        Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) => Err(NoNumber::Undefined),
    }
}

/// [`lookup`] reduced to the number (see [`eval_num`]).
fn lookup_num<'a>(
    scope: &Scope<'a>,
    row: &str,
    col: &str,
    depth: usize,
    facts: &mut Vec<&'a Fact>,
) -> Result<Decimal, NoNumber> {
    if let Some((expr, inner)) = virtual_row(scope, row, col) {
        if depth > MAX_VIRTUAL_DEPTH {
            return Err(NoNumber::Undefined);
        }
        return eval_num(&inner, expr, depth + 1, facts);
    }
    let found = match scope.index {
        Some(index) => index.get(row, col),
        None => scope.table.fact(row, col),
    };
    let f = found.ok_or(NoNumber::Missing)?;
    facts.push(f);
    Ok(fact_num(f))
}

/// Evaluate a condition (`when`): comparisons joined by `and` / `or`.
pub fn condition(scope: &Scope, e: &Expr) -> Result<bool, NoValue> {
    match e {
        Expr::Cmp(op, a, b) => {
            let a = eval(scope, a, 0)?;
            let b = eval(scope, b, 0)?;
            Ok(op.holds(a.num, b.num))
        }
        Expr::And(a, b) => Ok(condition(scope, a)? && condition(scope, b)?),
        Expr::Or(a, b) => Ok(condition(scope, a)? || condition(scope, b)?),
        other => Ok(eval(scope, other, 0)?.num != Decimal::ZERO),
    }
}

/// The facts a condition reads (for showing them beside a failed rule).
pub fn condition_facts<'a>(scope: &Scope<'a>, e: &Expr) -> Vec<&'a Fact> {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            let mut v = condition_facts(scope, a);
            v.extend(condition_facts(scope, b));
            v
        }
        Expr::Cmp(_, a, b) => [a, b]
            .into_iter()
            .filter_map(|x| eval(scope, x, 0).ok())
            .flat_map(|v| v.facts)
            .collect(),
        other => eval(scope, other, 0).map(|v| v.facts).unwrap_or_default(),
    }
}
