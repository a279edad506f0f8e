//! Series of reports: one body's F2021 reports for consecutive years, whose carry-overs and
//! stocks connect (table 3 上年结转 = last year's 结转下年度继续办理, table 2 现行有效件数 = last
//! year's + 制发 − 废止), optionally with one break, for the rules across reports.
//!
//! Each year's report is generated around last year's figures (see [`super::Follow`]), so its own
//! tables stay balanced and its prose quotes them.

use super::model::{Block, Format, Report};
use super::tables::APPLICANTS;

/// A break injected into a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesBreak {
    /// Index (0-based) of the report whose figure is changed.
    pub report: usize,
    /// Fact changed (`apply.carried_over[natural_person]`).
    pub key: String,
    /// Amount added.
    pub delta: u64,
}

fn get(r: &Report, key: &str) -> u64 {
    r.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(g) => g
                .rows
                .iter()
                .flatten()
                .find(|c| c.key.as_deref() == Some(key)),
            _ => None,
        })
        .and_then(|c| c.text.trim().parse().ok())
        .unwrap_or(0)
}

fn set(r: &mut Report, key: &str, v: u64) {
    for b in &mut r.blocks {
        if let Block::Table(g) = b {
            if let Some(c) = g.find_mut(key) {
                c.text = v.to_string();
            }
        }
    }
}

fn k(row: &str, col: &str) -> String {
    format!("{row}[{col}]")
}

/// One body's F2021 reports for `years` consecutive years from `first`, connected year to year,
/// with `brk` applied last (a carry-over or stock that no longer connects).
/// The body is `body`, or else the first report's.
pub fn series(
    seed: u64,
    index: u64,
    body: Option<&str>,
    (first, years): (u32, u32),
    brk: Option<&SeriesBreak>,
) -> Vec<Report> {
    let mut out: Vec<Report> = Vec::new();
    let mut body = body.unwrap_or_default().to_string();
    for i in 0..years {
        let n = index * 1000 + u64::from(i);
        if body.is_empty() {
            body = super::build(seed, n, &[Format::F2021], 0.0).body;
        }
        let follow = super::Follow {
            year: first + i,
            body: body.clone(),
            carried: out.last().map(|p| {
                let mut c = [0u64; 6];
                for (slot, (col, _)) in c.iter_mut().zip(APPLICANTS) {
                    *slot = get(p, &k("apply.carried_forward", col));
                }
                c
            }),
            in_force: out.last().map(|p| {
                [
                    get(p, &k("disclose.rules", "in_force")),
                    get(p, &k("disclose.normative_docs", "in_force")),
                ]
            }),
        };
        out.push(super::build_with(
            seed,
            n,
            &[Format::F2021],
            0.0,
            Some(&follow),
        ));
    }
    if let Some(b) = brk {
        if let Some(r) = out.get_mut(b.report) {
            let v = get(r, &b.key);
            set(r, &b.key, v + b.delta);
            // A carry-over restated in one column: its 总计 follows, and 本年新收 gives way when
            // it can, so the report stays balanced and only the series breaks.
            if let Some(col) = b
                .key
                .strip_prefix("apply.carried_over[")
                .and_then(|c| c.strip_suffix(']'))
            {
                let mut keys = vec![k("apply.new", col)];
                if col != "total" {
                    keys.push(k("apply.carried_over", "total"));
                    keys.push(k("apply.new", "total"));
                }
                let new = get(r, &keys[0]);
                let new_total = get(r, &k("apply.new", "total"));
                if new >= b.delta && new_total >= b.delta {
                    for key in keys {
                        let v = get(r, &key);
                        if key.starts_with("apply.new") {
                            set(r, &key, v - b.delta);
                        } else {
                            set(r, &key, v + b.delta);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Write `bodies` series of `years` reports each (text) into `out`, as
/// `{body:05}_{year}.txt` under one folder per body (`b{body:05}/`), the body named
/// `莆阳市测试{n in Chinese digits}局` so that no two series share a body. With probability `breaks` a series gets
/// one broken carry-over (in the 总计 column of a random later year). Returns the breaks as
/// JSON lines (file, key, delta).
pub fn write_series(
    out: &std::path::Path,
    seed: u64,
    bodies: u64,
    years: u32,
    breaks: f64,
) -> std::io::Result<Vec<String>> {
    let mut manifest = Vec::new();
    for b in 0..bodies {
        let mut rng = super::rng::Rng::for_item(seed ^ 0x5e41e5, b);
        let brk = (years > 1 && rng.chance(breaks)).then(|| SeriesBreak {
            report: rng.range(1, u64::from(years) - 1) as usize,
            key: format!(
                "apply.carried_over[{}]",
                *rng.pick(&["natural_person", "commercial", "other"])
            ),
            delta: rng.range(1, 4),
        });
        let digits: String = b
            .to_string()
            .chars()
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d as usize - '0' as usize)
                    .unwrap_or('〇')
            })
            .collect();
        let body = format!("莆阳市测试{digits}局");
        let reports = series(seed, b, Some(&body), (2021, years), brk.as_ref());
        let dir = out.join(format!("b{b:05}"));
        std::fs::create_dir_all(&dir)?;
        for (i, r) in reports.iter().enumerate() {
            let name = format!("{b:05}_{}.txt", r.year);
            let (text, _) = super::render::text(r, None);
            std::fs::write(dir.join(&name), text)?;
            if let Some(k) = brk.as_ref().filter(|k| k.report == i) {
                manifest.push(
                    serde_json::json!({"file": format!("b{b:05}/{name}"), "key": k.key, "delta": k.delta})
                        .to_string(),
                );
            }
        }
    }
    Ok(manifest)
}
