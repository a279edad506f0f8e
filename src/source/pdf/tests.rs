use super::*;

fn dump(doc: &Document) {
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => println!("P {:?} {:?}", p.locator, doc.slice(&p.span).chars().take(30).collect::<String>()),
            Block::Table(t) => {
                println!("TABLE {:?} rows={}", t.locator, t.rows.len());
                for r in &t.rows {
                    let cells: Vec<String> = r.cells.iter().map(|c| format!("{}@{}", c.text, c.locator.as_deref().unwrap_or(""))).collect();
                    println!("   {}", cells.join(" | "));
                }
            }
        }
    }
}

#[test]
fn dump_both() {
    for f in ["hongze-2024.pdf", "huaian-2024.pdf"] {
        let bytes = std::fs::read(format!("fixtures/pdf/{f}")).unwrap();
        let doc = read(f, &bytes).unwrap();
        dump(&doc);
    }
}
