//! Command line: clap types and the commands they run. `main.rs` only calls [`main`].

use crate::baseline::{self, Baseline, BaselineOutcome};
use crate::config::{self, Config};
use crate::export;
use crate::finding::Lang;
use crate::pipeline::{check_file_with, FileReport};
use crate::policy::{pattern_matches, Policy};
pub use crate::policy::{FailOn, Require};
use crate::report::escape_name;
use crate::report::{self, OutputFormat, RenderOptions, Summary};
use crate::rules::Registry;
use crate::walk::{inputs, split_skipped, Input};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Write the facts of reports as data: one row per fact (CSV or JSON).
    Extract(ExtractArgs),
    /// List the rule packs and their rules.
    Rules(RulesArgs),
    /// Explain a rule: what it checks, why, an example and where the relation comes from.
    Explain(ExplainArgs),
    /// Write a commented starter gouji.toml into the current directory.
    Init,
    /// Print shell completions.
    #[command(hide = true)]
    Completions {
        /// Shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
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
    /// Output format (default: from gouji.toml, else `human` on a terminal and `plain` otherwise).
    #[arg(long, value_enum, env = "GOUJI_FORMAT")]
    pub format: Option<OutputFormat>,
    /// Message language (default: from gouji.toml, else LANG; Chinese unless it says English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// When to use colour (NO_COLOR turns `auto` off).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Where configuration comes from.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Use this configuration file instead of the gouji.toml found upward from here.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore gouji.toml files.
    #[arg(long)]
    pub no_config: bool,
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
    /// Configuration file options.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Only run these rules (ids or id prefixes, comma-separated; e.g. F2019,F2014-RECV).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity is reported [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
    /// Require this of every file, else exit with 1: `tables` = a statistics table was read and
    /// checked (a file with nothing checkable fails the run) [default: from gouji.toml, else none].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub require: Vec<Require>,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and print nothing else).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Number of threads (default: all cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Print nothing but findings (no summary line, no progress bar).
    #[arg(short, long)]
    pub quiet: bool,
    /// Also say which files in the given directories were skipped (not report file types).
    #[arg(short, long)]
    pub verbose: bool,
}

/// Format of `gouji extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of row objects.
    Json,
}

/// `gouji extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or directories.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExtractFormat::Csv)]
    pub format: ExtractFormat,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
    /// Configuration file options (only `packs` is used).
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Also write a per-file manifest here: path, input format, detected forms, tables and facts
    /// read, status (checked / partial / no-table / unreadable), reasons, error. JSON when FILE
    /// ends in `.json`, CSV otherwise.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
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
    lang_or(arg, None)
}

fn lang_or(arg: Option<LangArg>, configured: Option<Lang>) -> Lang {
    match (arg, configured) {
        (Some(LangArg::Zh), _) => Lang::Zh,
        (Some(LangArg::En), _) => Lang::En,
        (None, Some(l)) => l,
        (None, None) => {
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

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color_env() && io::stdout().is_terminal(),
    }
}

fn trouble(e: impl miette::Diagnostic + Send + Sync + 'static) -> ExitCode {
    eprintln!("{:?}", miette::Report::new(e));
    ExitCode::from(exit::TROUBLE)
}

/// The configuration in force: `--config`, else gouji.toml found upward, unless `--no-config`.
fn load_config(args: &ConfigArgs) -> Result<Option<Config>, ExitCode> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    match path {
        None => Ok(None),
        Some(p) => Config::load(&p).map(Some).map_err(trouble),
    }
}

fn load_registry(packs: &[PathBuf]) -> Result<Registry, ExitCode> {
    let mut reg = Registry::builtin().map_err(trouble)?;
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

/// Built-in packs, then the config's packs, then `--pack` files; config rule names checked.
fn registry_for(config: Option<&Config>, cli_packs: &[PathBuf]) -> Result<Registry, ExitCode> {
    let mut packs: Vec<PathBuf> = config.map(|c| c.packs.clone()).unwrap_or_default();
    packs.extend(cli_packs.iter().cloned());
    let registry = load_registry(&packs)?;
    if let Some(c) = config {
        c.check_rules(&registry).map_err(trouble)?;
    }
    Ok(registry)
}

/// A progress bar on stderr, only on a terminal, for more than a few files.
fn progress(files: usize, quiet: bool) -> ProgressBar {
    if quiet || files <= 4 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(files as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}") {
        pb.set_style(style);
    }
    pb
}

