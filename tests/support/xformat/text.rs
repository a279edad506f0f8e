//! Text (pipe rows) and Markdown writers.

use super::{Block, Report, Table};

/// Cells printed on row `r`: the cells starting there, padded with blanks to the grid width
/// (merged cells are printed once, in their first row, as a copied web table reads).
fn printed_row(t: &Table, r: usize) -> Vec<&str> {
    let mut cells: Vec<&str> = t.starting_in(r).map(|c| c.text.as_str()).collect();
    while cells.len() < t.width {
        cells.push("");
    }
    cells
}

/// One pipe-dump row: `a | b | |||` (each cell closed by `|`, like seed 002).
fn pipe_row(cells: &[&str]) -> String {
    let mut out = String::new();
    let mut prev_text = false;
    for (i, cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            out.push_str(if prev_text { " |" } else { "|" });
            prev_text = false;
        } else {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(cell);
            out.push_str(" |");
            prev_text = true;
        }
    }
    out
}

/// The report as plain text with pipe-row tables.
pub fn write_text(report: &Report) -> String {
    let mut out = format!("{}\n", report.title);
    for block in &report.blocks {
        match block {
            Block::Para(p) => {
                out.push_str(p);
                out.push('\n');
            }
            Block::Table(t) => {
                for r in 0..t.height {
                    out.push_str(&pipe_row(&printed_row(t, r)));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The report as Markdown: `# title`, paragraphs separated by blank lines, pipe tables.
pub fn write_markdown(report: &Report) -> String {
    let mut out = format!("# {}\n\n", report.title);
    for block in &report.blocks {
        match block {
            Block::Para(p) => {
                out.push_str(p);
                out.push_str("\n\n");
            }
            Block::Table(t) => {
                for r in 0..t.height {
                    let cells = printed_row(t, r);
                    out.push('|');
                    for cell in &cells {
                        out.push(' ');
                        out.push_str(cell);
                        out.push_str(" |");
                    }
                    out.push('\n');
                    if r == 0 {
                        out.push('|');
                        out.push_str(&"---|".repeat(cells.len()));
                        out.push('\n');
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pipe_row;

    #[test]
    fn pipe_rows_look_like_seed_002() {
        assert_eq!(
            pipe_row(&["第二十条第(一)项", "", "", ""]),
            "第二十条第(一)项 | |||"
        );
        assert_eq!(pipe_row(&["a", "1", "", "2"]), "a | 1 | | 2 |");
    }
}
