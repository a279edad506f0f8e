//! The registry of loaded packs: built-in packs compiled into the binary plus packs loaded from
//! paths. Rule ids are unique across all packs.

use super::pack::{compile, CompiledPack, PackError, Rule};
use std::collections::HashMap;

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

/// All loaded packs.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Packs in load order.
    pub packs: Vec<CompiledPack>,
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
        for (name, text) in BUILTIN {
            reg.add(compile(&format!("rules/{name}"), text)?)?;
        }
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
        self.add(compile(&name, &text)?)
    }

    /// Add a compiled pack, refusing duplicate rule ids.
    pub fn add(&mut self, pack: CompiledPack) -> Result<(), RegistryError> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for p in &self.packs {
            for r in &p.rules {
                seen.insert(&r.id, &p.source_name);
            }
        }
        for r in &pack.rules {
            if let Some(first) = seen.get(r.id.as_str()) {
                return Err(DuplicateRule {
                    id: r.id.clone(),
                    first: first.to_string(),
                    second: pack.source_name.clone(),
                }
                .into());
            }
        }
        self.packs.push(pack);
        Ok(())
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
