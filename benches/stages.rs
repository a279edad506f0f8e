//! Per-stage cost of checking one report: read → extract → check → render (JSON).
//!
//! Inputs: seed 002 (a real F2019 text scrape), generated F2021 reports as text, HTML and DOCX
//! (`gouji::gen`, seed 7), the same text with every crawl degradation (one cell per line, dropped
//! zeros, split labels…: the stream reader), a crawled report written on one line, and the rules
//! across reports (keep the figures of ten consecutive years, group and cross-check them). Run
//! with `cargo bench --bench stages`.

use criterion::{criterion_group, criterion_main, Criterion};
use gouji::check::{check, AllRules};
use gouji::extract::extract;
use gouji::finding::Lang;
use gouji::gen::degrade::{degrade, Degradation};
use gouji::gen::series::series;
use gouji::gen::{build, model::Format, write_report};
use gouji::pipeline::check_document;
use gouji::report::{json, RenderOptions};
use gouji::rules::Registry;
use gouji::source;
use std::hint::black_box;
use std::path::PathBuf;

fn inputs(dir: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut out = vec![(
        "seed002_f2019_txt".to_string(),
        PathBuf::from("fixtures/formats/seed_002.txt"),
    )];
    let report = build(7, 0, &[Format::F2021], 0.0);
    for ext in ["txt", "html", "docx"] {
        let path = dir.join(format!("gen_f2021.{ext}"));
        if write_report(&report, &path).is_ok() {
            out.push((format!("gen_f2021_{ext}"), path));
        }
    }
    // Degraded text: every degradation in turn over the generated report.
    let text = dir.join("gen_f2021.txt");
    if let Ok(mut t) = std::fs::read_to_string(&text) {
        for how in Degradation::ALL {
            t = degrade(&t, how);
        }
        let path = dir.join("gen_f2021_degraded.txt");
        if std::fs::write(&path, t).is_ok() {
            out.push(("gen_f2021_degraded_txt".to_string(), path));
        }
    }
    // A crawled report on one line (the prose reader must stay linear in the line's length).
    if let Ok(t) = std::fs::read_to_string("fixtures/crawl/putian-city-2010.txt") {
        let path = dir.join("one_line.txt");
        if std::fs::write(&path, t.replace(['\r', '\n'], "")).is_ok() {
            out.push(("crawl_one_line_txt".to_string(), path));
        }
    }
    out
}

/// Rules across reports: ten consecutive years of one body (generated series), read once; the
/// benchmark keeps each report's figures, groups the series and cross-checks it.
fn across(c: &mut Criterion, registry: &Registry) {
    let reports = series(7, 0, None, (2015, 10), None);
    let docs: Vec<_> = reports
        .iter()
        .filter_map(|r| {
            let text = gouji::gen::render::text(r, None).0;
            source::read_bytes("r.txt", text.as_bytes(), std::path::Path::new("r.txt")).ok()
        })
        .collect();
    let facts: Vec<_> = docs.iter().map(|d| extract(d, registry)).collect();
    let mut g = c.benchmark_group("across_10_years");
    g.bench_function("keep", |b| {
        b.iter(|| {
            for (d, f) in docs.iter().zip(&facts) {
                black_box(gouji::across::keep(d, f, registry));
            }
        })
    });
    let kept: Vec<_> = docs
        .iter()
        .zip(&facts)
        .map(|(d, f)| gouji::across::keep(d, f, registry))
        .collect();
    let named: Vec<(&str, &gouji::across::SeriesFacts)> =
        kept.iter().map(|k| ("r.txt", k)).collect();
    g.bench_function("group_and_check", |b| {
        b.iter(|| {
            let groups = gouji::across::group(kept.iter().enumerate());
            black_box(gouji::across::cross_check(
                &named, &groups, registry, &AllRules,
            ))
        })
    });
    g.finish();
}

fn stages(c: &mut Criterion) {
    let registry = Registry::builtin().expect("built-in packs load");
    let dir = std::env::temp_dir().join(format!("gouji-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let opts = RenderOptions::new(Lang::En);
    for (name, path) in inputs(&dir) {
        let mut g = c.benchmark_group(name);
        g.bench_function("read", |b| b.iter(|| black_box(source::read(&path).ok())));
        // The remaining stages need a readable document (the DOCX reader may be absent).
        let Ok(doc) = source::read(&path) else {
            g.finish();
            continue;
        };
        g.bench_function("extract", |b| {
            b.iter(|| black_box(extract(&doc, &registry)))
        });
        let facts = extract(&doc, &registry);
        g.bench_function("check", |b| {
            b.iter(|| black_box(check(&doc, &facts, &registry, &AllRules)))
        });
        let report = check_document(&doc, &registry, &AllRules);
        let reports = vec![report];
        g.bench_function("render_json", |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(8192);
                json::render(&reports, &opts, &mut out).ok();
                black_box(out)
            })
        });
        g.bench_function("all", |b| {
            b.iter(|| {
                black_box(gouji::pipeline::check_file(&path, &registry, &AllRules));
            })
        });
        g.finish();
    }
    across(c, &registry);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = stages
}
criterion_main!(benches);
