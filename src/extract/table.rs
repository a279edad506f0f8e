//! Table facts: assign document tables to pack tables, find rows by label, map value cells to
//! columns.

use super::label::{fold, fold_into, normalize, strip_label};
use super::{Fact, FactValue, Facts, Provenance, TableInstance};
use crate::name::Name;
use crate::number::{parse_cell, CellValue, UNIT_WORDS};
use crate::rules::pack::{Align, TableDef, TextSearch};
use crate::rules::Registry;
use crate::source::{Cell, Document, Table};
use rustc_hash::FxHashSet as HashSet;

/// A table row split into label cells and value cells.
struct RowView<'a> {
    /// Normalised texts of the label cells (deduplicated by origin).
    labels: Vec<String>,
    /// The row's unit cell, if one of its label cells is a unit.
    unit: Option<String>,
    /// The label cells read as one label (normalised concatenation), when there are several.
    joined: Option<String>,
    /// Value cells with their parsed values.
    values: Vec<(&'a Cell, CellValue)>,
}

impl RowView<'_> {
    fn has_number(&self) -> bool {
        self.values
            .iter()
            .any(|(_, v)| matches!(v, CellValue::Number(_)))
    }
}

fn row_view<'a>(cells: &'a [Cell], folds: &TableFolds) -> RowView<'a> {
    // Value cells: the longest suffix of cells that are not text. A mistyped figure (`1O`,
    // `一`) stands where a figure belongs: it keeps its column instead of becoming a label.
    // Read from the right, so label cells are not parsed as figures past the first.
    let mut values = Vec::new();
    let mut split = 0;
    for (i, cell) in cells.iter().enumerate().rev() {
        let v = parse_cell(&cell.text);
        if matches!(v, CellValue::Text) && !super::stream::is_mistyped_figure(cell.text.trim()) {
            split = i + 1;
            break;
        }
        values.push((cell, v));
    }
    values.reverse();
    // Copies of a spanning label cell count once (rows have a handful of cells).
    // Every label was folded character by character: their concatenation is its own fold.
    let mut simple = true;
    let mut own = String::new();
    let label_cells = &cells[..split];
    let labels: Vec<String> = label_cells
        .iter()
        .enumerate()
        .filter(|&(k, c)| !label_cells[..k].iter().any(|p| p.origin == c.origin))
        .filter_map(|(_, c)| {
            // `normalize`, from the table's fold of the cell.
            let (folded, fast) = match folds.get(c) {
                Some(f) => f,
                None => {
                    own.clear();
                    let fast = fold_into(&c.text, &mut own);
                    (own.as_str(), fast)
                }
            };
            let label = strip_label(folded);
            simple &= fast || label.is_empty();
            (!label.is_empty()).then(|| label.to_string())
        })
        .collect();
    let joined = (labels.len() > 1).then(|| {
        let all = labels.concat();
        if simple {
            strip_label(&all).to_string()
        } else {
            normalize(&all)
        }
    });
    let unit = cells[..split]
        .iter()
        .map(|c| c.text.trim())
        .find(|t| UNIT_WORDS.contains(t))
        .map(str::to_string);
    RowView {
        labels,
        joined,
        unit,
        values,
    }
}

/// The folded text of a table: each cell folded once (the first of copies that share an
/// origin), separated so signatures never match across cells; where each cell's fold is.
struct TableFolds<'t> {
    /// The folds, each followed by `\u{1}`.
    text: String,
    /// Per distinct origin: the text folded, where its fold is in `text`, and whether it was
    /// folded character by character.
    cells: Vec<(&'t str, std::ops::Range<usize>, bool)>,
    /// Origin → index in `cells`.
    index: OriginIndex,
}

/// Where the entry of each cell origin is: a table's origins are mostly one run of numbers
/// (a slot per number), else a map.
enum OriginIndex {
    Dense { base: usize, slots: Vec<u32> },
    Sparse(rustc_hash::FxHashMap<usize, u32>),
}

