//! Tests of the prose scanner, on real lines from the seed reports and on synthetic sentences.

use super::test_util::d;
use super::{scan, Approx, NumberToken};

/// The printed text of each token.
fn spans(text: &str) -> Vec<&str> {
    scan(text).iter().map(|t| &text[t.span.clone()]).collect()
}

/// The single token of `text`.
fn one(text: &str) -> NumberToken {
    let toks = scan(text);
    assert_eq!(toks.len(), 1, "{text:?} → {toks:?}");
    toks.into_iter().next().unwrap()
}

#[test]
fn enumerated_breakdown() {
    let t = "共收到政府信息公开申请426件。其中当面申请355件、传真和信函申请45件、网上申请26件";
    assert_eq!(spans(t), ["426件", "355件", "45件", "26件"]);
    let toks = scan(t);
    assert_eq!(toks[0].quantity.value, d("426"));
    assert_eq!(toks[0].quantity.unit.get(), Some("件"));
    assert_eq!(toks[0].quantity.approx, Approx::Exact);
}

#[test]
fn seed_003_channels_line() {
    let t = "2017年,全市各级行政机关主动公开政府信息约55.4万条。其中,通过政府公报公开政府信息603条,政府网站公开政府信息691007条,政务微博公开政府信息62095,政务微信公开政府信息31623条,其他方式公开政府信息45195条(通过不同渠道和方式公开相同信息计1条,所以合计数大于主动公开信息数)。";
    assert_eq!(
        spans(t),
        [
            "约55.4万条",
            "603条",
            "691007条",
            "62095",
            "31623条",
            "45195条",
            "1条"
        ]
    );
    let q = &scan(t)[0].quantity;
    assert_eq!(q.value, d("554000"));
    assert_eq!(q.precision, 1);
    assert_eq!(q.scale.get(), d("10000"));
    assert_eq!(q.unit.get(), Some("条"));
    assert_eq!(q.approx, Approx::About);
    assert_eq!(q.integer_interval(), Some((d("553500"), d("554499"))));
}

#[test]
fn seed_003_header_has_no_quantity() {
    // Seed 003 L37 and L41: glitched document numbers and dates, postcode, phone, e-mail, URL,
    // room number.
    for t in [
        "本报告根据《中华人民共和国政府信息公开条例》、《内蒙古自治区人民政府办公厅关于印发自治区政府信息公开工作年度报告制度的通知》(内政办发〔201128号)、《鄂尔多斯市人民政府办公厅关于印发2017年政务公开工作要点的通知》(鄂府办发〔201788号)要求,在2017年度全市各旗区人民政府和市人民政府各部门的政府信息公开工作年度报告的基础上编制。",
        "本报告中所列数据的统计期限自201711日起,至20171231日止。本报告的电子版可在“鄂尔多斯市政府信息公开发布平台”(http://xxgk.ordos.gov.cn/)下载。如对报告有疑问,请与鄂尔多斯市人民政府办公厅政务公开科(新闻办公室)联系(地址:康巴什区鄂尔多斯市党政大楼B832室鄂尔多斯市人民政府办公厅政务公开科(新闻办公室);邮编:017010;联系电话:0477-85886768589994;电子邮箱:ordoszwgk@163.com)。",
        "20183",
        "电话:0477-8588676 8589994  邮箱:ordoszwgk@163.com",
        "  • 索引号: 15253908T/2020-01119",
        "  • 发布时间:2020年02月17日",
        "Copyright(c)2015 鄂尔多斯市人民政府主办",
    ] {
        assert_eq!(spans(t), Vec::<&str>::new(), "{t}");
    }
}

