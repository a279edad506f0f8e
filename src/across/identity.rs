//! Who issued a report, and for which year: read from the report itself (title line, 落款,
//! `由…编制`), with the crawl's `发布机构` line and the path as fallbacks, and the issuer name
//! normalised so that one body's reports over the years group together
//! (`莆田市科技局` and `莆田市科学技术局`, `莆田市` in a title and `莆田市人民政府`).

use super::issuer;
use crate::extract::label::fold;
use std::borrow::Cow;
use std::path::Path;

/// How many lines from the top are searched for the title.
const HEAD_LINES: usize = 40;
/// How many non-empty lines from the bottom are searched for the 落款.
const TAIL_LINES: usize = 30;

/// Where an issuer or year was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The title line (`某某局2022年度政府信息公开工作年度报告`).
    Title,
    /// The signature at the end (`某某局` over a date).
    Signature,
    /// A sentence of the report (`由某某局编制`, `统计期限自2020年1月1日`).
    Prose,
    /// The `发布机构:` line a crawler wrote above the text.
    Publisher,
    /// The `issuers` table of gouji.toml.
    Config,
    /// The file's path (a year in its name, a body's name in a folder).
    Path,
}

impl Source {
    /// Name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Source::Title => "title",
            Source::Signature => "signature",
            Source::Prose => "prose",
            Source::Publisher => "publisher",
            Source::Config => "config",
            Source::Path => "path",
        }
    }

    /// Name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Source::Title => "标题",
            Source::Signature => "落款",
            Source::Prose => "正文",
            Source::Publisher => "发布机构",
            Source::Config => "gouji.toml",
            Source::Path => "路径",
        }
    }
}

/// Issuer and year of a report, and where each was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// Normalised issuer (`莆田市科学技术局`), the key reports are grouped by.
    pub issuer: Option<String>,
    /// The issuer as printed (`莆田市科技局`).
    pub printed: Option<String>,
    /// Where the issuer was read.
    pub issuer_from: Option<Source>,
    /// Reporting year.
    pub year: Option<i32>,
    /// Where the year was read.
    pub year_from: Option<Source>,
}

impl Identity {
    /// Set the issuer (normalised) from `printed`, read at `from`.
    pub fn set_issuer(&mut self, printed: &str, from: Source) {
        self.issuer = Some(normalize_issuer(printed));
        self.printed = Some(printed.to_string());
        self.issuer_from = Some(from);
    }

    /// One line saying how the report was grouped (for `-v`).
    pub fn describe(&self) -> String {
        let issuer = match (&self.issuer, &self.printed, self.issuer_from) {
            (Some(i), Some(p), Some(from)) if i != p => {
                format!("{i} (from the {}: {p})", from.name())
            }
            (Some(i), _, Some(from)) => format!("{i} (from the {})", from.name()),
            _ => "issuer unknown".to_string(),
        };
        let year = match (self.year, self.year_from) {
            (Some(y), Some(from)) => format!("{y} (from the {})", from.name()),
            _ => "year unknown".to_string(),
        };
        format!("{issuer}, {year}")
    }
}

/// Short forms of body names and their full forms (suffix replacements, longest first).
const SHORT_FORMS: &[(&str, &str)] = &[
    ("市场监管局", "市场监督管理局"),
    ("退役军人局", "退役军人事务局"),
    ("国资委", "国有资产监督管理委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("市监局", "市场监督管理局"),
    ("文旅局", "文化和旅游局"),
    ("应急局", "应急管理局"),
    ("工信局", "工业和信息化局"),
    ("医保局", "医疗保障局"),
    ("城管局", "城市管理局"),
    ("交通局", "交通运输局"),
    ("科技局", "科学技术局"),
    ("民宗局", "民族宗教事务局"),
    ("侨办", "人民政府侨务办公室"),
    ("政府办公室", "人民政府办公室"),
    ("政府办公厅", "人民政府办公厅"),
    ("政府办", "人民政府办公室"),
    ("府办", "人民政府办公室"),
];

/// Development zones and the like are not counties or districts: their names end in 区 but
/// they have no 人民政府 (平潭综合实验区 is not 平潭县).
const ZONES: &[&str] = &[
    "实验区",
    "试验区",
    "开发区",
    "新区",
    "园区",
    "示范区",
    "保税区",
    "合作区",
    "景区",
    "林区",
    "矿区",
    "管理区",
    "功能区",
];

/// Normalise an issuer name: NFKC, no spaces or quotes, short forms spelt out, a bare place
/// name (`莆田市`, `古北口镇`) taken as its people's government, `X市政府` as `X市人民政府`.
pub fn normalize_issuer(name: &str) -> String {
    let mut s: String = fold(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '“' | '”' | '《' | '》'))
        .collect();
    for (short, full) in SHORT_FORMS {
        if s.ends_with(short) && !s.ends_with(full) {
            // `政府办` inside `人民政府办`: keep the 人民 once.
            let stem = &s[..s.len() - short.len()];
            let stem = if full.starts_with("人民") {
                stem.strip_suffix("人民").unwrap_or(stem)
            } else {
                stem
            };
            s = format!("{stem}{full}");
            break;
        }
    }
    if let Some(stem) = s.strip_suffix("政府") {
        if !stem.ends_with("人民") {
            s = format!("{stem}人民政府");
        }
    }
    if super::title::is_place(&s) && !ZONES.iter().any(|z| s.ends_with(z)) {
        if s.ends_with("街道") {
            s.push_str("办事处");
        } else {
            s.push_str("人民政府");
        }
    }
    s
}

