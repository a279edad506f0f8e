//! The rule-pack model: TOML packs → [`CompiledPack`]s, and the registry of loaded packs.
//!
//! Packs are data (files in the top-level `rules/` folder); this module only reads, validates and
//! compiles them. Evaluating rules is `check`'s job.

mod builtin;
pub mod expr;
pub mod gate;
pub mod pack;
pub mod pattern;
pub mod prose;
mod raw;
pub mod registry;
mod template;

pub use pack::{CompiledPack, PackError, Rule, Severity};
pub use registry::Registry;