impl OriginIndex {
    fn new(table: &Table) -> Self {
        let cells = || table.rows.iter().flat_map(|r| r.cells.iter());
        let n = cells().count();
        let (lo, hi) = cells().fold((usize::MAX, 0), |(lo, hi), c| {
            (lo.min(c.origin), hi.max(c.origin))
        });
        if lo <= hi && hi - lo < n.saturating_mul(4) + 64 {
            OriginIndex::Dense {
                base: lo,
                slots: vec![u32::MAX; hi - lo + 1],
            }
        } else {
            OriginIndex::Sparse(rustc_hash::FxHashMap::default())
        }
    }

    fn get(&self, origin: usize) -> Option<usize> {
        let i = match self {
            OriginIndex::Dense { base, slots } => *slots.get(origin.checked_sub(*base)?)?,
            OriginIndex::Sparse(map) => *map.get(&origin)?,
        };
        (i != u32::MAX).then_some(i as usize)
    }

    /// Records entry `i` for `origin` unless it has one; `true` when it had none.
    fn insert(&mut self, origin: usize, i: usize) -> bool {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        match self {
            OriginIndex::Dense { base, slots } => {
                match origin.checked_sub(*base).and_then(|k| slots.get_mut(k)) {
                    Some(slot) if *slot == u32::MAX => {
                        *slot = i;
                        true
                    }
                    Some(_) => false,
                    // Outside the run (never, by construction): read as new, as a map would.
                    None => true,
                }
            }
            OriginIndex::Sparse(map) => match map.entry(origin) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                    true
                }
            },
        }
    }
}

impl<'t> TableFolds<'t> {
    fn new(table: &'t Table) -> Self {
        let mut index = OriginIndex::new(table);
        let mut text = String::new();
        let mut cells = Vec::new();
        for cell in table.rows.iter().flat_map(|r| r.cells.iter()) {
            if index.insert(cell.origin, cells.len()) {
                let start = text.len();
                let fast = fold_into(&cell.text, &mut text);
                cells.push((cell.text.as_str(), start..text.len(), fast));
                text.push('\u{1}');
            }
        }
        TableFolds { text, cells, index }
    }

    /// The fold of `cell` and whether it was folded character by character, when the table's
    /// fold of its origin is of the same text.
    fn get(&self, cell: &Cell) -> Option<(&str, bool)> {
        let (src, range, fast) = self.cells.get(self.index.get(cell.origin)?)?;
        (*src == cell.text).then(|| (self.text.get(range.clone()).unwrap_or(""), *fast))
    }
}