/// Read a report's issuer and year from its text, falling back on its path.
pub fn identify(view: &str, path: &str) -> Identity {
    let mut id = Identity::default();
    let head: Vec<&str> = view.lines().take(HEAD_LINES).collect();
    for line in &head {
        let line = super::title::strip_title_prefix(line);
        if let Some((issuer, year)) = super::title::title(line.trim()) {
            id.year = year.parse().ok();
            id.year_from = Some(Source::Title);
            if let Some(i) = issuer {
                let i = i.trim_start_matches("关于");
                if i.chars().count() >= 2 {
                    id.set_issuer(i, Source::Title);
                }
            }
            break;
        }
    }
    let head_text = joined_head(view, &head);
    if id.year.is_none() {
        if let Some(y) = issuer::year_in_title(&head_text)
            .or_else(|| issuer::year_in_period(&head_text))
            .and_then(|y| y.parse().ok())
        {
            id.year = Some(y);
            id.year_from = Some(Source::Prose);
        }
    }
    if id.issuer.is_none() {
        if let Some(s) = signature(view) {
            id.set_issuer(&s, Source::Signature);
        } else if let Some(i) = issuer::issuer_by(&head_text) {
            id.set_issuer(i, Source::Prose);
        } else if let Some(p) = head.iter().take(12).find_map(|l| {
            issuer::publisher(l)
                .map(str::to_string)
                .filter(|p| p.chars().count() >= 4)
        }) {
            id.set_issuer(&p, Source::Publisher);
        }
    }
    // An office reporting for its government: `X人民政府办公室` in the 落款 of a report whose
    // title names `X人民政府`.
    if let Some(i) = id.issuer.clone() {
        for office in ["人民政府办公室", "人民政府办公厅"] {
            if let Some(stem) = i.strip_suffix(office) {
                let gov = format!("{stem}人民政府");
                let says = head_text.lines().any(|l| {
                    let l = fold(l);
                    l.contains(&gov) && issuer::year_in_title(&l).is_some() && !l.contains(office)
                });
                if says {
                    id.issuer = Some(gov);
                }
            }
        }
    }
    let p = Path::new(path);
    if id.year.is_none() {
        if let Some(y) = p
            .file_stem()
            .and_then(|s| issuer::path_year(&s.to_string_lossy()).map(str::to_string))
            .and_then(|y| y.parse().ok())
        {
            id.year = Some(y);
            id.year_from = Some(Source::Path);
        }
    }
    if id.issuer.is_none() {
        let dir = p.ancestors().skip(1).find_map(|a| {
            a.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| issuer::path_org(n))
        });
        if let Some(d) = dir {
            id.set_issuer(&d, Source::Path);
        }
    }
    id
}

/// The first lines of `view` (`head`, as `lines` gives them) joined with `\n`: the view's own
/// text when it has no carriage return there (no copy: a page printed on one line would be
/// copied whole).
fn joined_head<'v>(view: &'v str, head: &[&str]) -> Cow<'v, str> {
    let Some(last) = head.last() else {
        return Cow::Borrowed("");
    };
    // `last` is a slice of `view`: where it ends there.
    let end = (last.as_ptr() as usize).saturating_sub(view.as_ptr() as usize) + last.len();
    match view.get(..end) {
        Some(text) if !text.contains('\r') => Cow::Borrowed(text),
        _ => Cow::Owned(head.join("\n")),
    }
}

