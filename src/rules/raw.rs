//! The pack as written: serde structs shaped like the TOML, with spans on every value a
//! problem may be reported at. `pack.rs` validates and compiles them.

use super::prose::RawProse;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    #[serde(default)]
    pub(crate) pack: Option<RawMeta>,
    #[serde(default, rename = "table")]
    pub(crate) tables: Vec<RawTable>,
    #[serde(default, rename = "rule")]
    pub(crate) rules: Vec<RawRule>,
    #[serde(default)]
    pub(crate) extend: Vec<RawExtend>,
    #[serde(default)]
    pub(crate) prose: RawProse,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    #[serde(default)]
    pub(crate) id: Option<Spanned<String>>,
    #[serde(default)]
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
    #[serde(default)]
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
    #[serde(default)]
    pub(crate) unit: Option<String>,
    #[serde(default, rename = "concept")]
    pub(crate) concepts: Vec<RawConcept>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConcept {
    pub(crate) key: Spanned<String>,
    pub(crate) expr: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawColumn {
    pub(crate) key: Spanned<String>,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) unit: Option<String>,
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
    #[serde(default)]
    pub(crate) unit: Option<String>,
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
    #[serde(default)]
    pub(crate) name: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) table: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) severity: Option<Spanned<String>>,
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
    #[serde(default)]
    pub(crate) across: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) message: Option<RawMessage>,
    #[serde(default)]
    pub(crate) reference: Option<String>,
    #[serde(default)]
    pub(crate) explain: Option<RawExplain>,
    #[serde(default)]
    pub(crate) status: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMessage {
    #[serde(default)]
    pub(crate) zh: String,
    #[serde(default)]
    pub(crate) en: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplain {
    #[serde(default)]
    pub(crate) what: String,
    #[serde(default)]
    pub(crate) why: String,
    #[serde(default)]
    pub(crate) example: String,
    /// The same in Chinese (`explain.zh = { what, why, example }`), printed by `--lang zh`.
    #[serde(default)]
    pub(crate) zh: Option<RawExplainText>,
}

/// `explain.zh`: the explanation in Chinese.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplainText {
    pub(crate) what: String,
    pub(crate) why: String,
    pub(crate) example: String,
}

/// `[[extend]]`: rows and aliases added to a table of another pack (`table = "F2021.t3"`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExtend {
    pub(crate) table: Spanned<String>,
    #[serde(default, rename = "row")]
    pub(crate) rows: Vec<RawRow>,
    #[serde(default)]
    pub(crate) aliases: std::collections::BTreeMap<Spanned<String>, Vec<String>>,
}
