//! XLSX writer: one sheet per table, numbers as numbers, spans as merged regions.

use super::docx::zip_parts;
use super::{escape_xml, Report, Table};

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `A`, `B`, …, `Z`, `AA` for a 0-based column.
fn col_name(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// Is the text a plain decimal number a spreadsheet stores as a number?
fn is_plain_number(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && !body.starts_with('.')
        && !body.ends_with('.')
        && !(body.len() > 1 && body.starts_with('0') && !body.starts_with("0."))
}

fn sheet_xml(t: &Table) -> String {
    let mut data = String::new();
    for r in 0..t.height {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for cell in t.starting_in(r).filter(|c| !c.text.is_empty()) {
            let addr = format!("{}{}", col_name(cell.col), r + 1);
            if is_plain_number(&cell.text) {
                data.push_str(&format!("<c r=\"{addr}\"><v>{}</v></c>", cell.text));
            } else {
                data.push_str(&format!(
                    "<c r=\"{addr}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape_xml(&cell.text)
                ));
            }
        }
        data.push_str("</row>");
    }
    let merges: Vec<String> = t
        .cells
        .iter()
        .filter(|c| c.rowspan > 1 || c.colspan > 1)
        .map(|c| {
            format!(
                "<mergeCell ref=\"{}{}:{}{}\"/>",
                col_name(c.col),
                c.row + 1,
                col_name(c.col + c.colspan - 1),
                c.row + c.rowspan
            )
        })
        .collect();
    let merge_xml = if merges.is_empty() {
        String::new()
    } else {
        format!(
            "<mergeCells count=\"{}\">{}</mergeCells>",
            merges.len(),
            merges.concat()
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN_NS}\"><sheetData>{data}</sheetData>{merge_xml}</worksheet>"
    )
}

/// The report's tables as a workbook, one sheet (`Sheet1`, `Sheet2`, …) per table.
pub fn write_xlsx(report: &Report) -> Vec<u8> {
    let tables: Vec<&Table> = report.tables().collect();
    let ws_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    let mut types = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    ));
    let mut sheets = String::new();
    let mut rels = String::new();
    for i in 1..=tables.len() {
        types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"{ws_type}\"/>"
        ));
        sheets.push_str(&format!(
            "<sheet name=\"Sheet{i}\" sheetId=\"{i}\" r:id=\"rId{i}\"/>"
        ));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{i}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
        ));
    }
    types.push_str("</Types>");
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), types),
        (
            "_rels/.rels".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        ),
        (
            "xl/workbook.xml".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheets>{sheets}</sheets></workbook>"),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"),
        ),
    ];
    for (i, t) in tables.iter().enumerate() {
        parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), sheet_xml(t)));
    }
    let borrowed: Vec<(&str, String)> =
        parts.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    zip_parts(&borrowed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_and_columns() {
        assert_eq!(super::col_name(0), "A");
        assert_eq!(super::col_name(26), "AA");
        assert!(super::is_plain_number("96171.6"));
        assert!(!super::is_plain_number("+8"));
        assert!(!super::is_plain_number("78874.11万元"));
    }
}
