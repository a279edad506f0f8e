//! Command line: clap types and the commands they run. `main.rs` only calls [`main`].

use crate::check::RuleFilter;
use crate::finding::Lang;
use crate::pipeline::{check_file_with, FileReport};
use crate::report::{self, OutputFormat, RenderOptions, Summary};
use crate::rules::{Registry, Rule, Severity};
use crate::walk::{inputs, Input};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// gouji (勾稽): cross-check the figures of published reports.
#[derive(Debug, Parser)]
#[command(name = "gouji", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check reports (files or directories; default: the current directory).
    Check(CheckArgs),
    /// List the rule packs and their rules.
    Rules(RulesArgs),
    /// Explain a rule: what it checks, why, an example and where the relation comes from.
    Explain(ExplainArgs),
}

/// Minimum severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings.
    Never,
}

/// Message language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options shared by commands that print.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, env = "GOUJI_FORMAT")]
    pub format: OutputFormat,
    /// Message language (default: from LANG; Chinese unless it says English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `gouji check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Only run these rules (ids or id prefixes, comma-separated; e.g. F2019,F2014-RECV).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
    /// Number of threads (default: all cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Print nothing but findings (no summary line).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `gouji rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output as JSON.
    #[arg(long)]
    pub json: bool,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
}

/// `gouji explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Rule id (e.g. F2019-T3-BAL).
    pub rule: String,
    /// Output as JSON.
    #[arg(long)]
    pub json: bool,
    /// Message language.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
}

/// Exit codes.
pub mod exit {
    /// No findings at or above `--fail-on`, no errors.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// Usage, configuration or I/O errors.
    pub const TROUBLE: u8 = 2;
}

fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => {
            let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
                .unwrap_or_default();
            if env.starts_with("en") {
                Lang::En
            } else {
                Lang::Zh
            }
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// `--select` / `--ignore` by id or id prefix (case-insensitive).
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl Selection {
    /// Build from the lists given on the command line.
    pub fn new(select: &[String], ignore: &[String]) -> Self {
        let norm = |v: &[String]| {
            v.iter()
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        Selection {
            select: norm(select),
            ignore: norm(ignore),
        }
    }

    fn matches(pattern: &str, rule: &Rule) -> bool {
        let id = rule.id.to_ascii_uppercase();
        id == pattern
            || id.starts_with(&format!("{pattern}-"))
            || rule.name.eq_ignore_ascii_case(pattern)
            || pattern == "ALL"
    }
}

impl RuleFilter for Selection {
    fn enabled(&self, rule: &Rule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, rule)))
            && !self.ignore.iter().any(|p| Self::matches(p, rule))
    }
}

fn load_registry(packs: &[PathBuf]) -> Result<Registry, ExitCode> {
    let mut reg = match Registry::builtin() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return Err(ExitCode::from(exit::TROUBLE));
        }
    };
    let mut failed = false;
    for p in packs {
        if let Err(e) = reg.load_file(p) {
            eprintln!("{:?}", miette::Report::new(e));
            failed = true;
        }
    }
    if failed {
        Err(ExitCode::from(exit::TROUBLE))
    } else {
        Ok(reg)
    }
}

