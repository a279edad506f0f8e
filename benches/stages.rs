//! Per-stage cost of checking one report: read → extract → check → render (JSON).
//!
//! Inputs: seed 002 (a real F2019 text scrape) and generated F2021 reports as text, HTML and
//! DOCX (`gouji::gen`, seed 7). Run with `cargo bench --bench stages`.

use criterion::{criterion_group, criterion_main, Criterion};
use gouji::check::{check, AllRules};
use gouji::extract::extract;
use gouji::finding::Lang;
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
    out
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
