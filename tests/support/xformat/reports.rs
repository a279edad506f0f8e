//! The three reports of the cross-format test (F2021, F2019, F2014) and a broken variant.

use std::collections::HashMap;
use std::path::Path;

use gouji::extract::{extract, FactValue};
use gouji::rules::Registry;
use gouji::source::read_bytes;

use super::docx::model_tables;
use super::{c, Block, Report, Table, C};

/// The official blank 2021 template.
pub const TEMPLATE_2021: &[u8] = include_bytes!("../../../fixtures/docx/template-2021-blank.docx");
const HUAIAN: &str = include_str!("../../../fixtures/reports/f2021_huaian_2024.txt");
const SEED_000: &str = include_str!("../../../fixtures/formats/seed_000.txt");

/// An F2021 report: the official template's tables (labels and merges exactly as printed)
/// filled with the figures of 淮安 2024 (fixtures/reports/f2021_huaian_2024.txt), matched by
/// fact key (table id, row key, column key).
pub fn f2021(registry: &Registry) -> Report {
    let tpl = gouji::source::docx::read("template.docx", TEMPLATE_2021).expect("template reads");
    let mut tables = model_tables(&tpl);
    let text =
        read_bytes("huaian.txt", HUAIAN.as_bytes(), Path::new("huaian.txt")).expect("huaian reads");
    let key = |pack: usize, table: usize, row: &str, col: &str| {
        let p = &registry.packs[pack];
        (
            p.id.clone(),
            p.tables[table].id.clone(),
            row.to_string(),
            col.to_string(),
        )
    };
    let mut values: HashMap<(String, String, String, String), String> = HashMap::new();
    for t in extract(&text, registry).tables {
        for f in &t.facts {
            if let FactValue::Number(_) = f.value {
                values.insert(
                    key(t.pack, t.table, &f.row, &f.column),
                    f.provenance.text(&text.view).to_string(),
                );
            }
        }
    }
    let mut filled = 0;
    for t in extract(&tpl, registry).tables {
        for f in &t.facts {
            let Some(v) = values.get(&key(t.pack, t.table, &f.row, &f.column)) else {
                continue;
            };
            let (tn, r, col) = parse_locator(f.provenance.locator.as_deref().unwrap_or(""))
                .expect("template facts carry table locators");
            let cell = tables[tn - 1]
                .cell_at_mut(r - 1, col - 1)
                .expect("cell in grid");
            cell.text = v.clone();
            filled += 1;
        }
    }
    assert!(
        filled >= 150,
        "only {filled} template cells matched the 淮安 figures"
    );
    let mut blocks: Vec<Block> = Vec::new();
    let mut tables = tables.into_iter();
    for b in &tpl.blocks {
        match b {
            gouji::source::Block::Paragraph(p) => {
                let t = tpl.slice(&p.span).trim();
                if !t.is_empty() {
                    blocks.push(Block::Para(t.to_string()));
                }
            }
            gouji::source::Block::Table(_) => {
                blocks.push(Block::Table(tables.next().expect("same table count")));
            }
        }
    }
    let title = match blocks.first() {
        Some(Block::Para(p)) => p.clone(),
        _ => "政府信息公开工作年度报告".into(),
    };
    if matches!(blocks.first(), Some(Block::Para(_))) {
        blocks.remove(0);
    }
    Report {
        name: "f2021".into(),
        title,
        blocks,
        template: Some(TEMPLATE_2021),
    }
}

/// `第N张表 第R行 第C列` → (N, R, C).
pub fn parse_locator(loc: &str) -> Option<(usize, usize, usize)> {
    let nums: Vec<usize> = loc
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums[..] {
        [t, r, col] => Some((t, r, col)),
        _ => None,
    }
}

fn row_of(label: C, values: &[&str]) -> Vec<C> {
    std::iter::once(label)
        .chain(values.iter().map(|v| c(*v)))
        .collect()
}