/// Run `gouji check`.
pub fn check(args: CheckArgs) -> ExitCode {
    let registry = match load_registry(&args.packs) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let selection = Selection::new(&args.select, &args.ignore);
    for pat in selection.select.iter().chain(selection.ignore.iter()) {
        if pat != "ALL" && !registry.rules().any(|(_, r)| Selection::matches(pat, r)) {
            eprintln!("gouji: warning: no rule matches `{pat}` (see `gouji rules`)");
        }
    }
    let files = inputs(&args.paths);
    if args.output.format == OutputFormat::Json {
        return check_json_streamed(&args, &files, &registry, &selection);
    }
    // Only the human renderers quote source lines; JSON needs no copy of each document.
    let keep_view = matches!(
        args.output.format,
        OutputFormat::Human | OutputFormat::Plain
    );
    let run = || -> Vec<FileReport> {
        files
            .par_iter()
            .map(|input| match input {
                Input::File(p) => check_file_with(p, &registry, &selection, keep_view),
                Input::Error(path, cause) => FileReport {
                    path: path.clone(),
                    input_format: None,
                    encoding: None,
                    formats: vec![],
                    facts: 0,
                    stats: Default::default(),
                    findings: vec![],
                    error: Some(cause.clone()),
                    view: None,
                },
            })
            .collect()
    };
    let reports = match args.jobs {
        Some(n) if n > 0 => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        },
        _ => run(),
    };
    for r in &reports {
        if let Some(e) = &r.error {
            eprintln!("gouji: {}: {}", r.path, e);
        }
    }
    let opts = RenderOptions {
        lang: lang(args.output.lang),
        color: use_color(args.output.color),
        plain: false,
        width: 100,
    };
    let format = match args.output.format {
        OutputFormat::Human
            if !io::stdout().is_terminal() && args.output.color != ColorChoice::Always =>
        {
            OutputFormat::Human
        }
        f => f,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let summary = Summary::of(&reports);
    let mut result = report::render(format, &reports, &opts, &mut out);
    if result.is_ok() && matches!(format, OutputFormat::Human | OutputFormat::Plain) && !args.quiet
    {
        result = write_summary(&mut out, &summary, opts.lang);
    }
    if let Err(e) = result.and_then(|_| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("gouji: cannot write output: {e}");
            return ExitCode::from(exit::TROUBLE);
        }
    }
    if files.is_empty() {
        eprintln!("gouji: no report files found");
    }
    if summary.unreadable > 0 {
        return ExitCode::from(exit::TROUBLE);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| r.findings.iter())
            .any(|f| f.severity >= t)
    });
    ExitCode::from(if failing { exit::FINDINGS } else { exit::CLEAN })
}

/// `check --format json`: streamed in input order with bounded memory (see [`crate::stream`]).
fn check_json_streamed(
    args: &CheckArgs,
    files: &[Input],
    registry: &Registry,
    selection: &Selection,
) -> ExitCode {
    let opts = RenderOptions {
        lang: lang(args.output.lang),
        color: false,
        plain: false,
        width: 100,
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout());
    let run = |out: &mut dyn Write| {
        crate::stream::run_json(files, registry, selection, &opts, out, |r| {
            if let Some(e) = &r.error {
                eprintln!("gouji: {}: {}", r.path, e);
            }
        })
    };
    let result = match args.jobs {
        Some(n) if n > 0 => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => pool.install(|| run(&mut out)),
            Err(_) => run(&mut out),
        },
        _ => run(&mut out),
    };
    let streamed = match result.and_then(|s| out.flush().map(|_| s)) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::from(exit::CLEAN),
        Err(e) => {
            eprintln!("gouji: cannot write output: {e}");
            return ExitCode::from(exit::TROUBLE);
        }
    };
    if files.is_empty() {
        eprintln!("gouji: no report files found");
    }
    if streamed.summary.unreadable > 0 {
        return ExitCode::from(exit::TROUBLE);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| streamed.worst.is_some_and(|w| w >= t));
    ExitCode::from(if failing { exit::FINDINGS } else { exit::CLEAN })
}

fn write_summary(out: &mut dyn Write, s: &Summary, lang: Lang) -> io::Result<()> {
    match lang {
        Lang::Zh => writeln!(
            out,
            "检查了 {} 个文件：{} 个错误，{} 个警告，{} 个提示{}",
            s.files,
            s.errors,
            s.warnings,
            s.infos,
            if s.unreadable > 0 {
                format!("，{} 个文件无法读取", s.unreadable)
            } else {
                String::new()
            }
        ),
        Lang::En => writeln!(
            out,
            "Checked {} files: {} errors, {} warnings, {} infos{}",
            s.files,
            s.errors,
            s.warnings,
            s.infos,
            if s.unreadable > 0 {
                format!(", {} unreadable", s.unreadable)
            } else {
                String::new()
            }
        ),
    }
}

