//! Names, titles and paragraphs in the register of real reports, with figures that agree with the
//! tables.

use super::rng::Rng;

const PLACES: [&str; 24] = [
    "淮安",
    "六盘水",
    "衢州",
    "鄂尔多斯",
    "大理",
    "定西",
    "绍兴",
    "宜昌",
    "赣州",
    "柳州",
    "遵义",
    "泉州",
    "洛阳",
    "潍坊",
    "南通",
    "芜湖",
    "株洲",
    "绵阳",
    "曲靖",
    "天水",
    "榆林",
    "丽水",
    "湖州",
    "常德",
];
const DISTRICTS: [&str; 12] = [
    "",
    "",
    "",
    "淮阴区",
    "清河区",
    "城关区",
    "开发区",
    "新城区",
    "东湖区",
    "西山区",
    "鹤庆县",
    "凤阳县",
];
const BODIES: [&str; 14] = [
    "人民政府",
    "人民政府办公室",
    "交通运输局",
    "教育局",
    "卫生健康委员会",
    "自然资源和规划局",
    "生态环境局",
    "财政局",
    "住房和城乡建设局",
    "市场监督管理局",
    "民政局",
    "人力资源和社会保障局",
    "农业农村局",
    "应急管理局",
];

/// A publishing body such as `淮安市淮阴区教育局`.
pub fn body(rng: &mut Rng) -> String {
    let place = rng.pick(&PLACES);
    let district = rng.pick(&DISTRICTS);
    let body = rng.pick(&BODIES);
    format!("{place}市{district}{body}")
}

const OPENERS: [&str; 6] = [
    "{year}年，{body}在{upper}的正确领导下，坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，扎实推进政府信息公开各项工作。",
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{body}办公室联系。",
    "{year}年，{body}以提升政务公开质量为目标，不断完善工作机制，拓展公开渠道，强化政策解读和回应关切，政府信息公开工作取得了新的成效。",
    "对照年度政务公开工作要点，{body}细化任务分工，明确责任科室和完成时限，将政务公开工作纳入年度目标考核，形成了主要领导亲自抓、分管领导具体抓、科室协同落实的工作格局。",
    "{body}坚持“以公开为常态、不公开为例外”原则，围绕群众关心关注的重点领域，及时、准确、全面公开政府信息，切实保障人民群众的知情权、参与权、表达权和监督权。",
    "按照“谁制作、谁公开，谁保存、谁公开”的原则，{body}严格落实信息发布审核制度，未经审核的信息一律不得发布，全年未发生泄密事件。",
];
const ACTIVE: [&str; 4] = [
    "全年通过政府门户网站主动公开各类政府信息{items}条，其中规范性文件{docs}件，做到应公开尽公开。",
    "围绕财政预决算、重大建设项目、公共资源配置、社会公益事业等重点领域，累计发布信息{items}条，及时更新机构职能、领导分工等基础信息。",
    "在政策解读方面，坚持解读材料与政策文件同步起草、同步审签、同步发布，通过图文、视频等多种形式解读政策{docs}次。",
    "政务新媒体平台全年发布信息{items}条，开展网上互动交流，回应群众关切，提升了信息发布的时效性和覆盖面。",
];
const APPLY: [&str; 4] = [
    "全年共收到政府信息公开申请{received}件，上年结转{carried}件，已全部按照法定时限和程序办理完毕，办结{closed}件。",
    "进一步规范依申请公开工作流程，严格落实登记、审核、办理、答复、归档等环节要求，全年受理依申请公开{received}件，未发生因依申请公开引起的行政复议和行政诉讼纠错情况。",
    "对于申请人提出的政府信息公开申请，做到件件有登记、件件有回复，答复内容规范、依据充分，全年共办结申请{closed}件。",
    "加强与申请人的沟通联系，准确把握申请意图，对申请内容不明确的及时告知补正，提高了答复质量和申请人满意度。",
];
const MANAGE: [&str; 4] = [
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”，全年对拟公开信息逐条审核，未发生泄密和侵犯个人隐私情况。",
    "组织开展政府信息公开专题培训{n}次，提高工作人员业务能力；定期开展栏目自查，及时整改空白栏目和长期不更新栏目。",
    "按照标准化规范化要求，编制并动态更新政务公开事项标准目录，梳理公开事项{n}项，做到目录清晰、内容准确。",
    "将政府信息公开工作纳入年度绩效考核，建立健全工作监督和责任追究机制，全年未发生因政府信息公开工作不到位引起的投诉。",
];
const PROBLEMS: [&str; 4] = [
    "一是部分科室对政务公开工作的重视程度仍需提高，信息发布的及时性有待加强；二是政策解读形式还不够丰富，解读深度有待提升；三是工作人员业务水平参差不齐。",
    "下一步，我们将认真贯彻落实上级关于政务公开工作的部署要求，进一步完善工作机制，丰富公开形式，加强业务培训，不断提升政府信息公开工作质量和水平。",
    "针对上述问题，一是加强组织领导，压实工作责任；二是加大培训力度，提升业务能力；三是强化督促检查，确保各项任务落到实处。",
    "继续加强政府网站和政务新媒体建设管理，做好内容保障，提升互动回应实效，推动政务公开工作再上新台阶。",
];
const OTHER: [&str; 3] = [
    "本年度未收取信息处理费。",
    "无其他需要报告的事项。",
    "本机关严格按照《政府信息公开信息处理费管理办法》执行，全年未收取信息处理费。",
];

fn fill(rng: &mut Rng, pool: &[&str], vars: &[(&str, String)]) -> String {
    let mut s = rng.pick(pool).to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Paragraphs for one section.
pub struct Prose<'a> {
    /// Variables substituted into the sentences (`year`, `body`, `items`, …).
    pub vars: &'a [(&'a str, String)],
}

impl Prose<'_> {
    /// A paragraph of 2–4 sentences from a section's pool.
    pub fn para(&self, rng: &mut Rng, section: Section) -> String {
        let pool: &[&str] = match section {
            Section::Opening => &OPENERS,
            Section::Active => &ACTIVE,
            Section::Apply => &APPLY,
            Section::Manage => &MANAGE,
            Section::Problems => &PROBLEMS,
            Section::Other => &OTHER,
        };
        let n = if section == Section::Other {
            1
        } else {
            rng.range(2, 4)
        };
        (0..n).map(|_| fill(rng, pool, self.vars)).collect()
    }
}

/// Sections of a report's prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Opening / overview.
    Opening,
    /// Proactive disclosure.
    Active,
    /// Applications.
    Apply,
    /// Management and supervision.
    Manage,
    /// Problems and improvements.
    Problems,
    /// Other matters.
    Other,
}