/// Extract every table of `doc` with the registry's packs.
pub fn extract_tables(doc: &Document, registry: &Registry) -> Facts {
    let mut search = TextSearch::new(fold(&doc.view));
    let pack_signed: Vec<bool> = registry
        .packs
        .iter()
        .map(|p| p.detect.matches_in(&mut search))
        .collect();
    let mut facts = Facts::default();
    for (number, table) in doc.tables().enumerate() {
        let folds = TableFolds::new(table);
        let text = &folds.text;
        // Candidates: (pack, table def) whose signatures match, grouped by table id.
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for (pi, pack) in registry.packs.iter().enumerate() {
            for (ti, def) in pack.tables.iter().enumerate() {
                if def.detect.matches(text) {
                    candidates.push((pi, ti));
                }
            }
        }
        let mut ids: Vec<&str> = Vec::new();
        for &(pi, ti) in &candidates {
            let id = registry.packs[pi].tables[ti].id.as_str();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            continue;
        }
        let views: Vec<RowView> = table
            .rows
            .iter()
            .map(|r| row_view(&r.cells, &folds))
            .collect();
        for id in ids {
            let group: Vec<(usize, usize)> = candidates
                .iter()
                .copied()
                .filter(|&(pi, ti)| registry.packs[pi].tables[ti].id == id)
                .collect();
            let signed: Vec<(usize, usize)> = group
                .iter()
                .copied()
                .filter(|&(pi, _)| pack_signed[pi])
                .collect();
            // A table cut into pieces (Markdown with one small table per row group) may carry
            // none of its own form's signatures in a piece: when the document names its form,
            // that form's table of the same id reads the piece, if it finds rows there.
            let document_form: Vec<(usize, usize)> = if signed.is_empty() {
                registry
                    .packs
                    .iter()
                    .enumerate()
                    .filter(|&(pi, _)| pack_signed[pi])
                    .flat_map(|(pi, p)| {
                        p.tables
                            .iter()
                            .enumerate()
                            .filter(|(_, d)| d.id == id)
                            .map(move |(ti, _)| (pi, ti))
                    })
                    .filter(|&(pi, ti)| {
                        !read_rows(&doc.view, &registry.packs[pi].tables[ti], &views)
                            .0
                            .is_empty()
                    })
                    .collect()
            } else {
                Vec::new()
            };
            // Of the signed candidates (or, failing those, the document's form and the pieces'
            // own candidates), the one that reads the most rows; then the higher priority.
            let pool: Vec<(usize, usize)> = if !signed.is_empty() {
                signed
            } else {
                let mut all = group.clone();
                all.extend(document_form.iter().copied().filter(|c| !group.contains(c)));
                all
            };
            // The first of the pool with the largest (rows read, pack signed, priority); each
            // candidate is read once and the winner's reading kept.
            let mut best: Option<Choice> = None;
            for &(pi, ti) in &pool {
                let read = read_rows(&doc.view, &registry.packs[pi].tables[ti], &views);
                if pool.len() == 1 {
                    best = Some((None, (pi, ti), read));
                    break;
                }
                let rows: HashSet<&str> = read.0.iter().map(|f| f.row.as_str()).collect();
                let key = Some((rows.len(), pack_signed[pi], registry.packs[pi].priority));
                if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
                    best = Some((key, (pi, ti), read));
                }
            }
            let Some((_, (pi, ti), (found, not_numbers))) = best else {
                continue;
            };
            facts.tables.push(TableInstance {
                pack: pi,
                table: ti,
                table_number: number + 1,
                span: table.span.clone(),
                facts: found,
                ambiguous: Vec::new(),
                not_numbers,
            });
        }
    }
    read_streams(doc, registry, search, &pack_signed, &mut facts);
    facts
}