/// The 落款: a body's name on its own line above a date, near the end.
fn signature(view: &str) -> Option<String> {
    let tail: Vec<&str> = view
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .take(TAIL_LINES)
        .collect();
    // `tail` runs bottom-up: a date at i, the body's name at i + 1 (the line above).
    for i in 0..tail.len().saturating_sub(1) {
        if issuer::sign_date(tail[i]) {
            if let Some(name) = issuer::sign_org(tail[i + 1]) {
                return Some(name.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_the_views_own_text_or_a_joined_copy() {
        for view in [
            "",
            "一\n二\n\n三",
            "一\r\n二\r\n三\n",
            "一行\n",
            "\n\n",
            "a\rb\nc",
        ] {
            for n in [0, 1, 2, 40] {
                let head: Vec<&str> = view.lines().take(n).collect();
                assert_eq!(joined_head(view, &head), head.join("\n"), "{view:?} {n}");
            }
        }
    }

    #[test]
    fn short_and_full_names_meet() {
        assert_eq!(normalize_issuer("莆田市科技局"), "莆田市科学技术局");
        assert_eq!(normalize_issuer("莆田市科学技术局"), "莆田市科学技术局");
        assert_eq!(normalize_issuer("莆田市"), "莆田市人民政府");
        assert_eq!(normalize_issuer("莆田市政府"), "莆田市人民政府");
        assert_eq!(normalize_issuer("莆田 市 人民政府"), "莆田市人民政府");
        assert_eq!(normalize_issuer("莆田市政府办"), "莆田市人民政府办公室");
        assert_eq!(
            normalize_issuer("莆田市人民政府办公室"),
            "莆田市人民政府办公室"
        );
        assert_eq!(normalize_issuer("古北口镇"), "古北口镇人民政府");
        assert_eq!(normalize_issuer("朝阳街道"), "朝阳街道办事处");
    }

    #[test]
    fn a_zone_is_not_a_county() {
        assert_eq!(normalize_issuer("平潭综合实验区"), "平潭综合实验区");
        assert_ne!(
            normalize_issuer("平潭综合实验区"),
            normalize_issuer("平潭县")
        );
        assert_eq!(normalize_issuer("平潭县"), "平潭县人民政府");
    }

    #[test]
    fn title_of_a_crawled_page() {
        let id = identify(
            "标题: 莆田市应急管理局2022年度政府信息公开工作年度报告\n发布机构: 莆田市应急管理局\n正文:\n…",
            "x/putian-emergency-2022.txt",
        );
        assert_eq!(id.issuer.as_deref(), Some("莆田市应急管理局"));
        assert_eq!(id.year, Some(2022));
        assert_eq!(id.issuer_from, Some(Source::Title));
        let id = identify("标题: 莆田市2008年度政府信息公开工作年度报告\n", "a.txt");
        assert_eq!(id.issuer.as_deref(), Some("莆田市人民政府"));
        assert_eq!(id.printed.as_deref(), Some("莆田市"));
    }

    #[test]
    fn signature_then_path() {
        let id = identify(
            "2021年政府信息公开工作年度报告\n正文\n\n某某县交通局\n2022年1月20日\n",
            "a.txt",
        );
        assert_eq!(id.issuer.as_deref(), Some("某某县交通运输局"));
        assert_eq!(id.issuer_from, Some(Source::Signature));
        assert_eq!(id.year, Some(2021));
        let id = identify("正文", "reports/某某县统计局/report-2019.txt");
        assert_eq!(id.issuer.as_deref(), Some("某某县统计局"));
        assert_eq!(id.issuer_from, Some(Source::Path));
        assert_eq!(id.year, Some(2019));
        assert_eq!(id.year_from, Some(Source::Path));
    }

    #[test]
    fn an_office_reporting_for_its_government() {
        let id = identify(
            "某某县人民政府2020年政府信息公开工作年度报告\n…\n某某县人民政府办公室\n2021年1月15日",
            "a.txt",
        );
        assert_eq!(id.issuer.as_deref(), Some("某某县人民政府"));
        let id = identify(
            "2020年政府信息公开工作年度报告\n某某县人民政府2020年……\n某某县人民政府办公室\n2021年1月15日",
            "a.txt",
        );
        assert_eq!(id.issuer.as_deref(), Some("某某县人民政府办公室"));
    }
}