#[test]
fn non_quantities() {
    for t in [
        "2017年1月1日",
        "2017年",
        "2017年度",
        "1月",
        "12月31日",
        "2020年02月17日",
        "２０２０年２月１７日",
        "201711日",
        "20171231日",
        "截至1231日",
        "20183",
        "20171231",
        "黔府办发〔2015〕18号",
        "〔2011〕28号",
        "〔201128号",
        "国办发〔2013〕73号文件下发后",
        "(国令第711号)",
        "0477-85886768589994",
        "“12345”政务热线",
        "12345热线",
        "整合“12345”政务热线",
        "“96158”市民服务中心",
        "手机13912345678",
        "13912345678",
        "邮编:017010",
        "邮政编码：017010",
        "索引号: 15253908T/2020-01119",
        "承德北路606号",
        "第3次会议",
        "第二十条",
        "第二十条第(八)项",
        "一是深入推进九大重点领域政府信息公开",
        "(一)予以公开",
        "（一）予以公开",
        "（1）属于国家秘密",
        "1.属于国家秘密",
        "3、其他",
        "见http://www.gov.cn/2019/123.htm",
        "www.ordos.gov.cn",
        "ordoszwgk@163.com",
        "统一名称、统一格式",
        "进一步",
        "之一",
        "两会期间",
        "十四五规划",
        "三同步",
        "二〇二四年",
        "二〇一七年度",
        "5G基站",
        "第1.2.3节",
        "上午8:30",
        "2017-2018年",
        "版本v2",
        "千方百计",
        "2017",
        "201712月更是取得了",
        "(2015年1—7月)",
        "4—5月份",
        "- 1 - 市政府信息公开工作情况汇报",
        "(皖政, 2007? 120 号)",
        "2014中国政府网站绩效评估",
        "“五位一体”年度考评",
        "张贴宣传画",
        "万人空巷",
    ] {
        assert_eq!(spans(t), Vec::<&str>::new(), "{t}");
    }
}

#[test]
fn approximation_words() {
    let cases: &[(&str, &str, Approx)] = &[
        ("约100件", "约100件", Approx::About),
        ("大约100件", "大约100件", Approx::About),
        ("接近100件", "接近100件", Approx::About),
        ("将近100件", "将近100件", Approx::About),
        ("近100件", "近100件", Approx::About),
        ("100件左右", "100件左右", Approx::About),
        ("100余件", "100余件", Approx::AtLeast),
        ("100多件", "100多件", Approx::AtLeast),
        ("100件以上", "100件以上", Approx::AtLeast),
        ("超过100件", "超过100件", Approx::AtLeast),
        ("逾100件", "逾100件", Approx::AtLeast),
        ("不低于100件", "不低于100件", Approx::AtLeast),
        ("不少于100件", "不少于100件", Approx::AtLeast),
        ("不到100件", "不到100件", Approx::AtMost),
        ("不足100件", "不足100件", Approx::AtMost),
        ("100件以下", "100件以下", Approx::AtMost),
        ("参训200余人次。", "200余人次", Approx::AtLeast),
        ("及时更新信息2000余条,删除", "2000余条", Approx::AtLeast),
        ("共梳理公开目录近千余条。", "近千余条", Approx::About),
        ("行政权力目录3800余项、", "3800余项", Approx::AtLeast),
        ("服务群众50余万人次", "50余万人次", Approx::AtLeast),
        ("千余条", "千余条", Approx::AtLeast),
        ("十余件", "十余件", Approx::AtLeast),
        ("最近3次", "3次", Approx::Exact),
    ];
    for (text, span, approx) in cases {
        let tok = one(text);
        assert_eq!(&text[tok.span.clone()], *span, "span of {text:?}");
        assert_eq!(tok.quantity.approx, *approx, "approx of {text:?}");
    }
}

