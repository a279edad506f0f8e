//! gouji (勾稽): cross-checks the figures of published reports.
//!
//! One path, each stage a pure function of its input:
//!
//! ```text
//! file bytes ─source::read─▶ Document ─extract─▶ Facts ─check─▶ Findings ─report─▶ output
//! ```
//!
//! Rule packs (TOML, `rules/`) say where facts live and which relations must hold; see
//! [`rules`]. Files are checked independently and in parallel; output order is deterministic.
#![warn(missing_docs)]

pub mod across;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod export;
pub mod extract;
pub mod finding;
pub mod fuzz;
pub mod gen;
pub mod name;
pub mod number;
pub mod overlap;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod rules;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod stream;
#[cfg(test)]
mod test_fixtures;
pub mod walk;