/// Run `gouji rules`.
pub fn rules(args: RulesArgs) -> ExitCode {
    let registry = match load_registry(&args.packs) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut out = io::stdout().lock();
    let res = if args.json {
        let packs: Vec<_> = registry
            .packs
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id, "name": p.name, "source": p.source_name, "reference": p.reference,
                    "rules": p.rules.iter().map(|r| serde_json::json!({
                        "id": r.id, "name": r.name, "severity": r.severity, "table": r.table,
                        "status": r.status, "message_zh": r.message_zh, "message_en": r.message_en,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &packs)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        (|| {
            for p in &registry.packs {
                writeln!(
                    out,
                    "{} — {} ({} rules; {})",
                    p.id,
                    p.name,
                    p.rules.len(),
                    p.source_name
                )?;
                for r in &p.rules {
                    writeln!(
                        out,
                        "  {:<24} {:<8} {:<44} {}",
                        r.id,
                        r.severity.name(),
                        r.name,
                        r.message_zh
                    )?;
                }
            }
            Ok(())
        })()
    };
    match res {
        Ok(()) => ExitCode::from(exit::CLEAN),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(exit::CLEAN),
        Err(e) => {
            eprintln!("gouji: {e}");
            ExitCode::from(exit::TROUBLE)
        }
    }
}

/// Run `gouji explain`.
pub fn explain(args: ExplainArgs) -> ExitCode {
    let registry = match load_registry(&args.packs) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some((pack, rule)) = registry.rule(&args.rule) else {
        eprintln!("gouji: unknown rule `{}` (see `gouji rules`)", args.rule);
        return ExitCode::from(exit::TROUBLE);
    };
    let mut out = io::stdout().lock();
    let res = if args.json {
        let v = serde_json::json!({
            "id": rule.id, "name": rule.name, "pack": pack.id, "severity": rule.severity,
            "table": rule.table, "expr": rule.expr_text, "message_zh": rule.message_zh,
            "message_en": rule.message_en, "reference": rule.reference, "explain": rule.explain,
            "source": format!("{}:{}", pack.source_name, rule.line),
        });
        serde_json::to_writer_pretty(&mut out, &v)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        let en = lang(args.lang) == Lang::En;
        let table = rule
            .table
            .as_deref()
            .and_then(|t| pack.table(t))
            .map(|t| t.title.clone())
            .unwrap_or_default();
        let (h_what, h_why, h_ex, h_rel, h_ref) = if en {
            (
                "What it checks",
                "Why it matters",
                "Example",
                "Relation",
                "Source",
            )
        } else {
            ("检查什么", "为什么重要", "示例", "关系式", "依据")
        };
        writeln!(
            out,
            "{} ({}) — {}\n{} · {} · {}\n\n## {h_what}\n{}\n\n## {h_why}\n{}\n\n## {h_ex}\n{}\n\n## {h_rel}\n{}{}\n\n## {h_ref}\n{}\n({}:{})",
            rule.id,
            rule.name,
            if en { &rule.message_en } else { &rule.message_zh },
            rule.severity.name(),
            pack.name,
            table,
            rule.explain.what.trim(),
            rule.explain.why.trim(),
            rule.explain.example.trim(),
            rule.expr_text,
            match rule.for_each {
                crate::rules::pack::ForEach::Column => if en { "  (for each column)" } else { "（逐列）" },
                crate::rules::pack::ForEach::Row => if en { "  (for each row)" } else { "（逐行）" },
                crate::rules::pack::ForEach::Cell => if en { "  (for each cell)" } else { "（逐格）" },
                crate::rules::pack::ForEach::Once => "",
            },
            rule.reference,
            pack.source_name,
            rule.line
        )
    };
    match res {
        Ok(()) => ExitCode::from(exit::CLEAN),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(exit::CLEAN),
        Err(e) => {
            eprintln!("gouji: {e}");
            ExitCode::from(exit::TROUBLE)
        }
    }
}

/// Parse the command line and run.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::TROUBLE
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(a) => check(a),
        Command::Rules(a) => rules(a),
        Command::Explain(a) => explain(a),
    }
}