#[test]
fn values_units_precision_scale() {
    // (text, value, precision, scale, unit)
    let cases: &[(&str, &str, u32, &str, Option<&str>)] = &[
        ("十四个", "14", 0, "1", Some("个")),
        ("两千三百条", "2300", 0, "1", Some("条")),
        ("一百零五件", "105", 0, "1", Some("件")),
        ("二〇二四件", "2024", 0, "1", Some("件")),
        ("一个政府门户网站", "1", 0, "1", Some("个")),
        ("1.2万", "12000", 1, "10000", None),
        ("1.2万条", "12000", 1, "10000", Some("条")),
        ("五点五四万", "55400", 2, "10000", None),
        ("五点五四万人次", "55400", 2, "10000", Some("人次")),
        ("两千三百万元", "23000000", 0, "10000", Some("元")),
        ("千余条", "1000", 0, "1", Some("条")),
        ("78874.11万元", "788741100", 2, "10000", Some("元")),
        ("3.5亿元", "350000000", 1, "100000000", Some("元")),
        ("受理率98.40%", "98.40", 2, "1", Some("%")),
        ("占总数的4.88%", "4.88", 2, "1", Some("%")),
        ("占４．８８％", "4.88", 2, "1", Some("%")),
        ("提高2.5个百分点", "2.5", 1, "1", Some("个百分点")),
        ("百分之九十八", "98", 0, "1", Some("%")),
        ("共收到申请１２３件", "123", 0, "1", Some("件")),
        ("合计12,345条", "12345", 0, "1", Some("条")),
        ("较去年同期增长-5%", "-5", 0, "1", Some("%")),
        ("培训 18 期", "18", 0, "1", Some("期")),
        ("从事政府信息公开工作人员226名", "226", 0, "1", Some("名")),
        ("政务微博公开政府信息62095,", "62095", 0, "1", None),
        ("5个工作日", "5", 0, "1", Some("个工作日")),
        ("3个月", "3", 0, "1", Some("个月")),
        ("共195宗", "195", 0, "1", Some("宗")),
        ("宣传画8000张", "8000", 0, "1", Some("张")),
        ("以9种语言", "9", 0, "1", Some("种")),
    ];
    for (text, v, p, s, u) in cases {
        let q = one(text).quantity;
        assert_eq!(q.value, d(v), "value of {text:?}");
        assert_eq!(q.precision, *p, "precision of {text:?}");
        assert_eq!(q.scale.get(), d(s), "scale of {text:?}");
        assert_eq!(q.unit.get(), *u, "unit of {text:?}");
    }
}

#[test]
fn rates_in_one_sentence() {
    let t = "全市共受理依申请公开2569件,受理率98.4%,办结率98.3%;书记市长信箱收到1454件,办结率100%";
    assert_eq!(spans(t), ["2569件", "98.4%", "98.3%", "1454件", "100%"]);
    let t = "行政诉讼案件13件,其中驳回诉讼请求10件、判决行政机关公开3件,纠错率23.08%";
    let toks = scan(t);
    assert_eq!(toks.len(), 4);
    assert_eq!(toks[3].quantity.precision, 2);
}

#[test]
fn range_with_dash_is_two_figures() {
    assert_eq!(spans("10-15个工作日"), ["10", "15个工作日"]);
    let toks = scan("10-15个工作日");
    assert_eq!(toks[1].quantity.value, d("15"));
}

#[test]
fn full_width_spans_are_byte_ranges() {
    let t = "约５５．４万条和１２３件";
    let toks = scan(t);
    assert_eq!(toks.len(), 2);
    assert_eq!(&t[toks[0].span.clone()], "约５５．４万条");
    assert_eq!(toks[0].quantity.value, d("554000"));
    assert_eq!(&t[toks[1].span.clone()], "１２３件");
}

#[test]
fn dates_in_sentences_leave_figures_alone() {
    let t = "2014年,结合市委、市政府中心工作,开展了6次意见征集,共征集到612条意见;截至2017年12月31日,共受理123件";
    assert_eq!(spans(t), ["6次", "612条", "123件"]);
}

