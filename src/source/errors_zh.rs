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
        // What a container's damage looks like (gouji's words and the zip reader's).
        ("not a valid zip archive (", "不是有效的 zip 压缩包（"),
        ("); the file may be truncated or encrypted", "）；文件可能不完整或已加密"),
        ("); the file may be truncated", "）；文件可能不完整"),
        ("invalid Zip archive: ", "不是有效的 zip 压缩包："),
        ("Could not find EOCD", "找不到目录结尾记录（EOCD）"),
        ("Could not find central directory end", "找不到中央目录结尾记录"),
        ("unsupported zip feature (", "不支持的 zip 特性（"),
        ("a part of the package is missing", "文件包中缺少一个部件"),
        ("cannot read the zip container (", "无法读取 zip 容器（"),
        ("not a readable workbook (", "不是可读取的工作簿（"),
        ("cannot decompress ", "无法解压 "),
        ("cannot open ", "无法打开 "),
        ("cannot read sheet ", "无法读取工作表 "),
        (" is not valid UTF-16", " 不是有效的 UTF-16"),
        ("specified file not found in archive", "压缩包中没有指定的文件"),
        // What binary data looked like.
        ("NUL bytes", "含 NUL 字节"),
        ("control characters", "含控制字符"),
        ("ELF executable", "ELF 可执行文件"),
        ("PNG image", "PNG 图片"),
        ("JPEG image", "JPEG 图片"),
        ("GIF image", "GIF 图片"),
        ("gzip archive", "gzip 压缩包"),
        ("7z archive", "7z 压缩包"),
        ("RAR archive", "RAR 压缩包"),
        ("xz archive", "xz 压缩包"),
        ("zstd archive", "zstd 压缩包"),
        ("Java class or Mach-O binary", "Java 类文件或 Mach-O 可执行文件"),
        ("Mach-O binary", "Mach-O 可执行文件"),
        ("WebAssembly module", "WebAssembly 模块"),
        // Budgets of the readers.
        ("; gouji reads at most ", "；gouji 最多读取 "),
        (" cells per workbook", " 个单元格（每个工作簿）"),
        ("; not a report", "；不是报告"),
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
            phrases(rest.trim_end_matches(')'))
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
    if let Some((format, reason)) = split(en, " file is too large to read: ") {
        // A space between a Latin format name and the Chinese, as in the other messages.
        let format = if format == "text" {
            "文本".to_string()
        } else {
            format!("{format} ")
        };
        return format!("{format}文件过大，无法读取：{}", budget_zh(&reason));
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

/// A reader's budget in Chinese (`more than 1000000 lines (1100000); not a report`).
fn budget_zh(reason: &str) -> String {
    let (head, tail) = reason.split_once("; ").unwrap_or((reason, ""));
    let tail = match tail {
        "" => String::new(),
        "not a report" => "；不是报告".to_string(),
        other => format!("；{other}"),
    };
    let Some(rest) = head.strip_prefix("more than ") else {
        return error_zh(reason);
    };
    let Some((limit, what)) = rest.split_once(' ') else {
        return error_zh(reason);
    };
    if let Some(n) = what
        .strip_prefix("lines (")
        .and_then(|w| w.strip_suffix(')'))
    {
        return format!("超过 {limit} 行（共 {n} 行）{tail}");
    }
    if let Some(n) = what
        .strip_prefix("table cells (")
        .and_then(|w| w.strip_suffix(" `|` separators)"))
    {
        return format!("超过 {limit} 个表格单元格（共 {n} 个 `|` 分隔符）{tail}");
    }
    error_zh(reason)
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

#[cfg(test)]
mod tests {
    use super::error_zh;

    #[test]
    fn damaged_containers_and_binary_data_are_said_in_chinese() {
        assert_eq!(
            error_zh(
                "DOCX file is damaged or unsupported: invalid Zip archive: Could not find EOCD"
            ),
            "DOCX 文件已损坏或不受支持：不是有效的 zip 压缩包：找不到目录结尾记录（EOCD）"
        );
        assert_eq!(
            error_zh(
                "text file is too large to read: more than 1000000 lines (1100000); not a report"
            ),
            "文本文件过大，无法读取：超过 1000000 行（共 1100000 行）；不是报告"
        );
        assert!(
            error_zh("XLSX file is too large to read: something")
                .starts_with("XLSX 文件过大，无法读取："),
            "a Latin format name is spaced from the Chinese"
        );
        assert_eq!(
            error_zh("not a report: looks like binary data (NUL bytes)"),
            "不是报告：看起来是二进制数据（含 NUL 字节）"
        );
        assert_eq!(
            error_zh("not a report: looks like binary data (Java class or Mach-O binary)"),
            "不是报告：看起来是二进制数据（Java 类文件或 Mach-O 可执行文件）"
        );
    }
}
