//! The document model of a generated report: headings, paragraphs and span-carrying tables whose
//! value cells know the fact they print (so an injected error can be located in every rendering).

/// One printed table cell (HTML-style: only origin cells are stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GCell {
    /// Printed text.
    pub text: String,
    /// Rows spanned (≥ 1).
    pub rowspan: usize,
    /// Columns spanned (≥ 1).
    pub colspan: usize,
    /// Fact name (`apply.new[total]`) for value cells.
    pub key: Option<String>,
}

impl GCell {
    /// A label cell.
    pub fn label(text: &str) -> Self {
        GCell {
            text: text.to_string(),
            rowspan: 1,
            colspan: 1,
            key: None,
        }
    }

    /// A label cell spanning rows and columns.
    pub fn span(text: &str, rowspan: usize, colspan: usize) -> Self {
        GCell {
            text: text.to_string(),
            rowspan,
            colspan,
            key: None,
        }
    }

    /// A value cell printing `value` for fact `key`.
    pub fn value(text: String, key: String) -> Self {
        GCell {
            text,
            rowspan: 1,
            colspan: 1,
            key: Some(key),
        }
    }
}

/// A table: rows of origin cells in a grid `width` columns wide.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Number of grid columns.
    pub width: usize,
    /// Rows of origin cells.
    pub rows: Vec<Vec<GCell>>,
}

/// Where a grid slot comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Nothing there (a short row).
    Empty,
    /// The origin of cell `(row, index)`.
    Origin(usize, usize),
    /// Covered by the span of cell `(row, index)` starting elsewhere.
    Covered(usize, usize),
}

impl Grid {
    /// Lay the origin cells out on the grid (the HTML table algorithm).
    pub fn layout(&self) -> Vec<Vec<Slot>> {
        let mut slots = vec![vec![Slot::Empty; self.width]; self.rows.len()];
        for (r, row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for (i, cell) in row.iter().enumerate() {
                while c < self.width && slots[r][c] != Slot::Empty {
                    c += 1;
                }
                if c >= self.width {
                    break;
                }
                for (dr, line) in slots
                    .iter_mut()
                    .skip(r)
                    .take(cell.rowspan.max(1))
                    .enumerate()
                {
                    for (dc, slot) in line
                        .iter_mut()
                        .skip(c)
                        .take(cell.colspan.max(1))
                        .enumerate()
                    {
                        *slot = if dr == 0 && dc == 0 {
                            Slot::Origin(r, i)
                        } else {
                            Slot::Covered(r, i)
                        };
                    }
                }
                c += cell.colspan.max(1);
            }
        }
        slots
    }

    /// The cell printing fact `key`, if any.
    pub fn find_mut(&mut self, key: &str) -> Option<&mut GCell> {
        self.rows
            .iter_mut()
            .flat_map(|r| r.iter_mut())
            .find(|c| c.key.as_deref() == Some(key))
    }
}

/// A block of a generated report.
#[derive(Debug, Clone)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph of prose.
    Para(String),
    /// A statistics table.
    Table(Grid),
}

/// Report formats the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 政府信息公开情况统计表 (2014–2018).
    F2014,
    /// 国办公开办函〔2019〕60号 (2019–2020).
    F2019,
    /// 国办公开办函〔2021〕30号 (2021 onward).
    F2021,
}

impl Format {
    /// Pack id.
    pub fn id(self) -> &'static str {
        match self {
            Format::F2014 => "F2014",
            Format::F2019 => "F2019",
            Format::F2021 => "F2021",
        }
    }
}

/// An injected inconsistency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    /// Rule expected to fire (`F2019-T3-ROW`).
    pub rule: String,
    /// Fact changed (`apply.new[natural_person]`).
    pub key: String,
    /// Amount added.
    pub delta: u64,
    /// Every fact changed (the first is `key`; a second keeps a column total in step).
    pub keys: Vec<String>,
}

/// A generated report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Format.
    pub format: Format,
    /// Reporting year.
    pub year: u32,
    /// Publishing body (`淮安市交通运输局`).
    pub body: String,
    /// Title.
    pub title: String,
    /// Blocks in order.
    pub blocks: Vec<Block>,
    /// The inconsistency injected, if any.
    pub injected: Option<Injection>,
}

impl Report {
    /// Add `delta` to every cell printing one of `keys` (and record the first as the injection).
    pub fn inject(&mut self, rule: &str, keys: &[String], delta: u64) -> bool {
        let mut changed = false;
        for key in keys {
            for block in &mut self.blocks {
                if let Block::Table(g) = block {
                    if let Some(cell) = g.find_mut(key) {
                        if let Ok(v) = cell.text.trim().parse::<u64>() {
                            cell.text = (v + delta).to_string();
                            changed = true;
                        }
                    }
                }
            }
        }
        if changed {
            self.injected = Some(Injection {
                rule: rule.to_string(),
                key: keys.first().cloned().unwrap_or_default(),
                delta,
                keys: keys.to_vec(),
            });
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_places_spans_like_html() {
        let g = Grid {
            width: 3,
            rows: vec![
                vec![GCell::span("a", 2, 1), GCell::span("b", 1, 2)],
                vec![GCell::label("c"), GCell::label("d")],
            ],
        };
        let s = g.layout();
        assert_eq!(
            s[0],
            vec![Slot::Origin(0, 0), Slot::Origin(0, 1), Slot::Covered(0, 1)]
        );
        assert_eq!(
            s[1],
            vec![Slot::Covered(0, 0), Slot::Origin(1, 0), Slot::Origin(1, 1)]
        );
    }
}