#[test]
fn parse_chinese_numeral_examples() {
    use super::parse_chinese_numeral as p;
    assert_eq!(p("十四"), Some((d("14"), 0, d("1"))));
    assert_eq!(p("十"), Some((d("10"), 0, d("1"))));
    assert_eq!(p("二十"), Some((d("20"), 0, d("1"))));
    assert_eq!(p("两千三百"), Some((d("2300"), 0, d("1"))));
    assert_eq!(p("一百零五"), Some((d("105"), 0, d("1"))));
    assert_eq!(p("一千零五"), Some((d("1005"), 0, d("1"))));
    assert_eq!(p("一百二"), Some((d("120"), 0, d("1"))));
    assert_eq!(p("三万五"), Some((d("35000"), 0, d("1"))));
    assert_eq!(p("三万五千"), Some((d("35000"), 0, d("1"))));
    assert_eq!(p("二〇二四"), Some((d("2024"), 0, d("1"))));
    assert_eq!(p("千"), Some((d("1000"), 0, d("1"))));
    assert_eq!(p("五点五四万"), Some((d("55400"), 2, d("10000"))));
    assert_eq!(p("五点五四"), Some((d("5.54"), 2, d("1"))));
    assert_eq!(p("两千三百万"), Some((d("23000000"), 0, d("10000"))));
    assert_eq!(p("一亿五千万"), Some((d("150000000"), 0, d("10000"))));
    assert_eq!(p("三亿"), Some((d("300000000"), 0, d("100000000"))));
    assert_eq!(p("壹佰贰拾叁"), Some((d("123"), 0, d("1"))));
    assert_eq!(p("十四五"), None);
    assert_eq!(
        p("一二三四五六七八九零一二三四五六七八九零一二三四五六七八九零一二三四"),
        None
    );
    assert_eq!(p("五点"), None);
    assert_eq!(p("abc"), None);
    assert_eq!(p(""), None);
}

/// A deterministic pseudo-random generator (64-bit LCG) for the no-panic sweep.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn arbitrary_input_never_panics() {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "2",
        "5",
        "9",
        "０",
        "９",
        ".",
        "．",
        ",",
        "，",
        "%",
        "％",
        "-",
        "－",
        "+",
        "一",
        "二",
        "两",
        "十",
        "百",
        "千",
        "万",
        "亿",
        "零",
        "〇",
        "点",
        "余",
        "多",
        "约",
        "近",
        "不到",
        "以上",
        "左右",
        "件",
        "条",
        "人次",
        "个",
        "个百分点",
        "元",
        "年",
        "月",
        "日",
        "号",
        "第",
        "〔",
        "〕",
        "(",
        "（",
        "）",
        "“",
        "”",
        "、",
        "。",
        "\n",
        " ",
        "\u{3000}",
        "a",
        "T",
        "/",
        "@",
        "http://",
        "热线",
        "电话:",
        "邮编",
        "百分之",
        "是",
        "统",
        "99999999999999999999",
        "\u{200b}",
        "é",
        "😀",
    ];
    let mut rng = Lcg(0x5eed);
    for round in 0..600 {
        let text = if round % 3 == 0 {
            // Raw bytes, decoded lossily.
            let n = (rng.next() % 40) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let n = (rng.next() % 25) as usize;
            (0..n)
                .map(|_| PIECES[(rng.next() as usize) % PIECES.len()])
                .collect()
        };
        let toks = scan(&text);
        let mut last_end = 0;
        for t in &toks {
            assert!(t.span.start < t.span.end, "{text:?}: {t:?}");
            assert!(t.span.start >= last_end, "overlap in {text:?}: {toks:?}");
            assert!(text.get(t.span.clone()).is_some(), "{text:?}: {t:?}");
            let _ = t.quantity.interval();
            let _ = t.quantity.integer_interval();
            let _ = t.quantity.step();
            last_end = t.span.end;
        }
        let _ = super::parse_cell(&text);
        let _ = super::parse_chinese_numeral(&text);
    }
}