/// Read, from the document as a stream of tokens, the pack tables its grids did not give, or
/// gave only in part: crawled text with no grid at all, Markdown cut into one small table per
/// row group, a grid whose header or rows came apart. Rows a grid already gave keep the grid's
/// reading; the stream adds the rows it missed.
fn read_streams<'r>(
    doc: &Document,
    registry: &'r Registry,
    mut search: TextSearch<'r>,
    pack_signed: &[bool],
    facts: &mut Facts,
) {
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (pi, pack) in registry.packs.iter().enumerate() {
        for ti in 0..pack.tables.len() {
            candidates.push((pi, ti));
        }
    }
    // Pay for the stream only where a grid left rows of a detected table unread.
    // (Whether each grid table gave nine in ten of its rows, told once per table.)
    let full: Vec<bool> = facts
        .tables
        .iter()
        .map(|t| {
            let d = &registry.packs[t.pack].tables[t.table];
            let rows: HashSet<&str> = t.facts.iter().map(|f| f.row.as_str()).collect();
            rows.len() * 10 >= d.rows.len() * 9
        })
        .collect();
    let complete = |pi: usize, ti: usize| {
        let def = &registry.packs[pi].tables[ti];
        facts
            .tables
            .iter()
            .zip(&full)
            .any(|(t, &full)| full && registry.packs[t.pack].tables[t.table].id == def.id)
    };
    candidates.retain(|&(pi, ti)| !complete(pi, ti));
    // Where a grid gave part of a table, the stream completes it with the same definition.
    candidates.retain(|&(pi, ti)| {
        let id = &registry.packs[pi].tables[ti].id;
        facts.tables.iter().all(|t| {
            registry.packs[t.pack].tables[t.table].id != *id || (t.pack == pi && t.table == ti)
        })
    });
    // The signatures last: a search of the whole text, only for the tables still in question.
    candidates.retain(|&(pi, ti)| registry.packs[pi].tables[ti].detect.matches_in(&mut search));
    // The folded copy of the whole text is not needed past here: not held beside the stream.
    drop(search);
    if candidates.is_empty() {
        return;
    }
    let stream = super::stream::Stream::new(doc);
    let mut ids: Vec<&str> = Vec::new();
    for &(pi, ti) in &candidates {
        let id = registry.packs[pi].tables[ti].id.as_str();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut number = doc.tables().count();
    let mut added = Vec::new();
    for id in ids {
        // Of the pack tables that share this id, the one that finds the most rows; then the
        // pack whose own signatures the document carries; then the higher priority.
        let best = candidates
            .iter()
            .filter(|&&(pi, ti)| registry.packs[pi].tables[ti].id == id)
            .map(|&(pi, ti)| {
                let found = stream.find(&registry.packs[pi].tables[ti]);
                let rows: usize = found.iter().map(|f| f.len()).sum();
                (
                    (rows, pack_signed[pi], registry.packs[pi].priority),
                    pi,
                    ti,
                    found,
                )
            })
            .filter(|(key, ..)| key.0 > 0)
            .max_by_key(|(key, ..)| *key);
        let Some((_, pi, ti, found)) = best else {
            continue;
        };
        let def = &registry.packs[pi].tables[ti];
        for f in &found {
            let inst = stream.instance(def, f, pi, ti, number + 1);
            // The grid pieces of this table inside the stream's span (a table cut into one
            // small table per row group) become one table, so its identities see every row.
            let pieces: Vec<usize> = (0..facts.tables.len())
                .filter(|&k| {
                    let t = &facts.tables[k];
                    t.pack == pi
                        && t.table == ti
                        && t.span.start < inst.span.end
                        && inst.span.start < t.span.end
                })
                .collect();
            let Some((&first, rest)) = pieces.split_first() else {
                number += 1;
                added.push(inst);
                continue;
            };
            for &k in rest.iter().rev() {
                let piece = facts.tables.remove(k);
                let g = &mut facts.tables[first];
                let have: HashSet<Name> = g.facts.iter().map(|f| f.row.clone()).collect();
                g.facts
                    .extend(piece.facts.into_iter().filter(|f| !have.contains(&f.row)));
                g.ambiguous.extend(piece.ambiguous);
                g.not_numbers.extend(piece.not_numbers);
                g.span = g.span.start.min(piece.span.start)..g.span.end.max(piece.span.end);
            }
            let g = &mut facts.tables[first];
            // Rows the grid read stay as read; rows it missed come from the stream.
            let have: HashSet<Name> = g.facts.iter().map(|f| f.row.clone()).collect();
            g.facts
                .extend(inst.facts.into_iter().filter(|f| !have.contains(&f.row)));
            g.not_numbers.extend(inst.not_numbers);
            g.ambiguous.extend(
                inst.ambiguous
                    .into_iter()
                    .filter(|a| !have.contains(&a.row)),
            );
            g.span = g.span.start.min(inst.span.start)..g.span.end.max(inst.span.end);
        }
    }
    facts.tables.extend(added);
    facts.tables.sort_by_key(|t| t.span.start);
}

/// Find each declared row and turn its value cells into facts.
/// What [`read_rows`] gives: the facts of a table and its cells that hold no number.
type ReadRows = (Vec<Fact>, Vec<super::NotNumber>);

/// A candidate definition while choosing one for a table: its ranking key (none when it is the
/// only candidate), its (pack, table) indices and its reading.
type Choice = (Option<(usize, bool, i32)>, (usize, usize), ReadRows);

fn read_rows(view: &str, def: &TableDef, views: &[RowView]) -> ReadRows {
    let mut matched: Vec<Option<usize>> = vec![None; def.rows.len()];
    let mut taken = vec![false; views.len()];
    for (ri, row) in def.rows.iter().enumerate() {
        let start = match row.after {
            Some(a) => match matched[a] {
                Some(i) => i + 1,
                None => continue,
            },
            None => 0,
        };
        let unlabeled_fits =
            |v: &RowView| v.labels.is_empty() && v.values.len() >= def.columns.len();
        // An unlabeled row: the first one with figures, else (an unfilled form) the first blank one.
        let blank_unlabeled = row.unlabeled
            && !(start..views.len())
                .any(|i| !taken[i] && unlabeled_fits(&views[i]) && views[i].has_number());
        let hit = (start..views.len()).find(|&i| {
            let v = &views[i];
            if taken[i] || v.values.is_empty() {
                return false;
            }
            if row.unlabeled {
                unlabeled_fits(v) && (v.has_number() || blank_unlabeled)
            } else {
                v.labels.iter().any(|l| row.match_labels.contains(l))
                    || v.joined
                        .as_ref()
                        .is_some_and(|j| row.match_labels.contains(j))
            }
        });
        if let Some(i) = hit {
            matched[ri] = Some(i);
            taken[i] = true;
        }
    }
    match_dropped_glyphs(def, views, &mut matched, &mut taken);
    let mut facts = Vec::new();
    let mut not_numbers = Vec::new();
    for (ri, row) in def.rows.iter().enumerate() {
        let Some(vi) = matched[ri] else { continue };
        // A row with fewer columns than its table (第（八）项 has no 处理决定数量): a cell
        // spanning the missing column is one figure, not two.
        let own: Vec<(&Cell, CellValue)>;
        let values = match &row.columns {
            Some(_) => {
                let mut seen = HashSet::default();
                own = views[vi]
                    .values
                    .iter()
                    .filter(|(c, _)| seen.insert(c.origin))
                    .cloned()
                    .collect();
                &own
            }
            None => &views[vi].values,
        };
        let columns: Vec<(usize, &crate::rules::pack::ColumnDef)> = match &row.columns {
            Some(subset) => subset.iter().map(|&i| (i, &def.columns[i])).collect(),
            None => def.columns.iter().enumerate().collect(),
        };
        let n = columns.len();
        // More figures than the form has columns (a report that added a 小计 column): which
        // figure belongs to which column is unknown, so the row gives no facts rather than
        // misplaced ones.
        // (Copies of a spanning cell are not extra figures.)
        let mapped = &values[..n.min(values.len())];
        if def.align == Align::Left
            && values[mapped.len()..].iter().any(|(cell, v)| {
                matches!(v, CellValue::Number(_))
                    && !mapped.iter().any(|(m, _)| m.origin == cell.origin)
            })
        {
            continue;
        }
        for (ci, &(_, col)) in columns.iter().enumerate() {
            let idx = match def.align {
                Align::Left => Some(ci),
                Align::Right => (values.len() + ci).checked_sub(n),
            };
            let Some((cell, value)) = idx.and_then(|i| values.get(i)) else {
                continue;
            };
            let value = match value {
                CellValue::Number(q) => FactValue::Number(q.clone()),
                CellValue::Blank => FactValue::Blank,
                CellValue::NotApplicable => FactValue::NotApplicable,
                CellValue::Text => {
                    not_numbers.push(super::NotNumber {
                        span: cell.span.clone(),
                        row_label: row.label.clone(),
                        text: cell.text.clone(),
                        glued: false,
                    });
                    continue;
                }
            };
            facts.push(Fact {
                row: row.key.clone(),
                column: col.key.clone(),
                value,
                provenance: Provenance {
                    span: cell.span.clone(),
                    row_label: row.label.clone(),
                    column_label: col.label.clone(),
                    locator: cell.locator.as_deref().map(Box::from),
                    own_text: Provenance::own_text(view, &cell.span, &cell.text),
                    unit: views[vi].unit.as_deref().map(Name::from),
                },
                read: super::Reading::Grid,
            });
        }
    }
    (facts, not_numbers)
}

/// Is `short` what is left of `long` after a few glyphs were dropped (a subsequence keeping at
/// least 70% of it, and at least 3 characters)?
fn is_dropped_glyph_form(short: &str, long: &str) -> bool {
    let (ns, nl) = (short.chars().count(), long.chars().count());
    if ns < 3 || ns >= nl || ns * 10 < nl * 7 {
        return false;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Second pass for rows whose label was printed with dropped glyphs (`其他法律行政止公开`,
/// `政许可`, spec §6): accept a row between the matches of its neighbours in the form's order,
/// whose label is a dropped-glyph form of the expected one, if it is the only such row.
fn match_dropped_glyphs(
    def: &TableDef,
    views: &[RowView],
    matched: &mut [Option<usize>],
    taken: &mut [bool],
) {
    for ri in 0..def.rows.len() {
        let row = &def.rows[ri];
        if matched[ri].is_some() || row.unlabeled || row.after.is_some() {
            continue;
        }
        let lo = matched[..ri].iter().rev().find_map(|m| *m);
        let hi = matched[ri + 1..].iter().find_map(|m| *m);
        let (Some(lo), Some(hi)) = (lo, hi) else {
            continue;
        };
        let candidates: Vec<usize> = (lo + 1..hi)
            .filter(|&i| {
                !taken[i]
                    && !views[i].values.is_empty()
                    && views[i].labels.iter().any(|l| {
                        row.match_labels
                            .iter()
                            .any(|want| is_dropped_glyph_form(l, want))
                    })
            })
            .collect();
        if let [i] = candidates[..] {
            matched[ri] = Some(i);
            taken[i] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_dropped_glyph_form;
    use crate::rules::Registry;
    use crate::source::{read_bytes, Document};
    use std::path::Path;

    fn doc(text: &str) -> Document {
        read_bytes("t.txt", text.as_bytes(), Path::new("t.txt")).unwrap()
    }

    #[test]
    fn a_row_with_an_extra_column_gives_no_facts() {
        let reg = Registry::builtin().unwrap();
        let table = |row: &str| {
            format!(
                "一、本年新收政府信息公开申请数量 | {row} |\n二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n(七)总计 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
            )
        };
        let count = |text: &str| {
            let facts = crate::extract::extract(&doc(text), &reg);
            facts
                .tables
                .iter()
                .flat_map(|t| t.facts.iter())
                .filter(|f| f.row == "apply.new")
                .count()
        };
        assert_eq!(count(&table("5 | 1 | 0 | 0 | 0 | 0 | 6")), 7);
        // 法人或其他组织 subtotal 1 added after 自然人: eight figures for seven columns.
        assert_eq!(count(&table("5 | 1 | 1 | 0 | 0 | 0 | 0 | 6")), 0);
    }

    #[test]
    fn dropped_glyph_forms() {
        assert!(is_dropped_glyph_form(
            "其他法律行政止公开",
            "其他法律行政法规禁止公开"
        ));
        assert!(is_dropped_glyph_form("政许可", "行政许可"));
        assert!(is_dropped_glyph_form("现行有效件", "现行有效件数"));
        assert!(!is_dropped_glyph_form("其他", "其他处理"));
        assert!(!is_dropped_glyph_form("重复申请", "重复申请"));
        assert!(!is_dropped_glyph_form("处罚行政", "行政处罚"));
    }
}
