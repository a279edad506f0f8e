//! What a streamed run keeps of each report for the rules across reports, spilled to a
//! temporary file: in memory stay only each report's path, issuer (interned) and year, so a run
//! over 100,000 reports keeps a few megabytes, not their figures. When every file was read, each
//! series is loaded back, checked and dropped in turn.

use super::pin::Tie;
use super::{cross_check, Group, Identity, Kept, SeriesFacts};
use crate::check::{RuleFilter, RuleStats};
use crate::finding::{Basis, Candidate, Finding, Slip, Stated};
use crate::rules::Registry;
use crate::source::LineCol;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

struct Entry {
    path: Box<str>,
    issuer: u32,
    year: i32,
    offset: u64,
    count: u32,
}

const NONE: u32 = u32::MAX;

/// Reports (of whole series) loaded and checked per batch of [`Store::check_each`], per thread:
/// a few hundred kilobytes of kept facts each.
const REPORTS_PER_BATCH: usize = 128;

/// One series read back from the store: its reports' numbers, their kept facts, and the series
/// renumbered over them.
struct LoadedSeries {
    members: Vec<usize>,
    facts: Vec<SeriesFacts>,
    local: Group,
}

/// The kept facts of a run's reports, on disk.
pub struct Store {
    out: BufWriter<File>,
    written: u64,
    entries: Vec<Entry>,
    issuers: HashMap<String, u32>,
    names: Vec<String>,
}

fn put_str(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => buf.extend_from_slice(&NONE.to_le_bytes()),
        Some(s) => {
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
    }
}

fn put_decimal(buf: &mut Vec<u8>, d: Decimal) {
    buf.extend_from_slice(&d.serialize());
}

/// A candidate cell of a tie set (see [`crate::across::pin`]).
fn put_candidate(buf: &mut Vec<u8>, c: &Candidate) {
    put_str(buf, Some(&c.label));
    put_str(buf, Some(&c.key));
    for v in [c.span.start, c.span.end, c.position.line, c.position.column] {
        buf.extend_from_slice(&(v as u32).to_le_bytes());
    }
    put_str(buf, c.cell.as_deref());
    put_str(buf, c.locator.as_deref());
    put_decimal(buf, c.current);
    put_decimal(buf, c.proposed);
    put_str(buf, c.kind.map(Slip::name));
    put_str(buf, c.read);
    put_str(buf, c.aside.map(Basis::name));
    match c.text_says {
        None => buf.push(0),
        Some(t) => {
            buf.push(1);
            put_decimal(buf, t.value);
            for v in [t.position.line, t.position.column] {
                buf.extend_from_slice(&(v as u32).to_le_bytes());
            }
        }
    }
}

/// The `&'static` name of a recovered reading ([`crate::extract::Reading::name`]).
fn reading(name: Option<String>) -> Option<&'static str> {
    const NAMES: [&str; 8] = [
        "grid",
        "stream",
        "placed",
        "zero-somewhere",
        "undetermined",
        "dropped",
        "glued",
        "joined",
    ];
    name.and_then(|n| NAMES.into_iter().find(|k| *k == n))
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(io::Error::other("truncated spool"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u16(&mut self) -> io::Result<u16> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().unwrap_or_default(),
        ))
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
    fn decimal(&mut self) -> io::Result<Decimal> {
        Ok(Decimal::deserialize(
            self.take(16)?.try_into().unwrap_or_default(),
        ))
    }
    fn position(&mut self) -> io::Result<LineCol> {
        Ok(LineCol {
            line: self.u32()? as usize,
            column: self.u32()? as usize,
        })
    }
    fn candidate(&mut self) -> io::Result<Candidate> {
        let label = self.str()?.unwrap_or_default();
        let key = self.str()?.unwrap_or_default();
        let span = self.u32()? as usize..self.u32()? as usize;
        let position = self.position()?;
        let cell = self.str()?;
        let locator = self.str()?;
        let current = self.decimal()?;
        let proposed = self.decimal()?;
        let kind = self.str()?.and_then(|k| Slip::from_name(&k));
        let read = reading(self.str()?);
        let aside = self.str()?.and_then(|b| Basis::from_name(&b));
        let text_says = match self.take(1)?[0] {
            0 => None,
            _ => Some(Stated {
                value: self.decimal()?,
                position: self.position()?,
            }),
        };
        Ok(Candidate {
            label,
            key,
            span,
            position,
            cell,
            locator,
            current,
            proposed,
            kind,
            read,
            text_says,
            aside,
        })
    }
    fn str(&mut self) -> io::Result<Option<String>> {
        let n = self.u32()?;
        if n == NONE {
            return Ok(None);
        }
        Ok(Some(
            String::from_utf8_lossy(self.take(n as usize)?).into_owned(),
        ))
    }
}

