//! The pack as written: serde structs shaped like the TOML, with spans on every value a
//! problem may be reported at. `pack.rs` validates and compiles them.

use super::prose::RawProse;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    pub(crate) pack: RawMeta,
    #[serde(default, rename = "table")]
    pub(crate) tables: Vec<RawTable>,
    #[serde(default, rename = "rule")]
    pub(crate) rules: Vec<RawRule>,
    #[serde(default)]
    pub(crate) prose: RawProse,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub(crate) id: Spanned<String>,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) reference: String,
    #[serde(default)]
    pub(crate) priority: i32,
    #[serde(default)]
    pub(crate) detect: RawDetect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDetect {
    #[serde(default)]
    pub(crate) any: Vec<String>,
    #[serde(default)]
    pub(crate) all: Vec<String>,
    #[serde(default)]
    pub(crate) none: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTable {
    pub(crate) id: Spanned<String>,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) short: Option<String>,
    #[serde(default)]
    pub(crate) optional: bool,
    #[serde(default)]
    pub(crate) detect: RawDetect,
    #[serde(default)]
    pub(crate) align: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) short_rows: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) columns: Vec<RawColumn>,
    #[serde(default, rename = "row")]
    pub(crate) rows: Vec<RawRow>,
    #[serde(default, rename = "virtual")]
    pub(crate) virtuals: Vec<RawVirtual>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawColumn {
    pub(crate) key: Spanned<String>,
    pub(crate) label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRow {
    pub(crate) key: Spanned<String>,
    #[serde(default)]
    pub(crate) label: Option<String>,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    #[serde(default)]
    pub(crate) after: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) unlabeled: bool,
    #[serde(default)]
    pub(crate) optional: bool,
    #[serde(default)]
    pub(crate) columns: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVirtual {
    pub(crate) key: Spanned<String>,
    pub(crate) expr: Spanned<String>,
    #[serde(default)]
    pub(crate) label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub(crate) id: Spanned<String>,
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) table: Option<Spanned<String>>,
    pub(crate) severity: Spanned<String>,
    #[serde(default)]
    pub(crate) for_each: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) columns: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(crate) rows: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) when: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) expr: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) prose: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) engine: bool,
    pub(crate) message: RawMessage,
    pub(crate) reference: String,
    pub(crate) explain: RawExplain,
    #[serde(default)]
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMessage {
    pub(crate) zh: String,
    pub(crate) en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplain {
    pub(crate) what: String,
    pub(crate) why: String,
    pub(crate) example: String,
}
