//! `gouji check --statistics`: findings per issuing body and year, as the rules across reports
//! group reports (a table with a row per body and a column per year on the terminal; a list of
//! cells in JSON).

use std::collections::{BTreeMap, BTreeSet};

/// Reports and findings of one issuing body in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Files read as this body's report of this year.
    pub files: usize,
    /// Findings in them.
    pub findings: usize,
}

/// Findings per (normalised issuer, year); an empty issuer or no year when the report did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerYears {
    /// The cells, by issuer then year.
    pub cells: BTreeMap<(String, Option<i32>), Cell>,
}

impl IssuerYears {
    /// Count one file with its findings.
    pub fn add(&mut self, issuer: Option<&str>, year: Option<i32>, findings: usize) {
        let c = self
            .cells
            .entry((issuer.unwrap_or_default().to_string(), year))
            .or_default();
        c.files += 1;
        c.findings += findings;
    }

    /// Did any report say its issuer or year?
    pub fn any_known(&self) -> bool {
        self.cells.keys().any(|(i, y)| !i.is_empty() || y.is_some())
    }

    /// The table for the terminal: a header line of years, then one line per body with its
    /// findings per year (`·` where the body has no report that year) and its total, the body's
    /// name last (so that columns line up whatever the width of its characters). A body or year
    /// the reports did not say is `?`.
    pub fn lines(&self) -> Vec<String> {
        let years: BTreeSet<Option<i32>> = self.cells.keys().map(|(_, y)| *y).collect();
        // Known years first, then `?`.
        let mut years: Vec<Option<i32>> = years.into_iter().filter(Option::is_some).collect();
        if self.cells.keys().any(|(_, y)| y.is_none()) {
            years.push(None);
        }
        let name = |y: &Option<i32>| y.map_or("?".to_string(), |y| y.to_string());
        let mut by_issuer: BTreeMap<&str, BTreeMap<Option<i32>, Cell>> = BTreeMap::new();
        for ((issuer, year), cell) in &self.cells {
            by_issuer.entry(issuer).or_default().insert(*year, *cell);
        }
        let total_width = self
            .cells
            .values()
            .map(|c| c.findings)
            .sum::<usize>()
            .to_string()
            .len()
            .max(5);
        let mut out = Vec::new();
        let mut head = String::new();
        for y in &years {
            head.push_str(&format!("{:>6}", name(y)));
        }
        head.push_str(&format!("  {:>total_width$}  issuer", "total"));
        out.push(head);
        // Known bodies first, then the reports that did not say theirs.
        let mut issuers: Vec<&str> = by_issuer
            .keys()
            .copied()
            .filter(|i| !i.is_empty())
            .collect();
        if by_issuer.contains_key("") {
            issuers.push("");
        }
        for issuer in issuers {
            let row = &by_issuer[issuer];
            let mut line = String::new();
            for y in &years {
                let cell = row
                    .get(y)
                    .map_or("·".to_string(), |c| c.findings.to_string());
                line.push_str(&format!("{cell:>6}"));
            }
            let total: usize = row.values().map(|c| c.findings).sum();
            let issuer = if issuer.is_empty() { "?" } else { issuer };
            line.push_str(&format!("  {total:>total_width$}  {issuer}"));
            out.push(line);
        }
        out
    }

    /// The cells for JSON: `{"issuer", "year", "files", "findings"}`, by issuer then year (an
    /// issuer not found is `""`, a year not found `null`).
    pub fn json(&self) -> serde_json::Value {
        self.cells
            .iter()
            .map(|((issuer, year), c)| {
                serde_json::json!({
                    "issuer": issuer, "year": year, "files": c.files, "findings": c.findings,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_per_body_and_a_column_per_year() {
        let mut t = IssuerYears::default();
        t.add(Some("乙局"), Some(2021), 3);
        t.add(Some("甲局"), Some(2020), 0);
        t.add(Some("甲局"), Some(2022), 2);
        t.add(Some("甲局"), Some(2022), 1);
        t.add(None, None, 4);
        assert_eq!(
            t.lines(),
            vec![
                "  2020  2021  2022     ?  total  issuer",
                "     ·     3     ·     ·      3  乙局",
                "     0     ·     3     ·      3  甲局",
                "     ·     ·     ·     4      4  ?",
            ]
        );
        let j = t.json();
        assert_eq!(j[3]["issuer"], "甲局");
        assert_eq!(j[3]["year"], 2022);
        assert_eq!(j[3]["files"], 2);
        assert_eq!(j[3]["findings"], 3);
        assert!(t.any_known());
        let mut none = IssuerYears::default();
        none.add(None, None, 1);
        assert!(!none.any_known());
    }
}