impl Store {
    /// An empty store (its temporary file is removed as soon as it is opened).
    pub fn new() -> io::Result<Self> {
        Ok(Store {
            out: BufWriter::new(crate::stream::spool_file()?),
            written: 0,
            entries: Vec::new(),
            issuers: HashMap::new(),
            names: Vec::new(),
        })
    }

    /// Number of reports kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No report kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Path of report `i`.
    pub fn path(&self, i: usize) -> &str {
        &self.entries[i].path
    }

    /// Keep one report.
    pub fn push(&mut self, path: &str, s: &SeriesFacts) -> io::Result<()> {
        let issuer = match &s.identity.issuer {
            Some(name) => match self.issuers.get(name) {
                Some(&i) => i,
                None => {
                    let i = self.names.len() as u32;
                    self.names.push(name.clone());
                    self.issuers.insert(name.clone(), i);
                    i
                }
            },
            None => NONE,
        };
        let mut buf = Vec::with_capacity(s.facts.len() * 48);
        for k in &s.facts {
            for v in [k.pack, k.table, k.row, k.column] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&k.number.serialize());
            buf.push(u8::from(k.blank) | (u8::from(k.exact) << 1));
            for v in [k.start, k.len, k.line, k.col] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            put_str(&mut buf, k.printed.as_deref().map(String::as_str));
            put_str(&mut buf, k.locator.as_deref().map(String::as_str));
        }
        buf.extend_from_slice(&(s.ties.len() as u32).to_le_bytes());
        for t in &s.ties {
            put_str(&mut buf, t.read);
            for list in [&t.cells, &t.others] {
                buf.extend_from_slice(&(list.len() as u32).to_le_bytes());
                for c in list {
                    put_candidate(&mut buf, c);
                }
            }
        }
        self.out.write_all(&buf)?;
        self.entries.push(Entry {
            path: path.into(),
            issuer,
            year: s.identity.year.unwrap_or(i32::MIN),
            offset: self.written,
            count: s.facts.len() as u32,
        });
        self.written += buf.len() as u64;
        Ok(())
    }

    /// Group the kept reports by issuer and year (indices are report numbers in push order).
    pub fn groups(&self) -> Vec<Group> {
        let mut by: BTreeMap<&str, BTreeMap<i32, Vec<usize>>> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            if e.issuer != NONE && e.year != i32::MIN {
                by.entry(&self.names[e.issuer as usize])
                    .or_default()
                    .entry(e.year)
                    .or_default()
                    .push(i);
            }
        }
        by.into_iter()
            .map(|(issuer, years)| Group {
                issuer: issuer.to_string(),
                years,
            })
            .collect()
    }

    fn load(&self, i: usize, file: &mut File) -> io::Result<SeriesFacts> {
        let e = &self.entries[i];
        let end = self.entries.get(i + 1).map_or(self.written, |n| n.offset);
        file.seek(SeekFrom::Start(e.offset))?;
        let mut bytes = vec![0u8; (end - e.offset) as usize];
        file.read_exact(&mut bytes)?;
        let mut r = Reader(&bytes);
        let mut facts = Vec::with_capacity(e.count as usize);
        for _ in 0..e.count {
            let (pack, table, row, column) = (r.u16()?, r.u16()?, r.u16()?, r.u16()?);
            let number = Decimal::deserialize(r.take(16)?.try_into().unwrap_or_default());
            let flags = r.take(1)?[0];
            let (start, len, line, col) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
            let printed = r.str()?.map(Box::new);
            let locator = r.str()?.map(Box::new);
            facts.push(Kept {
                pack,
                table,
                row,
                column,
                number,
                blank: flags & 1 != 0,
                exact: flags & 2 != 0,
                start,
                len,
                line,
                col,
                printed,
                locator,
            });
        }
        let mut ties = Vec::new();
        for _ in 0..r.u32()? {
            let read = reading(r.str()?);
            let mut lists = [Vec::new(), Vec::new()];
            for list in &mut lists {
                for _ in 0..r.u32()? {
                    list.push(r.candidate()?);
                }
            }
            let [cells, others] = lists;
            ties.push(Tie {
                read,
                cells,
                others,
            });
        }
        Ok(SeriesFacts {
            ties,
            identity: Identity {
                issuer: (e.issuer != NONE).then(|| self.names[e.issuer as usize].clone()),
                year: (e.year != i32::MIN).then_some(e.year),
                ..Identity::default()
            },
            facts,
        })
    }

    /// The kept facts of every report of series `g`, with the series renumbered over them.
    fn load_series(&self, g: &Group, file: &mut File) -> io::Result<LoadedSeries> {
        let members: Vec<usize> = g.years.values().flatten().copied().collect();
        let mut facts = Vec::with_capacity(members.len());
        for &i in &members {
            facts.push(self.load(i, file)?);
        }
        let local = Group {
            issuer: g.issuer.clone(),
            // `members` lists the reports year by year, so each one's place is its rank there.
            years: g
                .years
                .iter()
                .scan(0, |next, (y, v)| {
                    let idx = (*next..*next + v.len()).collect();
                    *next += v.len();
                    Some((*y, idx))
                })
                .collect(),
        };
        Ok(LoadedSeries {
            members,
            facts,
            local,
        })
    }

    /// The findings (with report numbers) and counts of the rules across reports on one series.
    fn check_series(
        &self,
        l: &LoadedSeries,
        registry: &Registry,
        filter: &dyn RuleFilter,
    ) -> (Vec<(usize, Finding)>, RuleStats) {
        let list: Vec<(&str, &SeriesFacts)> = l
            .members
            .iter()
            .zip(&l.facts)
            .map(|(&i, s)| (&*self.entries[i].path, s))
            .collect();
        let (found, stats) = cross_check(&list, std::slice::from_ref(&l.local), registry, filter);
        let found = found.into_iter().map(|(i, f)| (l.members[i], f)).collect();
        (found, stats)
    }

    /// Run the rules across reports on every series of `groups` (from [`Store::groups`]),
    /// loading one series at a time. Findings come with the number of the report they belong
    /// to, sorted by report, then position.
    pub fn check(
        &mut self,
        groups: &[Group],
        registry: &Registry,
        filter: &dyn RuleFilter,
    ) -> io::Result<(Vec<(usize, Finding)>, RuleStats)> {
        let mut found = Vec::new();
        let stats = self.check_each(groups, registry, filter, &mut |i, _, f| {
            found.push((i, f));
            Ok(())
        })?;
        found.sort_by(|a, b| {
            (a.0, a.1.span.start, &a.1.rule).cmp(&(b.0, b.1.span.start, &b.1.rule))
        });
        Ok((found, stats))
    }

    /// [`Store::check`] without holding the findings: each goes to `each` with the number and
    /// path of its report as soon as its series is checked, series by series (not sorted; a
    /// stable sort by report, then position, then rule gives the order of [`Store::check`]).
    pub fn check_each(
        &mut self,
        groups: &[Group],
        registry: &Registry,
        filter: &dyn RuleFilter,
        each: &mut dyn FnMut(usize, &str, Finding) -> io::Result<()>,
    ) -> io::Result<RuleStats> {
        self.out.flush()?;
        let mut file = self.out.get_ref().try_clone()?;
        let mut stats = RuleStats::default();
        let store = &*self;
        let series: Vec<&Group> = groups.iter().filter(|g| g.years.len() > 1).collect();
        // Series are loaded here, a batch at a time, and checked on the pool while the batch
        // before hands its findings on (a read error ends the batches and is returned).
        let mut failed_load = None;
        let per_batch = REPORTS_PER_BATCH * rayon::current_num_threads().max(1);
        let mut rest = &series[..];
        let batches = std::iter::from_fn(|| {
            // Whole series, until the batch holds `per_batch` reports (at least one series).
            let mut reports = 0;
            let take = rest
                .iter()
                .take_while(|g| {
                    let fits = reports < per_batch;
                    reports += g.years.values().map(Vec::len).sum::<usize>();
                    fits
                })
                .count();
            let (batch, after) = rest.split_at(take);
            rest = after;
            (!batch.is_empty()).then_some(batch)
        });
        let loaded = batches.map_while(|batch| {
            match batch
                .iter()
                .map(|g| store.load_series(g, &mut file))
                .collect::<io::Result<Vec<_>>>()
            {
                Ok(v) => Some(v),
                Err(e) => {
                    failed_load = Some(e);
                    None
                }
            }
        });
        crate::overlap::overlapped(
            loaded,
            |batch: Vec<LoadedSeries>| {
                batch
                    .par_iter()
                    .map(|l| store.check_series(l, registry, filter))
                    .collect()
            },
            |(found, s): (Vec<(usize, Finding)>, RuleStats)| {
                for (i, f) in found {
                    each(i, &store.entries[i].path, f)?;
                }
                stats.evaluated += s.evaluated;
                stats.failed += s.failed;
                stats.not_applicable += s.not_applicable;
                stats.not_checkable += s.not_checkable;
                Ok(())
            },
        )?;
        if let Some(e) = failed_load {
            return Err(e);
        }
        file.seek(SeekFrom::End(0))?;
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineCol;

    fn kept(n: i64, printed: Option<&str>) -> Kept {
        Kept {
            pack: 1,
            table: 2,
            row: 3,
            column: 4,
            number: Decimal::new(n, 1),
            blank: false,
            exact: true,
            start: 10,
            len: 2,
            line: 5,
            col: 7,
            printed: printed.map(|p| Box::new(p.to_string())),
            locator: Some(Box::new("第2张表 第3行".into())),
        }
    }

    fn candidate(aside: Option<Basis>) -> Candidate {
        Candidate {
            label: "当面申请数 · 历年累计".into(),
            key: "apply.in_person[cumulative]".into(),
            span: 120..123,
            position: LineCol { line: 9, column: 1 },
            cell: Some("统计表「当面申请数」行「历年累计」列".into()),
            locator: None,
            current: Decimal::from(451),
            proposed: Decimal::from(450),
            kind: Some(Slip::OneDigit),
            read: Some("placed"),
            text_says: aside.map(|_| Stated {
                value: Decimal::from(451),
                position: LineCol { line: 3, column: 4 },
            }),
            aside,
        }
    }

    #[test]
    fn what_is_spilled_comes_back() {
        let mut store = Store::new().unwrap();
        let a = SeriesFacts {
            identity: Identity {
                issuer: Some("某局".into()),
                year: Some(2022),
                ..Identity::default()
            },
            facts: vec![kept(15, None), kept(-3, Some("约-0.3"))],
            ties: vec![Tie {
                read: Some("dropped"),
                cells: vec![candidate(None), candidate(Some(Basis::Heuristics))],
                others: vec![candidate(Some(Basis::Text))],
            }],
        };
        let b = SeriesFacts {
            identity: Identity {
                issuer: Some("某局".into()),
                year: Some(2023),
                ..Identity::default()
            },
            facts: vec![kept(7, None)],
            ties: Vec::new(),
        };
        store.push("a.txt", &a).unwrap();
        store.push("b.txt", &b).unwrap();
        let groups = store.groups();
        assert_eq!(groups.len(), 1);
        let mut file = {
            store.out.flush().unwrap();
            store.out.get_ref().try_clone().unwrap()
        };
        let back = store.load(0, &mut file).unwrap();
        assert_eq!(back.facts, a.facts);
        assert_eq!(back.ties, a.ties);
        assert!(store.load(1, &mut file).unwrap().ties.is_empty());
        assert_eq!(back.identity.year, Some(2022));
        assert_eq!(store.load(1, &mut file).unwrap().facts, b.facts);
        assert_eq!(back.facts[0].position(), LineCol { line: 5, column: 7 });
        assert_eq!(back.facts[1].text(), "约-0.3");
    }
}
