//! `gouji-gen`: write a deterministic corpus of annual reports for benchmarks.
//!
//! ```text
//! gouji-gen --out DIR --count N [--seed S] [--formats text,html,docx]
//!           [--report-formats F2014,F2019,F2021] [--inconsistency 0.1]
//!           [--degrade D1,D2,D4,D6,D8,D10]
//! gouji-gen --out DIR --count BODIES --series YEARS [--seed S] [--inconsistency 0.1]
//! ```
//!
//! `--degrade` rewrites the text outputs the way crawls and converters do (one cell per line,
//! zeros dropped, digits glued, labels split, space-separated rows, CRLF and page footers).
//!
//! With `--series`, `--count` bodies each get F2021 text reports for YEARS consecutive years
//! (from 2021) whose carry-overs and stocks connect; `--inconsistency` is then the share of
//! series with one broken carry-over, listed in `series-breaks.jsonl`.

use gouji::gen::{generate, model::Format, Config, Output};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gouji-gen --out DIR --count N [--seed S] [--formats text,html,docx] \
[--report-formats F2014,F2019,F2021] [--inconsistency P] [--degrade D1,D2,D4,D6,D8,D10] [--series YEARS]";

fn parse(args: &[String]) -> Result<(Config, Option<u32>), String> {
    let mut series = None;
    let mut cfg = Config {
        out: PathBuf::new(),
        count: 100,
        seed: 1,
        outputs: vec![Output::Text],
        formats: Vec::new(),
        inconsistency: 0.1,
        degrade: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" | "-o" => cfg.out = PathBuf::from(val()?),
            "--count" | "-n" => cfg.count = val()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--seed" | "-s" => cfg.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--inconsistency" => {
                cfg.inconsistency = val()?
                    .parse()
                    .map_err(|e| format!("--inconsistency: {e}"))?
            }
            "--formats" => {
                cfg.outputs = val()?
                    .split(',')
                    .map(|s| Output::parse(s).ok_or(format!("unknown format `{s}`")))
                    .collect::<Result<_, _>>()?
            }
            "--report-formats" => {
                cfg.formats = val()?
                    .split(',')
                    .map(|s| match s.trim().to_ascii_uppercase().as_str() {
                        "F2014" => Ok(Format::F2014),
                        "F2019" => Ok(Format::F2019),
                        "F2021" => Ok(Format::F2021),
                        _ => Err(format!("unknown report format `{s}`")),
                    })
                    .collect::<Result<_, _>>()?
            }
            "--series" => series = Some(val()?.parse().map_err(|e| format!("--series: {e}"))?),
            "--degrade" => {
                cfg.degrade = val()?
                    .split(',')
                    .map(|s| {
                        gouji::gen::degrade::Degradation::parse(s).ok_or(format!(
                            "unknown degradation `{s}` (D1, D2, D4, D6, D8, D10)"
                        ))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if cfg.out.as_os_str().is_empty() {
        return Err(format!("--out is required\n{USAGE}"));
    }
    Ok((cfg, series))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cfg, series) = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(years) = series {
        let run = gouji::gen::series::write_series(
            &cfg.out,
            cfg.seed,
            cfg.count,
            years,
            cfg.inconsistency,
        )
        .and_then(|breaks| {
            let mut text = breaks.join("\n");
            text.push('\n');
            std::fs::write(cfg.out.join("series-breaks.jsonl"), text).map(|_| breaks.len())
        });
        return match run {
            Ok(n) => {
                eprintln!(
                    "gouji-gen: wrote {} series of {years} reports ({n} with a broken carry-over) to {}",
                    cfg.count,
                    cfg.out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gouji-gen: {e}");
                ExitCode::from(2)
            }
        };
    }
    match generate(&cfg) {
        Ok(n) => {
            eprintln!(
                "gouji-gen: wrote {} reports ({n} with an injected inconsistency) to {}",
                cfg.count,
                cfg.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gouji-gen: {e}");
            ExitCode::from(2)
        }
    }
}
