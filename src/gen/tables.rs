//! Consistent statistics tables for F2014, F2019 and F2021, and the cells an injected error
//! changes for each relation.

use super::model::{Format, GCell, Grid};
use super::rng::Rng;

/// Applicant columns of table 3 (F2019/F2021), with keys.
pub(crate) const APPLICANTS: [(&str, &str); 6] = [
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
];

/// A leaf result row of table 3: (group label or "", printed label, key, weight).
type ResultRow = (&'static str, &'static str, &'static str, u64);

fn result_rows(format: Format) -> Vec<ResultRow> {
    let mut rows: Vec<ResultRow> = vec![
        ("", "（一）予以公开", "apply.result.granted", 40),
        (
            "",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "apply.result.partial",
            8,
        ),
        (
            "（三）不予公开",
            "1.属于国家秘密",
            "apply.result.denied.state_secret",
            1,
        ),
        (
            "（三）不予公开",
            "2.其他法律行政法规禁止公开",
            "apply.result.denied.law_prohibited",
            1,
        ),
        (
            "（三）不予公开",
            "3.危及“三安全一稳定”",
            "apply.result.denied.security_stability",
            1,
        ),
        (
            "（三）不予公开",
            "4.保护第三方合法权益",
            "apply.result.denied.third_party",
            1,
        ),
        (
            "（三）不予公开",
            "5.属于三类内部事务信息",
            "apply.result.denied.internal_affairs",
            2,
        ),
        (
            "（三）不予公开",
            "6.属于四类过程性信息",
            "apply.result.denied.process_info",
            2,
        ),
        (
            "（三）不予公开",
            "7.属于行政执法案卷",
            "apply.result.denied.enforcement_file",
            1,
        ),
        (
            "（三）不予公开",
            "8.属于行政查询事项",
            "apply.result.denied.admin_query",
            1,
        ),
        (
            "（四）无法提供",
            "1.本机关不掌握相关政府信息",
            "apply.result.unavailable.not_held",
            15,
        ),
        (
            "（四）无法提供",
            "2.没有现成信息需要另行制作",
            "apply.result.unavailable.needs_creation",
            3,
        ),
        (
            "（四）无法提供",
            "3.补正后申请内容仍不明确",
            "apply.result.unavailable.still_unclear",
            2,
        ),
        (
            "（五）不予处理",
            "1.信访举报投诉类申请",
            "apply.result.not_processed.petition",
            3,
        ),
        (
            "（五）不予处理",
            "2.重复申请",
            "apply.result.not_processed.repeated",
            3,
        ),
        (
            "（五）不予处理",
            "3.要求提供公开出版物",
            "apply.result.not_processed.publication",
            1,
        ),
        (
            "（五）不予处理",
            "4.无正当理由大量反复申请",
            "apply.result.not_processed.excessive",
            1,
        ),
        (
            "（五）不予处理",
            "5.要求行政机关确认或重新出具已获取信息",
            "apply.result.not_processed.confirm_reissue",
            1,
        ),
    ];
    match format {
        Format::F2021 => rows.extend([
            (
                "（六）其他处理",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "apply.result.other.no_correction",
                2,
            ),
            (
                "（六）其他处理",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "apply.result.other.unpaid_fee",
                1,
            ),
            ("（六）其他处理", "3.其他", "apply.result.other.misc", 3),
        ]),
        _ => rows.push(("", "（六）其他处理", "apply.result.other", 5)),
    }
    rows
}

fn key(row: &str, col: &str) -> String {
    format!("{row}[{col}]")
}

fn nums(values: &[u64], row: &str) -> Vec<GCell> {
    let mut cells: Vec<GCell> = APPLICANTS
        .iter()
        .zip(values)
        .map(|(&(k, _), v)| GCell::value(v.to_string(), key(row, k)))
        .collect();
    cells.push(GCell::value(
        values.iter().sum::<u64>().to_string(),
        key(row, "total"),
    ));
    cells
}

/// Table 3 of F2019/F2021, plus the figures prose may quote: (received, carried over, closed).
pub fn table3(rng: &mut Rng, format: Format) -> (Grid, [u64; 3]) {
    table3_with(rng, format, None)
}

/// Table 3 whose 上年结转 per applicant column is `carried` (last year's 结转下年度), when given.
pub fn table3_with(rng: &mut Rng, format: Format, given: Option<&[u64; 6]>) -> (Grid, [u64; 3]) {
    let results = result_rows(format);
    let scale = *rng.pick(&[5u64, 20, 60, 200, 800]);
    let mut new = [0u64; 6];
    let mut carried = [0u64; 6];
    let mut forward = [0u64; 6];
    let mut leaf = vec![[0u64; 6]; results.len()];
    let weights: Vec<u64> = results.iter().map(|r| r.3).collect();
    for c in 0..6 {
        new[c] = if c == 0 {
            rng.range(0, scale)
        } else {
            rng.small(scale / 5 + 1)
        };
        carried[c] = if rng.chance(0.3) {
            rng.range(0, new[c] / 10 + 1)
        } else {
            0
        };
        if let Some(g) = given {
            carried[c] = g[c];
        }
        forward[c] = if rng.chance(0.3) {
            rng.range(0, (new[c] + carried[c]) / 10)
        } else {
            0
        };
        let done = new[c] + carried[c] - forward[c];
        for (r, v) in rng.split(done, &weights).into_iter().enumerate() {
            leaf[r][c] = v;
        }
    }
    let mut rows = vec![
        vec![
            GCell::span(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                3,
            ),
            GCell::span("申请人情况", 1, 7),
        ],
        vec![
            GCell::span("自然人", 2, 1),
            GCell::span("法人或其他组织", 1, 5),
            GCell::span("总计", 2, 1),
        ],
        APPLICANTS[1..]
            .iter()
            .map(|(_, l)| GCell::label(l))
            .collect(),
    ];
    let mut row = vec![GCell::span("一、本年新收政府信息公开申请数量", 1, 3)];
    row.extend(nums(&new, "apply.new"));
    rows.push(row);
    let mut row = vec![GCell::span("二、上年结转政府信息公开申请数量", 1, 3)];
    row.extend(nums(&carried, "apply.carried_over"));
    rows.push(row);
    let span_all = results.len() + 1;
    let mut last_group = "";
    for (i, (group, label, k, _)) in results.iter().enumerate() {
        let mut row = Vec::new();
        if i == 0 {
            row.push(GCell::span("三、本年度办理结果", span_all, 1));
        }
        if group.is_empty() {
            row.push(GCell::span(label, 1, 2));
        } else {
            if *group != last_group {
                let n = results.iter().filter(|r| r.0 == *group).count();
                row.push(GCell::span(group, n, 1));
            }
            row.push(GCell::label(label));
        }
        last_group = group;
        row.extend(nums(&leaf[i], k));
        rows.push(row);
    }
    let mut total = [0u64; 6];
    for l in &leaf {
        for c in 0..6 {
            total[c] += l[c];
        }
    }
    let mut row = vec![GCell::span("（七）总计", 1, 2)];
    row.extend(nums(&total, "apply.result.total"));
    rows.push(row);
    let mut row = vec![GCell::span("四、结转下年度继续办理", 1, 3)];
    row.extend(nums(&forward, "apply.carried_forward"));
    rows.push(row);
    let received: u64 = new.iter().sum();
    let carried_sum: u64 = carried.iter().sum();
    let closed: u64 = total.iter().sum();
    (Grid { width: 10, rows }, [received, carried_sum, closed])
}

/// Table 4 (identical in F2019 and F2021).
pub fn table4(rng: &mut Rng) -> Grid {
    let mut rows = vec![
        vec![
            GCell::span("行政复议", 1, 5),
            GCell::span("行政诉讼", 1, 10),
        ],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .iter()
            .map(|l| GCell::span(l, 2, 1))
            .chain([
                GCell::span("未经复议直接起诉", 1, 5),
                GCell::span("复议后起诉", 1, 5),
            ])
            .collect(),
        (0..2)
            .flat_map(|_| ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
            .map(GCell::label)
            .collect(),
    ];
    let mut data = Vec::new();
    for group in ["review", "litigation.direct", "litigation.after_review"] {
        let parts: Vec<u64> = (0..4).map(|_| rng.small(6)).collect();
        for (p, name) in parts
            .iter()
            .zip(["upheld", "corrected", "other", "pending"])
        {
            data.push(GCell::value(p.to_string(), format!("{group}.{name}")));
        }
        data.push(GCell::value(
            parts.iter().sum::<u64>().to_string(),
            format!("{group}.total"),
        ));
    }
    rows.push(data);
    Grid { width: 15, rows }
}

/// Table 2 of F2019 (five sub-tables in one 4-column grid).
pub fn table2_f2019(rng: &mut Rng) -> Grid {
    let mut rows = Vec::new();
    let caption = |t: &str| vec![GCell::span(t, 1, 4)];
    rows.push(caption("第二十条第（一）项"));
    rows.push(
        [
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ]
        .map(GCell::label)
        .to_vec(),
    );
    for (label, k) in [
        ("规章", "disclose.rules"),
        ("规范性文件", "disclose.normative_docs"),
    ] {
        let made = rng.small(20);
        let published = made.min(rng.range(0, made + 1));
        let total = published + rng.range(0, 300);
        rows.push(vec![
            GCell::label(label),
            GCell::value(made.to_string(), key(k, "made")),
            GCell::value(published.to_string(), key(k, "published")),
            GCell::value(total.to_string(), key(k, "published_total")),
        ]);
    }
    let items =
        |rng: &mut Rng, rows: &mut Vec<Vec<GCell>>, label: &str, k: &str, decisions: bool| {
            let prev = rng.range(0, 600);
            let delta = rng.range(0, 40) as i64 - 20;
            let delta_text = if delta > 0 {
                format!("+{delta}")
            } else {
                delta.to_string()
            };
            let mut row = vec![
                GCell::label(label),
                GCell::value(prev.to_string(), key(k, "items_prev")),
                GCell::value(delta_text, key(k, "items_delta")),
            ];
            row.push(if decisions {
                GCell::value(rng.range(0, 30000).to_string(), key(k, "decisions"))
            } else {
                GCell::label("")
            });
            rows.push(row);
        };
    let header = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
        .map(GCell::label)
        .to_vec();
    rows.push(caption("第二十条第（五）项"));
    rows.push(header.clone());
    items(rng, &mut rows, "行政许可", "disclose.licensing", true);
    items(
        rng,
        &mut rows,
        "其他对外管理服务事项",
        "disclose.other_services",
        true,
    );
    rows.push(caption("第二十条第（六）项"));
    rows.push(header);
    items(rng, &mut rows, "行政处罚", "disclose.penalty", true);
    items(rng, &mut rows, "行政强制", "disclose.coercion", true);
    rows.push(caption("第二十条第（八）项"));
    rows.push(
        ["信息内容", "上一年项目数量", "本年增/减", ""]
            .map(GCell::label)
            .to_vec(),
    );
    items(rng, &mut rows, "行政事业性收费", "disclose.fees", false);
    rows.push(caption("第二十条第（九）项"));
    rows.push(
        ["信息内容", "采购项目数量", "采购总金额", ""]
            .map(GCell::label)
            .to_vec(),
    );
    let n = rng.range(0, 800);
    let amount = rng.range(0, 10_000_000);
    rows.push(vec![
        GCell::label("政府集中采购"),
        GCell::value(n.to_string(), key("procurement", "projects")),
        GCell::value(
            format!("{}.{:02}万元", amount / 100, amount % 100),
            key("procurement", "amount"),
        ),
        GCell::label(""),
    ]);
    Grid { width: 4, rows }
}

/// Table 2 of F2021 (four sub-tables in one 4-column grid).
pub fn table2_f2021(rng: &mut Rng) -> Grid {
    table2_f2021_with(rng, None)
}

/// F2021 table 2 whose 现行有效件数 (规章, 行政规范性文件) follow from last year's `before`, when
/// given: before + 制发 − 废止.
pub fn table2_f2021_with(rng: &mut Rng, before: Option<[u64; 2]>) -> Grid {
    let mut rows = Vec::new();
    let caption = |t: &str| vec![GCell::span(t, 1, 4)];
    rows.push(caption("第二十条第（一）项"));
    rows.push(
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
            .map(GCell::label)
            .to_vec(),
    );
    for (i, label, k) in [
        ("规章", "disclose.rules"),
        ("行政规范性文件", "disclose.normative_docs"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (l, k))| (i, l, k))
    {
        let issued = rng.small(20);
        let mut repealed = rng.small(10);
        let mut in_force = issued + rng.range(0, 200);
        if let Some(b) = before {
            repealed = repealed.min(b[i] + issued);
            in_force = b[i] + issued - repealed;
        }
        rows.push(vec![
            GCell::label(label),
            GCell::value(issued.to_string(), key(k, "issued")),
            GCell::value(repealed.to_string(), key(k, "repealed")),
            GCell::value(in_force.to_string(), key(k, "in_force")),
        ]);
    }
    for (cap, labels) in [
        (
            "第二十条第（五）项",
            &[("行政许可", "disclose.licensing.decisions")][..],
        ),
        (
            "第二十条第（六）项",
            &[
                ("行政处罚", "disclose.penalty.decisions"),
                ("行政强制", "disclose.coercion.decisions"),
            ][..],
        ),
    ] {
        rows.push(caption(cap));
        rows.push(vec![
            GCell::label("信息内容"),
            GCell::span("本年处理决定数量", 1, 3),
        ]);
        for (label, k) in labels {
            rows.push(vec![
                GCell::label(label),
                GCell {
                    colspan: 3,
                    ..GCell::value(rng.range(0, 30000).to_string(), k.to_string())
                },
            ]);
        }
    }
    rows.push(caption("第二十条第（八）项"));
    rows.push(vec![
        GCell::label("信息内容"),
        GCell::span("本年收费金额（单位：万元）", 1, 3),
    ]);
    let fee = rng.range(0, 500_000);
    rows.push(vec![
        GCell::label("行政事业性收费"),
        GCell {
            colspan: 3,
            ..GCell::value(
                format!("{}.{:02}", fee / 100, fee % 100),
                "disclose.fees.amount_10k_yuan".into(),
            )
        },
    ]);
    Grid { width: 4, rows }
}

/// The F2014 statistics table (统计指标 · 单位 · 统计数), plus figures prose may quote:
/// (items published, applications received, applications answered).
pub fn table_f2014(rng: &mut Rng) -> (Grid, [u64; 3]) {
    let mut v: Vec<(&str, &str, Option<&str>, u64)> = Vec::new();
    let total = rng.range(50, 20_000);
    let docs = rng.range(0, total.min(200));
    let issued = docs + rng.range(0, 30);
    let website = rng.range(total / 2, total);
    let gazette = rng.range(0, total / 20 + 1);
    let weibo = rng.range(0, total / 4 + 1);
    let wechat = rng.range(0, total / 4 + 1);
    let other =
        total.saturating_sub(website + gazette + weibo + wechat) + rng.range(0, total / 10 + 1);
    let press = rng.range(0, 40);
    let press_lead = rng.range(0, press);
    let interview = rng.range(0, 20);
    let interview_lead = rng.range(0, interview);
    let interp = rng.range(0, 300);
    let ww = rng.range(0, 50);
    let resp_other = rng.range(0, 60);
    let resp_total = rng.range(0, press + interview + ww + resp_other);
    let received = rng.range(0, 300);
    let ch = rng.split(received, &[1, 1, 8, 3]);
    let extended = rng.range(0, received / 10);
    let n_refused = rng.range(0, received / 10);
    let refused = rng.split(n_refused, &[1, 1, 2, 1, 2, 2]);
    let refused_sum: u64 = refused.iter().sum();
    let rest = received - refused_sum;
    let ans = rng.split(rest, &[6, 10, 2, 2, 3, 1, 1]);
    let n_review = rng.small(10);
    let review = rng.split(n_review, &[2, 1, 1]);
    let n_lit = rng.small(10);
    let lit = rng.split(n_lit, &[2, 1, 1]);
    let full = rng.range(1, 10);
    let part = rng.range(0, 60);
    let classes = rng.range(0, 20);
    let trainees = if classes > 0 { rng.range(10, 2000) } else { 0 };
    use Option as O;
    let h = |l| (l, "——", O::None, 0);
    v.push(h("一、主动公开情况"));
    v.push((
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）",
        "条",
        O::Some("active.total"),
        total,
    ));
    v.push((
        "其中：主动公开规范性文件数",
        "条",
        O::Some("active.normative_docs"),
        docs,
    ));
    v.push((
        "制发规范性文件总数",
        "件",
        O::Some("active.normative_docs_issued"),
        issued,
    ));
    v.push(h("（二）通过不同渠道和方式公开政府信息的情况"));
    v.push((
        "1.政府公报公开政府信息数",
        "条",
        O::Some("active.channel.gazette"),
        gazette,
    ));
    v.push((
        "2.政府网站公开政府信息数",
        "条",
        O::Some("active.channel.website"),
        website,
    ));
    v.push((
        "3.政务微博公开政府信息数",
        "条",
        O::Some("active.channel.weibo"),
        weibo,
    ));
    v.push((
        "4.政务微信公开政府信息数",
        "条",
        O::Some("active.channel.wechat"),
        wechat,
    ));
    v.push((
        "5.其他方式公开政府信息数",
        "条",
        O::Some("active.channel.other"),
        other,
    ));
    v.push(h("二、回应解读情况"));
    v.push((
        "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）",
        "次",
        O::Some("response.total"),
        resp_total,
    ));
    v.push(h("（二）通过不同渠道和方式回应解读的情况"));
    v.push((
        "1.参加或举办新闻发布会总次数",
        "次",
        O::Some("response.press_conf"),
        press,
    ));
    v.push((
        "其中：主要负责同志参加新闻发布会次数",
        "次",
        O::Some("response.press_conf_leader"),
        press_lead,
    ));
    v.push((
        "2.政府网站在线访谈次数",
        "次",
        O::Some("response.interview"),
        interview,
    ));
    v.push((
        "其中：主要负责同志参加政府网站在线访谈次数",
        "次",
        O::Some("response.interview_leader"),
        interview_lead,
    ));
    v.push((
        "3.政策解读稿件发布数",
        "篇",
        O::Some("response.interpretations"),
        interp,
    ));
    v.push((
        "4.微博微信回应事件数",
        "次",
        O::Some("response.weibo_wechat"),
        ww,
    ));
    v.push((
        "5.其他方式回应事件数",
        "次",
        O::Some("response.other"),
        resp_other,
    ));
    v.push(h("三、依申请公开情况"));
    v.push((
        "（一）收到申请数",
        "件",
        O::Some("apply.received"),
        received,
    ));
    v.push((
        "1.当面申请数",
        "件",
        O::Some("apply.received.in_person"),
        ch[0],
    ));
    v.push(("2.传真申请数", "件", O::Some("apply.received.fax"), ch[1]));
    v.push((
        "3.网络申请数",
        "件",
        O::Some("apply.received.online"),
        ch[2],
    ));
    v.push((
        "4.信函申请数",
        "件",
        O::Some("apply.received.letter"),
        ch[3],
    ));
    v.push(("（二）申请办结数", "件", O::Some("apply.closed"), received));
    v.push((
        "1.按时办结数",
        "件",
        O::Some("apply.closed.on_time"),
        received - extended,
    ));
    v.push((
        "2.延期办结数",
        "件",
        O::Some("apply.closed.extended"),
        extended,
    ));
    v.push((
        "（三）申请答复数",
        "件",
        O::Some("apply.answered"),
        received,
    ));
    v.push((
        "1.属于已主动公开范围数",
        "件",
        O::Some("apply.answered.already_public"),
        ans[0],
    ));
    v.push((
        "2.同意公开答复数",
        "件",
        O::Some("apply.answered.granted"),
        ans[1],
    ));
    v.push((
        "3.同意部分公开答复数",
        "件",
        O::Some("apply.answered.partial"),
        ans[2],
    ));
    v.push((
        "4.不同意公开答复数",
        "件",
        O::Some("apply.answered.refused"),
        refused_sum,
    ));
    let reasons = [
        ("其中：涉及国家秘密", "apply.refused.state_secret"),
        ("涉及商业秘密", "apply.refused.commercial_secret"),
        ("涉及个人隐私", "apply.refused.privacy"),
        (
            "危及国家安全、公共安全、经济安全和社会稳定",
            "apply.refused.security_stability",
        ),
        ("不是《条例》所指政府信息", "apply.refused.not_gov_info"),
        ("法律法规规定的其他情形", "apply.refused.other_legal"),
    ];
    for ((l, k), n) in reasons.iter().zip(&refused) {
        v.push((l, "件", O::Some(k), *n));
    }
    v.push((
        "5.不属于本行政机关公开数",
        "件",
        O::Some("apply.answered.not_this_agency"),
        ans[3],
    ));
    v.push((
        "6.申请信息不存在数",
        "件",
        O::Some("apply.answered.not_exist"),
        ans[4],
    ));
    v.push((
        "7.告知作出更改补充数",
        "件",
        O::Some("apply.answered.asked_to_amend"),
        ans[5],
    ));
    v.push((
        "8.告知通过其他途径办理数",
        "件",
        O::Some("apply.answered.redirected"),
        ans[6],
    ));
    v.push((
        "四、行政复议数量",
        "件",
        O::Some("review.total"),
        review.iter().sum(),
    ));
    v.push((
        "（一）维持具体行政行为数",
        "件",
        O::Some("review.upheld"),
        review[0],
    ));
    v.push((
        "（二）被依法纠错数",
        "件",
        O::Some("review.corrected"),
        review[1],
    ));
    v.push(("（三）其他情形数", "件", O::Some("review.other"), review[2]));
    v.push((
        "五、行政诉讼数量",
        "件",
        O::Some("litigation.total"),
        lit.iter().sum(),
    ));
    v.push((
        "（一）维持具体行政行为或者驳回原告诉讼请求数",
        "件",
        O::Some("litigation.upheld_or_dismissed"),
        lit[0],
    ));
    v.push((
        "（二）被依法纠错数",
        "件",
        O::Some("litigation.corrected"),
        lit[1],
    ));
    v.push((
        "（三）其他情形数",
        "件",
        O::Some("litigation.other"),
        lit[2],
    ));
    v.push((
        "六、举报投诉数量",
        "件",
        O::Some("complaints.total"),
        rng.small(5),
    ));
    v.push((
        "七、依申请公开信息收取的费用",
        "万元",
        O::Some("fees.amount_10k_yuan"),
        0,
    ));
    v.push(h("八、机构建设和保障经费情况"));
    v.push((
        "（一）政府信息公开工作专门机构数",
        "个",
        O::Some("org.units"),
        rng.range(1, 10),
    ));
    v.push((
        "（二）设置政府信息公开查阅点数",
        "个",
        O::Some("org.reading_points"),
        rng.range(1, 60),
    ));
    v.push((
        "（三）从事政府信息公开工作人员数",
        "人",
        O::Some("org.staff"),
        full + part,
    ));
    v.push((
        "1.专职人员数（不包括政府公报及政府网站工作人员数）",
        "人",
        O::Some("org.staff.full_time"),
        full,
    ));
    v.push(("2.兼职人员数", "人", O::Some("org.staff.part_time"), part));
    v.push((
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "万元",
        O::Some("org.budget_10k_yuan"),
        rng.range(0, 50),
    ));
    v.push(h("九、政府信息公开会议和培训情况"));
    v.push((
        "（一）召开政府信息公开工作会议或专题会议数",
        "次",
        O::Some("training.meetings"),
        rng.range(0, 40),
    ));
    v.push((
        "（二）举办各类培训班数",
        "次",
        O::Some("training.classes"),
        classes,
    ));
    v.push((
        "（三）接受培训人员数",
        "人次",
        O::Some("training.trainees"),
        trainees,
    ));
    let mut rows = vec![["统 计 指 标", "单位", "统计数"].map(GCell::label).to_vec()];
    for (label, unit, k, n) in v {
        let value = match k {
            Some(k) => GCell::value(n.to_string(), k.to_string()),
            None => GCell::label(""),
        };
        rows.push(vec![GCell::label(label), GCell::label(unit), value]);
    }
    (Grid { width: 3, rows }, [total, received, received])
}

/// Relations an injected error can break: (rule suffix, cells changed together). The first
/// cell is the one reported in the manifest.
pub fn breakable(format: Format, rng: &mut Rng) -> (String, Vec<String>) {
    let id = format.id();
    match format {
        Format::F2014 => {
            let (rule, k) = *rng.pick(&[
                ("RECV", "apply.received"),
                ("CLOSED", "apply.closed.on_time"),
                ("REV", "review"),
                ("LIT", "litigation"),
                ("STAFF", "org.staff"),
                ("REFUSED", "apply.refused.privacy"),
            ]);
            // Reviews and lawsuits: the total or any one of its outcomes.
            let k = match k {
                "review" => format!(
                    "review.{}",
                    rng.pick(&["total", "upheld", "corrected", "other"])
                ),
                "litigation" => format!(
                    "litigation.{}",
                    rng.pick(&["total", "upheld_or_dismissed", "corrected", "other"])
                ),
                k => k.to_string(),
            };
            (format!("{id}-{rule}"), vec![k])
        }
        Format::F2019 | Format::F2021 => {
            let rows = result_rows(format);
            let col = rng.pick(&APPLICANTS).0;
            match rng.below(6) {
                0 | 1 => {
                    let row = rng.pick(&rows).2;
                    (format!("{id}-T3-ROW"), vec![key(row, col)])
                }
                2 => {
                    let row = rng.pick(&rows).2;
                    (
                        format!("{id}-T3-SUM"),
                        vec![key(row, col), key(row, "total")],
                    )
                }
                3 => (
                    format!("{id}-T3-BAL"),
                    vec![key("apply.new", col), key("apply.new", "total")],
                ),
                _ => {
                    let (rule, group) = *rng.pick(&[
                        ("T4-REV", "review"),
                        ("T4-DIR", "litigation.direct"),
                        ("T4-AFT", "litigation.after_review"),
                    ]);
                    // Any one of the group's five cells: its total or one of its outcomes.
                    let cell = rng.pick(&["total", "upheld", "corrected", "other", "pending"]);
                    (format!("{id}-{rule}"), vec![format!("{group}.{cell}")])
                }
            }
        }
    }
}
