//! File errors in Chinese.

/// A file error (the English text of [`super::ReadError`] or of the walk) in Chinese. Known shapes are
/// translated whole; details quoted from other tools (pdftotext's own message, an OS error)
/// stay as they were printed.
pub fn error_zh(en: &str) -> String {
    const PHRASES: &[(&str, &str)] = &[
        (
            "open it in Word or WPS and save it as .docx, or install LibreOffice so that gouji converts it",
            "请用 Word 或 WPS 打开并另存为 .docx，或安装 LibreOffice 由 gouji 自动转换",
        ),
        (
            "install LibreOffice (https://www.libreoffice.org) or point GOUJI_SOFFICE at its soffice program, or open the file in Word or WPS and save it as .docx",
            "请安装 LibreOffice（https://www.libreoffice.org），或用环境变量 GOUJI_SOFFICE 指向其 soffice 程序，或用 Word 或 WPS 打开并另存为 .docx",
        ),
        ("open it in Word or WPS and save it as .docx", "请用 Word 或 WPS 打开并另存为 .docx"),
        ("save it as .docx (text) or .xlsx (spreadsheet)", "请另存为 .docx（文档）或 .xlsx（表格）"),
        ("unpack the archive and check the reports inside it", "请解压后检查其中的报告"),
        ("save it as .docx or .xlsx", "请另存为 .docx 或 .xlsx"),
        ("word/document.xml is missing", "缺少 word/document.xml"),
        ("xl/workbook.xml is missing", "缺少 xl/workbook.xml"),
        (
            "the PDF is encrypted (password-protected); save an unprotected copy and check that",
            "PDF 已加密（有密码保护）；请另存一份不加密的副本再检查",
        ),
        (
            "install poppler (Debian/Ubuntu: `apt-get install poppler-utils poppler-data`; macOS: `brew install poppler`; Windows: unpack a poppler build for Windows and add its bin folder to PATH) or point GOUJI_PDFTOTEXT at the pdftotext binary",
            "请安装 poppler（Debian/Ubuntu：`apt-get install poppler-utils poppler-data`；macOS：`brew install poppler`；Windows：下载 poppler 的 Windows 版并把其 bin 目录加入 PATH），或用环境变量 GOUJI_PDFTOTEXT 指向 pdftotext 程序",
        ),
        ("OLE2 compound file", "OLE2 复合文档"),
        ("no error message", "无错误信息"),
        ("was not found; ", "未找到；"),
        ("was not found", "未找到"),
        ("pdftotext cannot open it", "pdftotext 无法打开"),
        ("LibreOffice did not convert the file: ", "LibreOffice 未能转换该文件："),
        ("LibreOffice failed (exit code", "LibreOffice 运行失败（退出码"),
        ("LibreOffice was killed by a signal", "LibreOffice 被信号终止"),
        (
            "LibreOffice's conversion is not a readable .docx; open the file in Word or WPS and save it as .docx",
            "LibreOffice 转换得到的文件不是可读的 .docx；请用 Word 或 WPS 打开并另存为 .docx",
        ),
        ("copying text is not permitted by the PDF", "该 PDF 不允许复制文字"),
        ("pdftotext failed (exit code", "pdftotext 运行失败（退出码"),
        ("pdftotext was killed by a signal", "pdftotext 被信号终止"),
        ("not a report file type", "不是报告文件类型"),
        ("hidden; name it explicitly to check it", "隐藏文件；请明确写出文件名来检查"),
        ("; --no-ignore checks it", "；使用 --no-ignore 可检查"),
        ("ignored by the global git excludes", "被 git 全局排除规则忽略"),
    ];
    let phrases = |s: &str| {
        timeouts(
            &PHRASES
                .iter()
                .fold(s.to_string(), |acc, (e, z)| acc.replace(e, z)),
        )
    };
    let split = |s: &str, sep: &str| {
        s.split_once(sep)
            .map(|(a, b)| (a.to_string(), b.to_string()))
    };
    if en == "no such file or directory" {
        return "文件或目录不存在".into();
    }
    if en == "file is empty" {
        return "文件为空".into();
    }
    if en.starts_with("internal error while checking this") {
        return "检查此文件时发生内部错误（这是 gouji 的缺陷，请报告）".into();
    }
    if let Some(rest) = en.strip_prefix("cannot read file: ") {
        return format!("无法读取文件：{rest}");
    }
    if let Some(rest) = en.strip_prefix("cannot read standard input: ") {
        return format!("无法读取标准输入：{rest}");
    }
    if let Some(rest) = en.strip_prefix("file is too large (") {
        let rest = rest.trim_end_matches(')');
        if let Some((size, limit)) = split(rest, " bytes; limit ") {
            return format!(
                "文件过大（{size} 字节，上限 {} 字节）",
                limit.trim_end_matches(" bytes")
            );
        }
    }
    if let Some(rest) = en.strip_prefix("not a report: looks like binary data (") {
        return format!(
            "不是报告：看起来是二进制数据（{}）",
            rest.trim_end_matches(')')
        );
    }
    if let Some(rest) = en.strip_prefix("cannot decode text as ") {
        if let Some((enc, n)) = split(rest, ": ") {
            return format!(
                "无法按 {enc} 解码文本：有 {} 处无效字节序列",
                n.trim_end_matches(" malformed byte sequences")
            );
        }
    }
    if let Some((format, reason)) = split(en, " file is damaged or unsupported: ") {
        return format!(
            "{} 文件已损坏或不受支持：{}",
            phrases(&format),
            phrases(&reason)
        );
    }
    if let Some((format, hint)) = split(en, " files are not supported: ") {
        return format!("不能直接读取 {} 文件：{}", phrases(&format), phrases(&hint));
    }
    if let Some((tool, reason)) = split(en, " is needed to read this file: ") {
        return format!("读取此文件需要 {tool}：{}", phrases(&reason));
    }
    if let Some(rest) = en.strip_prefix("ignored by ") {
        if let Some((file, pat)) = split(rest, " (pattern ") {
            return format!(
                "被 {file} 忽略（模式 {}）",
                phrases(&pat).replacen(")", "）", 1)
            );
        }
    }
    phrases(en)
}

/// `TOOL did not finish within N s and was stopped` (a converter's timeout) in Chinese.
fn timeouts(s: &str) -> String {
    const MID: &str = " did not finish within ";
    const END: &str = " s and was stopped";
    let Some(at) = s.find(MID) else {
        return s.to_string();
    };
    let rest = &s[at + MID.len()..];
    let Some(end) = rest.find(END) else {
        return s.to_string();
    };
    let secs = &rest[..end];
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let tool_start = s[..at].rfind(' ').map_or(0, |i| i + 1);
    format!(
        "{}{} 未在 {secs} 秒内完成，已被终止{}",
        &s[..tool_start],
        &s[tool_start..at],
        &rest[end + END.len()..]
    )
}