fn run_checks(
    files: &[Input],
    registry: &Registry,
    policy: &Policy,
    args: &CheckArgs,
    keep_view: bool,
) -> Vec<FileReport> {
    let pb = progress(files.len(), args.quiet);
    let run = || -> Vec<FileReport> {
        files
            .par_iter()
            .progress_with(pb.clone())
            .map(|input| match input {
                Input::File(p) => check_file_with(p, registry, policy, keep_view),
                Input::Error(path, cause) => FileReport::failed(path, cause.clone()),
                Input::Skipped(p, why) => FileReport::failed(&p.display().to_string(), why.clone()),
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
    pb.finish_and_clear();
    reports
}

fn report_stale(b: &BaselineOutcome) {
    for e in &b.stale {
        eprintln!(
            "gouji: baseline {}: stale entry {} {} {}(line {} when recorded) no longer occurs; prune it with --write-baseline",
            b.file,
            e.path,
            e.rule,
            e.scope.as_deref().map(|s| format!("[{s}] ")).unwrap_or_default(),
            e.line
        );
    }
}

/// Run `gouji check`.
pub fn check(args: CheckArgs) -> ExitCode {
    let config = match load_config(&args.config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let registry = match registry_for(config.as_ref(), &args.packs) {
        Ok(r) => Arc::new(r),
        Err(code) => return code,
    };
    let policy = Policy::new(&args.select, &args.ignore, config.as_ref());
    let unknown: Vec<&String> = args
        .select
        .iter()
        .chain(args.ignore.iter())
        .filter(|pat| {
            !registry
                .rules()
                .any(|(_, r)| pattern_matches(pat, &r.id, &r.name))
        })
        .collect();
    if !unknown.is_empty() {
        for pat in unknown {
            eprintln!("gouji: no rule matches `{pat}` (see `gouji rules`)");
        }
        return ExitCode::from(exit::TROUBLE);
    }
    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.baseline.clone()));
    let baseline = match (&args.write_baseline, &baseline_path) {
        (None, Some(p)) => match Baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => return trouble(e),
        },
        _ => None,
    };
    let (files, skipped) = split_skipped(inputs(&args.paths));
    if args.verbose {
        for (p, why) in &skipped {
            eprintln!(
                "gouji: skipping {} ({why})",
                escape_name(&p.display().to_string())
            );
        }
    }
    if files.is_empty() {
        eprintln!("gouji: no report files found");
        return ExitCode::from(exit::TROUBLE);
    }
    if let Some(path) = &args.write_baseline {
        if let Ok(target) = std::fs::canonicalize(path) {
            if crate::walk::canonical_files(&files).contains(&target) {
                eprintln!(
                    "gouji: refusing to write the baseline to {}: it is one of the files being checked",
                    escape_name(&path.display().to_string())
                );
                return ExitCode::from(exit::TROUBLE);
            }
        }
    }
    let lang = lang_or(args.output.lang, config.as_ref().and_then(|c| c.lang));
    let format = args
        .output
        .format
        .or_else(|| config.as_ref().and_then(|c| c.format))
        .unwrap_or(if io::stdout().is_terminal() {
            OutputFormat::Human
        } else {
            OutputFormat::Plain
        });
    let fail_on = args
        .fail_on
        .or_else(|| config.as_ref().and_then(|c| c.fail_on))
        .unwrap_or(FailOn::Error);
    let require: Vec<Require> = if args.require.is_empty() {
        config
            .as_ref()
            .map(|c| c.require.clone())
            .unwrap_or_default()
    } else {
        args.require.clone()
    };
    if format == OutputFormat::Json && baseline.is_none() && args.write_baseline.is_none() {
        return check_json_streamed(&files, &registry, &policy, &args, lang, fail_on, &require);
    }
    // Only renderers that show the report's text need a copy of it (plain prints positions and
    // values only: keeping every view made 100,000 small files cost gigabytes).
    let keep_view = matches!(format, OutputFormat::Human | OutputFormat::Html);
    let mut reports = run_checks(&files, &registry, &policy, &args, keep_view);
    for r in &reports {
        if let Some(e) = &r.error {
            eprintln!("gouji: {}: {}", escape_name(&r.path), e);
        }
    }
    // The one chokepoint: selection, per-path ignores, severity overrides, baseline.
    let outcome = policy.apply(&mut reports, baseline.as_ref());
    let summary = Summary::of(&reports);
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &reports) {
            Ok(n) => {
                if !args.quiet {
                    eprintln!("gouji: wrote {n} baseline entries to {}", path.display());
                }
                ExitCode::from(if summary.unreadable > 0 {
                    exit::TROUBLE
                } else {
                    exit::CLEAN
                })
            }
            Err(e) => trouble(e),
        };
    }
    if let Some(b) = &outcome {
        if !args.quiet {
            report_stale(b);
        }
    }
    let opts = RenderOptions {
        color: use_color(args.output.color),
        registry: Some(registry.clone()),
        baseline: outcome,
        ..RenderOptions::new(lang)
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
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
    if format == OutputFormat::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            if let Err(e) = append(
                Path::new(&path),
                &report::github::summary_markdown(&reports, &opts),
            ) {
                eprintln!("gouji: cannot write the step summary: {e}");
            }
        }
    }
    let unmet = reports
        .iter()
        .filter(|r| !requirement_met(&require, r, lang))
        .count();
    if summary.unreadable > 0 {
        return ExitCode::from(exit::TROUBLE);
    }
    let failing = fail_on.threshold().is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| r.findings.iter())
            .any(|f| f.severity >= t)
    });
    ExitCode::from(if failing || unmet > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// Does `r` meet every `--require`? If not, say so on stderr, naming the file.
fn requirement_met(require: &[Require], r: &FileReport, lang: Lang) -> bool {
    let mut met = true;
    for req in require {
        match req {
            Require::Tables => {
                if r.error.is_none() && r.coverage.status.nothing_checked() {
                    met = false;
                    let why = r.coverage.reasons_text(lang);
                    match lang {
                        Lang::Zh => eprintln!(
                            "gouji: {}: 没有可检查的统计表（{why}），而 --require tables 要求每个文件都有",
                            escape_name(&r.path)
                        ),
                        Lang::En => eprintln!(
                            "gouji: {}: no statistics table was checked ({why}); --require tables requires one",
                            escape_name(&r.path)
                        ),
                    }
                }
            }
        }
    }
    met
}

fn append(path: &Path, text: &str) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// `check --format json` without a baseline: files are checked in batches and written in input
/// order as they finish (see [`crate::stream`]), so memory does not grow with the number of
/// files. The policy is applied to each report as it arrives: the same chokepoint, per file.
fn check_json_streamed(
    files: &[Input],
    registry: &Registry,
    policy: &Policy,
    args: &CheckArgs,
    lang: Lang,
    fail_on: FailOn,
    require: &[Require],
) -> ExitCode {
    let opts = RenderOptions::new(lang);
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout());
    let unmet = std::sync::atomic::AtomicUsize::new(0);
    let run = |out: &mut dyn Write| {
        crate::stream::run_json(files, registry, policy, &opts, out, |r| {
            if let Some(e) = &r.error {
                eprintln!("gouji: {}: {}", escape_name(&r.path), e);
            }
            if !requirement_met(require, r, lang) {
                unmet.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            policy.apply(std::slice::from_mut(r), None);
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
    if streamed.summary.unreadable > 0 {
        return ExitCode::from(exit::TROUBLE);
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|t| streamed.worst.is_some_and(|w| w >= t));
    ExitCode::from(
        if failing || unmet.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            exit::FINDINGS
        } else {
            exit::CLEAN
        },
    )
}

/// Run `gouji extract`.
pub fn extract(args: ExtractArgs) -> ExitCode {
    let config = match load_config(&args.config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let registry = match registry_for(config.as_ref(), &args.packs) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (files, _) = split_skipped(inputs(&args.paths));
    type Read = Result<(Vec<export::FactRow>, export::ManifestRow), (String, String)>;
    let results: Vec<Read> = files
        .par_iter()
        .map(|input| match input {
            Input::File(p) => crate::source::read(p)
                .map(|doc| export::read(&doc, &registry))
                .map_err(|e| (p.display().to_string(), e.to_string())),
            Input::Error(path, cause) => Err((path.clone(), cause.clone())),
            Input::Skipped(p, why) => Err((p.display().to_string(), why.clone())),
        })
        .collect();
    let mut errored = false;
    let mut rows = Vec::new();
    let mut manifest = Vec::new();
    for r in results {
        match r {
            Ok((mut v, m)) => {
                rows.append(&mut v);
                manifest.push(m);
            }
            Err((path, cause)) => {
                eprintln!("gouji: {}: {cause}", escape_name(&path));
                manifest.push(export::ManifestRow::unreadable(&path, &cause));
                errored = true;
            }
        }
    }
    if let Some(path) = &args.manifest {
        if let Err(e) = write_manifest(path, &manifest) {
            eprintln!("gouji: cannot write {}: {e}", path.display());
            return ExitCode::from(exit::TROUBLE);
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let res = match args.format {
        ExtractFormat::Csv => {
            export::write_csv_header(&mut out).and_then(|_| export::write_csv_rows(&rows, &mut out))
        }
        ExtractFormat::Json => serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out)),
    };
    match res.and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("gouji: cannot write output: {e}");
            ExitCode::from(exit::TROUBLE)
        }
        _ if errored => ExitCode::from(exit::TROUBLE),
        _ => ExitCode::from(exit::CLEAN),
    }
}

/// Write the extract manifest: JSON when the file name ends in `.json`, CSV otherwise.
fn write_manifest(path: &Path, rows: &[export::ManifestRow]) -> io::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json {
        serde_json::to_writer_pretty(&mut out, rows).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        export::write_manifest_csv(rows, &mut out)?;
    }
    out.flush()
}

/// Run `gouji init`.
pub fn init() -> ExitCode {
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match config::init(&dir) {
        Ok(p) => {
            eprintln!("gouji: wrote {}", p.display());
            ExitCode::from(exit::CLEAN)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            eprintln!(
                "gouji: {} already exists; not overwriting it",
                dir.join(config::FILE_NAME).display()
            );
            ExitCode::from(exit::TROUBLE)
        }
        Err(e) => {
            eprintln!("gouji: cannot write {}: {e}", config::FILE_NAME);
            ExitCode::from(exit::TROUBLE)
        }
    }
}

/// The exit code of a command that only writes to stdout: a closed pipe (`| head`) is not an
/// error.
fn written(res: io::Result<()>) -> ExitCode {
    match res {
        Ok(()) => ExitCode::from(exit::CLEAN),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(exit::CLEAN),
        Err(e) => {
            eprintln!("gouji: {e}");
            ExitCode::from(exit::TROUBLE)
        }
    }
}

fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = Cli::command();
    // clap_complete panics on a write error: render into memory, then write and handle errors.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "gouji", &mut script);
    written(io::stdout().lock().write_all(&script))
}

fn man() -> ExitCode {
    let page = clap_mangen::Man::new(Cli::command());
    let mut out = io::stdout().lock();
    written(page.render(&mut out))
}

fn write_summary(out: &mut dyn Write, s: &Summary, lang: Lang) -> io::Result<()> {
    writeln!(out, "{}", s.sentence(lang, ""))
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
    written(res)
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
    written(res)
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
        Command::Extract(a) => extract(a),
        Command::Rules(a) => rules(a),
        Command::Explain(a) => explain(a),
        Command::Init => init(),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    }
}