/// An F2019 report: the tables of seed 002 (淮阴区 2020) with the merges of the printed form.
pub fn f2019() -> Report {
    let mut t2: Vec<Vec<C>> = Vec::new();
    let head = |t2: &mut Vec<Vec<C>>, item: &str, cols: [&str; 3]| {
        t2.push(vec![c(format!("第二十条第（{item}）项")).span(1, 4)]);
        t2.push(vec![c("信息内容"), c(cols[0]), c(cols[1]), c(cols[2])]);
    };
    head(
        &mut t2,
        "一",
        ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
    );
    t2.push(row_of(c("规章"), &["0", "0", "0"]));
    t2.push(row_of(c("规范性文件"), &["1", "1", "42"]));
    head(
        &mut t2,
        "五",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
    );
    t2.push(row_of(c("行政许可"), &["172", "+8", "22990"]));
    t2.push(row_of(c("其他对外管理服务事项"), &["585", "-21", "22605"]));
    head(
        &mut t2,
        "六",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
    );
    t2.push(row_of(c("行政处罚"), &["4416", "+45", "4642"]));
    t2.push(row_of(c("行政强制"), &["233", "+3", "1373"]));
    head(&mut t2, "八", ["上一年项目数量", "本年增/减", ""]);
    t2.push(row_of(c("行政事业性收费"), &["19", "-1", ""]));
    t2.push(vec![c("第二十条第（九）项").span(1, 4)]);
    t2.push(vec![
        c("信息内容"),
        c("采购项目数量"),
        c("采购总金额").span(1, 2),
    ]);
    t2.push(vec![
        c("政府集中采购"),
        c("518"),
        c("78874.11万元").span(1, 2),
    ]);

    let z = ["0"; 7];
    let mut t3: Vec<Vec<C>> = vec![
        vec![
            c("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）").span(3, 3),
            c("申请人情况").span(1, 7),
        ],
        vec![
            c("自然人").span(2, 1),
            c("法人或其他组织").span(1, 5),
            c("总计").span(2, 1),
        ],
        [
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ]
        .into_iter()
        .map(c)
        .collect(),
        row_of(
            c("一、本年新收政府信息公开申请数量").span(1, 3),
            &["17", "1", "0", "0", "0", "0", "18"],
        ),
        row_of(c("二、上年结转政府信息公开申请数量").span(1, 3), &z),
    ];
    let mut result: Vec<Vec<C>> = vec![
        row_of(
            c("（一）予以公开").span(1, 2),
            &["5", "1", "0", "0", "0", "0", "6"],
        ),
        row_of(
            c("（二）部分公开（区分处理的，只计这一情形，不计其他情形）").span(1, 2),
            &["1", "0", "0", "0", "0", "0", "1"],
        ),
    ];
    let withheld = [
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ];
    for (i, l) in withheld.iter().enumerate() {
        let v: &[&str] = if i == 4 {
            &["2", "0", "0", "0", "0", "0", "2"]
        } else {
            &z
        };
        let mut row = Vec::new();
        if i == 0 {
            row.push(c("（三）不予公开").span(8, 1));
        }
        row.extend(row_of(c(*l), v));
        result.push(row);
    }
    let unable = [
        "1.本机关不掌握相关政府信息",
        "2.没有现成信息需要另行制作",
        "3.补正后申请内容仍不明确",
    ];
    for (i, l) in unable.iter().enumerate() {
        let v: &[&str] = if i == 0 {
            &["6", "0", "0", "0", "0", "0", "6"]
        } else {
            &z
        };
        let mut row = Vec::new();
        if i == 0 {
            row.push(c("（四）无法提供").span(3, 1));
        }
        row.extend(row_of(c(*l), v));
        result.push(row);
    }
    let ignored = [
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ];
    for (i, l) in ignored.iter().enumerate() {
        let mut row = Vec::new();
        if i == 0 {
            row.push(c("（五）不予处理").span(5, 1));
        }
        row.extend(row_of(c(*l), &z));
        result.push(row);
    }
    result.push(row_of(
        c("（六）其他处理").span(1, 2),
        &["3", "0", "0", "0", "0", "0", "3"],
    ));
    result.push(row_of(
        c("（七）总计").span(1, 2),
        &["17", "1", "0", "0", "0", "0", "18"],
    ));
    let n = result.len();
    result[0].insert(0, c("三、本年度办理结果").span(n, 1));
    t3.extend(result);
    t3.push(row_of(c("四、结转下年度继续办理").span(1, 3), &z));

    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut t4: Vec<Vec<C>> = vec![
        vec![c("行政复议").span(1, 5), c("行政诉讼").span(1, 10)],
        outcomes.iter().map(|o| c(*o).span(2, 1)).collect(),
        outcomes
            .iter()
            .chain(outcomes.iter())
            .map(|o| c(*o))
            .collect(),
        vec![c("0"); 15],
    ];
    t4[1].push(c("未经复议直接起诉").span(1, 5));
    t4[1].push(c("复议后起诉").span(1, 5));

    Report {
        name: "f2019".into(),
        title: "淮阴区人民政府2020年政府信息公开工作年度报告".into(),
        blocks: vec![
            Block::Para("本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六部分组成。".into()),
            Block::Para("二、主动公开政府信息情况".into()),
            Block::Table(Table::from_rows(t2)),
            Block::Para("三、收到和处理政府信息公开申请情况".into()),
            Block::Table(Table::from_rows(t3)),
            Block::Para("四、政府信息公开行政复议、行政诉讼情况".into()),
            Block::Table(Table::from_rows(t4)),
            Block::Para("六、其他需要报告的事项".into()),
            Block::Para("无。".into()),
        ],
        template: None,
    }
}

/// An F2014 report: the statistics table of seed 000 (六盘水 2015; 统计指标 / 单位 / 统计数).
pub fn f2014() -> Report {
    let lines: Vec<&str> = SEED_000.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("统 计 指 标"))
        .expect("statistics table in seed 000");
    let end = lines
        .iter()
        .position(|l| l.starts_with("2223 |"))
        .expect("end of the statistics table");
    let cells: Vec<String> = lines[start..=end]
        .iter()
        .map(|l| l.trim_end().trim_end_matches('|').trim().to_string())
        .collect();
    assert_eq!(cells.len() % 3, 0);
    let rows: Vec<Vec<C>> = cells
        .chunks(3)
        .map(|r| r.iter().map(|t| c(t.clone())).collect())
        .collect();
    Report {
        name: "f2014".into(),
        title: "六盘水市2015年政府信息公开工作年度报告".into(),
        blocks: vec![
            Block::Para("二、主动公开政府信息情况".into()),
            Block::Para("2015年，全市各级各部门累计主动公开信息135509条。".into()),
            Block::Para("附表：六盘水市2015年政府信息公开情况统计表".into()),
            Block::Table(Table::from_rows(rows)),
            Block::Para("五、存在的主要问题和改进措施".into()),
        ],
        template: None,
    }
}

/// `report` with the text of one cell replaced: the cell whose text is `from` in the first table
/// that has it (rows counted from the top), which breaks the relations through it.
pub fn broken(report: &Report, row_label: &str, col: usize, to: &str) -> Report {
    let mut out = report.clone();
    out.name = format!("{}_broken", report.name);
    let done = out.tables_mut().any(|t| {
        let Some(r) = t.cells.iter().find(|c| c.text == row_label).map(|c| c.row) else {
            return false;
        };
        let cell = t.cell_at_mut(r, col).expect("cell in grid");
        cell.text = to.to_string();
        true
    });
    assert!(done, "no row labelled {row_label}");
    out
}
