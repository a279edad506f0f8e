//! Command line: clap types and the commands they run. `main.rs` only calls [`main`].

use crate::across;
use crate::baseline::{self, Baseline, BaselineOutcome};
use crate::config::{self, Config};
use crate::export;
use crate::finding::Lang;
use crate::pipeline::{check_input, FileReport};
use crate::policy::{pattern_matches, unknown_rule_message, Policy};
pub use crate::policy::{FailOn, Require};
use crate::report::escape_name;
use crate::report::{self, OutputFormat, RenderOptions, Summary};
use crate::rules::Registry;
use crate::walk::{inputs, split_skipped, Input, WalkOptions};
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
    /// Open a local web page to check reports in the browser: drop a DOCX, PDF, HTML, XLSX,
    /// TXT or MD file and see its tables and prose with every finding marked.
    ///
    /// Listens on 127.0.0.1 only (a free port unless --port), prints the address to open, and
    /// stops with Ctrl+C. Files are checked in memory: nothing is stored, nothing leaves this
    /// machine. The checks are those of `gouji check` in the current directory (its gouji.toml,
    /// --pack, --select, --ignore, --lang). Scripts can call the same API the page uses:
    /// `curl --data-binary @report.docx 'http://127.0.0.1:PORT/api/check?name=report.docx'`
    /// prints what `gouji check --format json report.docx` prints.
    #[cfg(feature = "serve")]
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
    /// Print shell completions (they complete rule ids and names for --select, --ignore and
    /// explain): `gouji completions bash > ~/.local/share/bash-completion/completions/gouji`.
    Completions {
        /// Shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with --dir write one page per subcommand (gouji.1,
    /// gouji-check.1, …) into a folder.
    Man {
        /// Write gouji.1 and one gouji-SUBCOMMAND.1 per subcommand into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
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
    /// Write the `--format` output to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write FORMAT to FILE (or to standard output without `=FILE`); repeatable, so one run
    /// gives e.g. `--output sarif=gouji.sarif --output github`. Each output has the same bytes as
    /// a run with that `--format` alone.
    #[arg(long = "output", value_name = "FORMAT[=FILE]", value_parser = parse_output)]
    pub outputs: Vec<OutputSpec>,
    /// Message language (default: from gouji.toml, else LANG; Chinese unless it says English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// When to use colour (NO_COLOR turns `auto` off; never in files).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// One `--output FORMAT[=FILE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Format.
    pub format: OutputFormat,
    /// File, or standard output.
    pub file: Option<PathBuf>,
}

fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (fmt, file) = match s.split_once('=') {
        Some((f, p)) if !p.is_empty() => (f, Some(PathBuf::from(p))),
        Some((_, _)) => return Err("`FORMAT=` needs a file name after `=`".into()),
        None => (s, None),
    };
    let format = OutputFormat::from_str(fmt, true).map_err(|_| {
        let names: Vec<String> = OutputFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        format!(
            "unknown format `{fmt}`; expected one of: {}",
            names.join(", ")
        )
    })?;
    Ok(OutputSpec { format, file })
}

/// Where configuration comes from.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Use this configuration file for every file checked, instead of the gouji.toml found
    /// upward from each file's folder.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore gouji.toml files.
    #[arg(long)]
    pub no_config: bool,
}

/// How directories are walked.
#[derive(Debug, clap::Args)]
pub struct WalkArgs {
    /// Do not respect ignore files (.gitignore, .ignore, .git/info/exclude, global git excludes).
    #[arg(long)]
    pub no_ignore: bool,
    /// Do not respect git's ignore files (.gitignore, .git/info/exclude, global git excludes);
    /// `.ignore` still counts.
    #[arg(long)]
    pub no_ignore_vcs: bool,
    /// Say which files in the given directories were skipped and why (an ignore file and its
    /// pattern, hidden, not a report type), and which configuration each file uses.
    #[arg(short, long)]
    pub verbose: bool,
}

impl WalkArgs {
    fn options(&self) -> WalkOptions {
        WalkOptions {
            no_ignore: self.no_ignore,
            no_ignore_vcs: self.no_ignore_vcs,
            explain_skips: self.verbose,
        }
    }
}

/// `gouji check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads a report from standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The name shown for standard input (its extension also hints the format, and gouji.toml
    /// is looked for from its folder).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Configuration file options.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Directory walking options.
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Only run these rules (ids or id prefixes, comma-separated; e.g. F2019,F2014-RECV).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity is reported [default: error]. JUnit
    /// marks the same findings as failures.
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
    /// Print the number of findings per rule (with severity and name) instead of the findings on
    /// standard output (`--format json`: a JSON array); `--output FORMAT=FILE` files are still
    /// written.
    #[arg(long)]
    pub statistics: bool,
    /// Number of threads (default: all cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Print nothing but findings (no summary line, no progress bar).
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not run the rules across reports (the same body's reports of consecutive years).
    #[arg(long)]
    pub no_cross: bool,
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
    /// Start the CSV with a UTF-8 byte order mark, so that Excel opens it as UTF-8 (Chinese
    /// labels and issuers read right).
    #[arg(long)]
    pub bom: bool,
    /// Directory walking options.
    #[command(flatten)]
    pub walk: WalkArgs,
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
    /// Message language.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
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

/// `gouji serve`.
#[cfg(feature = "serve")]
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0: a free port, printed at start).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on. Anything but 127.0.0.1 / ::1 lets other machines on the network
    /// upload files to this one (a warning is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Language of the page and the messages (default: from gouji.toml, else LANG; Chinese
    /// unless it says English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Configuration file options.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Extra rule pack files to load (TOML).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,
    /// Only run these rules (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
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

/// Problems found while setting up a run (configuration, packs, rule names), all reported
/// together before giving up.
#[derive(Default)]
struct SetupProblems {
    /// (file, text) for SARIF; the rendered diagnostics go to stderr as they are found.
    list: Vec<(String, String)>,
    shown: std::collections::HashSet<String>,
}

impl SetupProblems {
    fn diagnostic(&mut self, file: &str, e: impl miette::Diagnostic + Send + Sync + 'static) {
        // SARIF gets one `file:line:col: message` notification per problem, without drawing.
        let items: Vec<String> = match e.related() {
            Some(rel) => rel.map(|d| d.to_string()).collect(),
            None => Vec::new(),
        };
        let items = if items.is_empty() {
            vec![e.to_string()]
        } else {
            items
        };
        let rendered = format!("{:?}", miette::Report::new(e));
        if !self.shown.insert(rendered.clone()) {
            return;
        }
        eprintln!("{rendered}");
        for text in items {
            self.list.push((file.to_string(), text));
        }
    }

    fn message(&mut self, file: &str, text: String) {
        if !self.shown.insert(text.clone()) {
            return;
        }
        eprintln!("gouji: {text}");
        self.list.push((file.to_string(), text));
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

fn warn_once(shown: &mut std::collections::HashSet<String>, w: &str) {
    if shown.insert(w.to_string()) {
        eprintln!("gouji: warning: {w}");
    }
}

/// The configuration file in force for files under `dir`: `--config`, else the gouji.toml
/// found upward from `dir` (else from the working directory), unless `--no-config`.
fn config_path(args: &ConfigArgs, dir: Option<&Path>) -> Option<PathBuf> {
    if args.no_config {
        return None;
    }
    if let Some(p) = &args.config {
        return Some(p.clone());
    }
    let found = dir.and_then(config::discover).or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d))
    })?;
    // Shown relative to the working directory when it lies below it.
    let cwd = std::env::current_dir().unwrap_or_default();
    Some(match found.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => found,
    })
}

/// Built-in packs, then `packs` in order; every problem recorded in `problems`. The registry
/// of the packs that did load, and whether all did.
fn build_registry_partial(
    packs: &[PathBuf],
    problems: &mut SetupProblems,
    warned: &mut std::collections::HashSet<String>,
) -> Option<(Registry, bool)> {
    let mut reg = match Registry::builtin() {
        Ok(r) => r,
        Err(e) => {
            problems.diagnostic("", e);
            return None;
        }
    };
    let mut ok = true;
    for p in packs {
        if let Err(e) = reg.load_file(p) {
            problems.diagnostic(&p.display().to_string(), e);
            ok = false;
        }
    }
    for w in std::mem::take(&mut reg.warnings) {
        warn_once(warned, &w);
    }
    Some((reg, ok))
}

fn build_registry(
    packs: &[PathBuf],
    problems: &mut SetupProblems,
    warned: &mut std::collections::HashSet<String>,
) -> Option<Registry> {
    match build_registry_partial(packs, problems, warned) {
        Some((reg, true)) => Some(reg),
        _ => None,
    }
}

fn load_registry(packs: &[PathBuf]) -> Result<Registry, ExitCode> {
    let mut problems = SetupProblems::default();
    let mut warned = Default::default();
    build_registry(packs, &mut problems, &mut warned).ok_or(ExitCode::from(exit::TROUBLE))
}

/// The files that share one configuration, with what it decides.
struct Group {
    config: Option<Config>,
    registry: Arc<Registry>,
    policy: Policy,
    baseline: Option<Baseline>,
    /// Indices into the run's inputs.
    members: Vec<usize>,
}

/// Load every configuration the inputs use and the registry of each (config packs, then
/// `--pack` files); check every rule name. Every problem is reported before giving up.
fn setup_groups(
    inputs: &[Input],
    config_args: &ConfigArgs,
    cli_packs: &[PathBuf],
    select: &[String],
    ignore: &[String],
    verbose: bool,
    problems: &mut SetupProblems,
) -> Vec<Group> {
    let mut by_path: Vec<(Option<PathBuf>, Vec<usize>)> = Vec::new();
    let mut dir_cache: std::collections::HashMap<Option<PathBuf>, Option<PathBuf>> =
        Default::default();
    for (i, input) in inputs.iter().enumerate() {
        let dir = input.dir();
        let path = dir_cache
            .entry(dir.clone())
            .or_insert_with(|| config_path(config_args, dir.as_deref()))
            .clone();
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, v)) => v.push(i),
            None => by_path.push((path, vec![i])),
        }
    }
    if by_path.is_empty() {
        by_path.push((config_path(config_args, None), Vec::new()));
    }
    if verbose {
        for (p, members) in &by_path {
            eprintln!(
                "gouji: {} {} {}",
                members.len(),
                if members.len() == 1 {
                    "file uses"
                } else {
                    "files use"
                },
                p.as_ref()
                    .map(|p| format!("the configuration {}", p.display()))
                    .unwrap_or_else(|| "no configuration".into())
            );
        }
    }
    let mut warned = std::collections::HashSet::new();
    let mut groups = Vec::new();
    for (path, members) in by_path {
        // A file with bad values still has its rule names checked: every problem at once.
        let mut config_problems = Vec::new();
        let config = match &path {
            None => None,
            Some(p) => match Config::load(p) {
                Ok(c) => Some(c),
                Err(config::ConfigError::Partial { config, problems }) => {
                    config_problems = problems;
                    Some(*config)
                }
                Err(e) => {
                    problems.diagnostic(&p.display().to_string(), e);
                    None
                }
            },
        };
        let mut packs: Vec<PathBuf> = config.as_ref().map(|c| c.packs.clone()).unwrap_or_default();
        packs.extend(cli_packs.iter().cloned());
        let Some((registry, all_loaded)) = build_registry_partial(&packs, problems, &mut warned)
        else {
            continue;
        };
        // Rule names are checked against the packs that loaded, even when one did not, so
        // every problem is reported in this run.
        if let Some(c) = &config {
            if let Err(e) = crate::policy::check_config_rules(c, &registry) {
                config_problems.extend(e.into_problems().into_iter().map(|mut p| {
                    if !all_loaded {
                        p.message
                            .push_str(" (or it is in a pack that failed to load)");
                    }
                    p
                }));
            }
            if !config_problems.is_empty() {
                problems.diagnostic(&c.name, c.invalid(config_problems));
            }
        }
        if !all_loaded {
            continue;
        }
        for pat in select.iter().chain(ignore) {
            if !registry
                .rules()
                .any(|(_, r)| pattern_matches(pat, &r.id, &r.name))
            {
                problems.message("", unknown_rule_message(pat, &registry));
            }
        }
        let policy = Policy::new(select, ignore, config.as_ref());
        groups.push(Group {
            config,
            registry: Arc::new(registry),
            policy,
            baseline: None,
            members,
        });
    }
    groups
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

fn in_pool<T: Send>(jobs: Option<usize>, run: impl FnOnce() -> T + Send) -> T {
    match jobs {
        Some(n) if n > 0 => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        },
        _ => run(),
    }
}

/// Check every input with its group's registry and policy; reports in input order.
fn run_checks(
    inputs: &[Input],
    groups: &[Group],
    args: &CheckArgs,
    keep_view: bool,
) -> Vec<FileReport> {
    let mut owner = vec![0usize; inputs.len()];
    for (g, group) in groups.iter().enumerate() {
        for &i in &group.members {
            owner[i] = g;
        }
    }
    let pb = progress(inputs.len(), args.quiet);
    let reports = in_pool(args.jobs, || {
        inputs
            .par_iter()
            .zip(owner.par_iter())
            .progress_with(pb.clone())
            .map(|(input, &g)| {
                let group = &groups[g];
                check_input(input, &group.registry, &group.policy, keep_view)
            })
            .collect()
    });
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
    for (from, to, n) in &b.moved {
        eprintln!(
            "gouji: baseline {}: {n} entr{} recorded for {from} matched {to} (moved or renamed); run --write-baseline to record the new path",
            b.file,
            if *n == 1 { "y" } else { "ies" }
        );
    }
}

/// The outputs of a run: `--output` entries, plus `--format` (to `--output-file` or stdout)
/// when given or when no `--output` is.
fn outputs(args: &OutputArgs, configured: Option<OutputFormat>) -> Result<Vec<OutputSpec>, String> {
    let mut list = args.outputs.clone();
    if args.format.is_some() || list.is_empty() || args.output_file.is_some() {
        let format = args
            .format
            .or(configured)
            .unwrap_or(if io::stdout().is_terminal() {
                OutputFormat::Human
            } else {
                OutputFormat::Plain
            });
        list.insert(
            0,
            OutputSpec {
                format,
                file: args.output_file.clone(),
            },
        );
    }
    if list.iter().filter(|o| o.file.is_none()).count() > 1 {
        return Err("only one output can go to standard output; give the others a file (`--output FORMAT=FILE`)".into());
    }
    Ok(list)
}

/// Run `gouji check`.
pub fn check(args: CheckArgs) -> ExitCode {
    let walked = inputs(
        &args.paths,
        &args.walk.options(),
        args.stdin_filename.as_deref(),
    );
    let (files, skipped) = split_skipped(walked);
    say_skipped(args.walk.verbose, &skipped);
    let mut problems = SetupProblems::default();
    // The registries live until the process exits, which frees them: dropping them took 3 % of
    // a one-report run. `check` runs once per process.
    let mut groups = std::mem::ManuallyDrop::new(setup_groups(
        &files,
        &args.config,
        &args.packs,
        &args.select,
        &args.ignore,
        args.walk.verbose,
        &mut problems,
    ));
    let primary = groups.first().and_then(|g| g.config.clone());
    let primary = primary.as_ref();
    let configured_format = primary.and_then(|c| c.format);
    let outs = match outputs(&args.output, configured_format) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gouji: {e}");
            return ExitCode::from(exit::TROUBLE);
        }
    };
    if !problems.is_empty() {
        // A code-scanning upload shows why the gate failed instead of an empty file.
        for o in outs.iter().filter(|o| o.format == OutputFormat::Sarif) {
            let mut buf = Vec::new();
            let _ = report::sarif::render_config_failure(&problems.list, &mut buf);
            let _ = match &o.file {
                Some(f) => std::fs::write(f, &buf),
                None => io::stdout().write_all(&buf),
            };
        }
        return ExitCode::from(exit::TROUBLE);
    }
    if files.is_empty() {
        eprintln!("gouji: no report files found");
        if !args.walk.verbose && args.paths.iter().any(|p| p.is_dir()) {
            eprintln!("gouji: -v names the files that were skipped and why");
        }
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
    for g in groups.iter_mut() {
        let path = args
            .baseline
            .clone()
            .or_else(|| g.config.as_ref().and_then(|c| c.baseline.clone()));
        if let (None, Some(p)) = (&args.write_baseline, path) {
            match Baseline::load(&p) {
                Ok(b) => g.baseline = Some(b),
                Err(e) => return trouble(e),
            }
        }
    }
    let lang = lang_or(args.output.lang, primary.and_then(|c| c.lang));
    let fail_on = args
        .fail_on
        .or_else(|| primary.and_then(|c| c.fail_on))
        .unwrap_or(FailOn::Error);
    let require: Vec<Require> = if args.require.is_empty() {
        primary.map(|c| c.require.clone()).unwrap_or_default()
    } else {
        args.require.clone()
    };
    if groups.len() == 1
        && groups[0].baseline.is_none()
        && args.write_baseline.is_none()
        && !args.statistics
        && outs.len() == 1
        && outs[0].format == OutputFormat::Json
        && outs[0].file.is_none()
    {
        let g = &groups[0];
        return check_json_streamed(
            &files,
            &g.registry,
            &g.policy,
            &args,
            (lang, fail_on, &require),
            g.config.as_ref(),
        );
    }
    // Only renderers that show the report's text need a copy of it (plain prints positions and
    // values only).
    let keep_view = outs
        .iter()
        .any(|o| matches!(o.format, OutputFormat::Human | OutputFormat::Html));
    let mut reports = run_checks(&files, &groups, &args, keep_view);
    cross_reports(&mut reports, &groups, &args);
    for r in &reports {
        if let Some(e) = r.error_text(lang) {
            eprintln!("gouji: {}: {}", escape_name(&r.path), e);
        }
    }
    // The one chokepoint: selection, per-path ignores, severity overrides, baseline.
    let mut outcome: Option<BaselineOutcome> = None;
    for g in groups.iter() {
        let mut mine: Vec<FileReport> = g
            .members
            .iter()
            .map(|&i| std::mem::replace(&mut reports[i], FileReport::failed("", String::new())))
            .collect();
        if let Some(o) = g.policy.apply(&mut mine, g.baseline.as_ref()) {
            outcome = Some(match outcome.take() {
                None => o,
                Some(prev) => prev.merge(o),
            });
        }
        for (&i, r) in g.members.iter().zip(mine) {
            reports[i] = r;
        }
    }
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
    // SARIF lists the rules of the largest registry (every group has the built-in packs).
    let registry = groups
        .iter()
        .max_by_key(|g| g.registry.packs.len())
        .map(|g| g.registry.clone());
    let base = RenderOptions {
        registry,
        baseline: outcome.clone(),
        fail_at: fail_on.threshold(),
        ..RenderOptions::new(lang)
    };
    let suppressed = outcome.as_ref().map(|b| b.suppressed);
    for o in &outs {
        let to_stdout = o.file.is_none();
        let opts = RenderOptions {
            color: to_stdout && use_color(args.output.color),
            ..base.clone()
        };
        let mut buf: Box<dyn Write> = match &o.file {
            None => Box::new(io::BufWriter::new(io::stdout().lock())),
            Some(f) => match std::fs::File::create(f) {
                Ok(file) => Box::new(io::BufWriter::new(file)),
                Err(e) => {
                    eprintln!("gouji: cannot write {}: {e}", f.display());
                    return ExitCode::from(exit::TROUBLE);
                }
            },
        };
        let human = matches!(o.format, OutputFormat::Human | OutputFormat::Plain);
        let mut result = if args.statistics && to_stdout {
            write_statistics(
                &mut buf,
                &reports,
                o.format,
                suppressed,
                &registry_names(&groups),
            )
        } else {
            report::render(o.format, &reports, &opts, &mut buf)
        };
        if result.is_ok() && human && !args.quiet {
            result = write_summary(&mut buf, &summary, opts.lang, suppressed);
        }
        if let Err(e) = result.and_then(|_| buf.flush()) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("gouji: cannot write output: {e}");
                return ExitCode::from(exit::TROUBLE);
            }
        }
        if o.format == OutputFormat::Github {
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                if let Err(e) = append(
                    Path::new(&path),
                    &report::github::summary_markdown(&reports, &opts),
                ) {
                    eprintln!("gouji: cannot write the step summary: {e}");
                }
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

/// Group the reports of a run by issuer and year (saying how under `-v`) and, unless
/// `--no-cross`, run the rules across reports; each finding goes to the later report.
/// The rules come from the first configuration group's registry and selection (each finding
/// then passes its own report's policy, like every other finding).
fn cross_reports(reports: &mut [FileReport], groups: &[Group], args: &CheckArgs) {
    let Some(first) = groups.first() else { return };
    for g in groups {
        for &i in &g.members {
            if let Some(s) = reports[i].series.as_deref_mut() {
                map_issuer(g.config.as_ref(), &reports[i].path, s);
            }
        }
    }
    let (registry, policy) = (&*first.registry, &first.policy);
    let found = {
        let kept: Vec<(usize, &str, &across::SeriesFacts)> = reports
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.series.as_deref().map(|s| (i, r.path.as_str(), s)))
            .collect();
        let list: Vec<(&str, &across::SeriesFacts)> =
            kept.iter().map(|(_, p, s)| (*p, *s)).collect();
        across_findings(&list, registry, policy, args)
            .into_iter()
            .map(|(i, f)| (kept[i].0, f))
            .collect::<Vec<_>>()
    };
    for (i, f) in found {
        reports[i].findings.push(f);
    }
}

/// `[issuers]` of gouji.toml: a body named for the report's path wins over the text.
fn map_issuer(config: Option<&Config>, path: &str, s: &mut across::SeriesFacts) {
    if let Some(issuer) = config.and_then(|c| c.issuer_for(path)) {
        s.identity.set_issuer(issuer, across::Source::Config);
    }
}

/// The findings across reports of a run (with the index in `list` of the report each belongs
/// to); under `-v`, how each report was grouped and the groups made.
fn across_findings(
    list: &[(&str, &across::SeriesFacts)],
    registry: &Registry,
    policy: &Policy,
    args: &CheckArgs,
) -> Vec<(usize, crate::finding::Finding)> {
    for (path, s) in list {
        say_identity(args, path, s);
    }
    let groups = across::group(list.iter().enumerate().map(|(i, (_, s))| (i, *s)));
    say_groups(args, &groups);
    if args.no_cross {
        return Vec::new();
    }
    let (found, stats) = across::cross_check(list, &groups, registry, policy);
    say_stats(args, &stats);
    found
}

/// `-v`: how a report was grouped.
fn say_identity(args: &CheckArgs, path: &str, s: &across::SeriesFacts) {
    if args.walk.verbose {
        // Names come from file names and report text: no control character reaches the terminal.
        eprintln!(
            "gouji: {}: {}",
            escape_name(path),
            escape_name(&s.identity.describe())
        );
    }
}

/// `-v`: the series made, with the years missing in each.
fn say_groups(args: &CheckArgs, groups: &[across::Group]) {
    if args.walk.verbose {
        for line in across::describe_groups(groups) {
            eprintln!("gouji: series {}", escape_name(&line));
        }
    }
}

/// `-v`: how many relations across reports were evaluated.
fn say_stats(args: &CheckArgs, stats: &crate::check::RuleStats) {
    if args.walk.verbose {
        eprintln!(
            "gouji: across reports: {} relations evaluated, {} failed, {} not applicable, {} not checkable",
            stats.evaluated, stats.failed, stats.not_applicable, stats.not_checkable
        );
    }
}

/// Rule id → (name, default severity), over every group's registry.
fn registry_names(
    groups: &[Group],
) -> std::collections::HashMap<String, (String, crate::rules::Severity)> {
    let mut m = std::collections::HashMap::new();
    for g in groups {
        for (_, r) in g.registry.rules() {
            m.entry(r.id.clone())
                .or_insert_with(|| (r.name.clone(), r.severity));
        }
    }
    m
}

/// `--statistics`: findings per rule, most first (ties by id), as a table or (`json`) an array;
/// then the total, and the baseline's count when one was applied.
fn write_statistics(
    out: &mut dyn Write,
    reports: &[FileReport],
    format: OutputFormat,
    suppressed: Option<usize>,
    names: &std::collections::HashMap<String, (String, crate::rules::Severity)>,
) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<(&str, crate::rules::Severity), usize> =
        Default::default();
    for f in reports.iter().flat_map(|r| r.findings.iter()) {
        *counts.entry((f.rule.as_str(), f.severity)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let name = |id: &str| names.get(id).map(|n| n.0.clone()).unwrap_or_default();
    // Findings per issuing body and year (as the rules across reports group reports).
    let mut by_issuer = crate::across::stats::IssuerYears::default();
    for r in reports {
        let id = r.series.as_deref().map(|s| &s.identity);
        by_issuer.add(
            id.and_then(|i| i.issuer.as_deref()),
            id.and_then(|i| i.year),
            r.findings.len(),
        );
    }
    if format == OutputFormat::Json {
        let v: Vec<_> = rows
            .iter()
            .map(|((id, sev), n)| {
                serde_json::json!({"rule": id, "name": name(id), "severity": sev, "count": n})
            })
            .collect();
        let issuers = by_issuer.json();
        let doc = serde_json::json!({
            "rules": v,
            "total": rows.iter().map(|r| r.1).sum::<usize>(),
            "suppressed_by_baseline": suppressed,
            "issuers": issuers,
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        return writeln!(out);
    }
    let width = rows.iter().map(|((id, _), _)| id.len()).max().unwrap_or(0);
    for ((id, sev), n) in &rows {
        writeln!(out, "{n:>6}  {id:<width$}  {:<7}  {}", sev.name(), name(id))?;
    }
    if by_issuer.any_known() {
        writeln!(out)?;
        for line in by_issuer.lines() {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
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
    (lang, fail_on, require): (Lang, FailOn, &[Require]),
    config: Option<&Config>,
) -> ExitCode {
    let opts = RenderOptions::new(lang);
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout());
    let unmet = std::sync::atomic::AtomicUsize::new(0);
    let run = |out: &mut dyn Write| {
        crate::stream::run_json(
            files,
            registry,
            policy,
            &opts,
            out,
            |r| {
                if let Some(e) = r.error_text(lang) {
                    eprintln!("gouji: {}: {}", escape_name(&r.path), e);
                }
                if !requirement_met(require, r, lang) {
                    unmet.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                policy.apply(std::slice::from_mut(r), None);
                if let Some(s) = r.series.as_deref_mut() {
                    map_issuer(config, &r.path, s);
                    say_identity(args, &r.path, s);
                }
            },
            |mut kept, sink| {
                let groups = kept.groups();
                say_groups(args, &groups);
                if args.no_cross {
                    return Ok(());
                }
                let stats = kept.check_each(&groups, registry, policy, &mut |i, path, f| {
                    // The same chokepoint as every other finding.
                    let mut shell = FileReport::failed(path, String::new());
                    shell.findings.push(f);
                    policy.apply(std::slice::from_mut(&mut shell), None);
                    for f in shell.findings {
                        sink(i, path, f)?;
                    }
                    Ok(())
                })?;
                say_stats(args, &stats);
                Ok(())
            },
        )
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

/// `-v`: each file left out of a walk, with the reason.
fn say_skipped(verbose: bool, skipped: &[(std::path::PathBuf, crate::walk::SkipReason)]) {
    if verbose {
        for (p, why) in skipped {
            eprintln!(
                "gouji: skipping {} ({})",
                escape_name(&p.display().to_string()),
                why.text()
            );
        }
    }
}

/// Run `gouji extract`.
pub fn extract(args: ExtractArgs) -> ExitCode {
    let (files, skipped) = split_skipped(inputs(&args.paths, &args.walk.options(), None));
    say_skipped(args.walk.verbose, &skipped);
    let mut problems = SetupProblems::default();
    let groups = setup_groups(
        &files,
        &args.config,
        &args.packs,
        &[],
        &[],
        args.walk.verbose,
        &mut problems,
    );
    if !problems.is_empty() {
        return ExitCode::from(exit::TROUBLE);
    }
    let mut owner = vec![0usize; files.len()];
    for (g, group) in groups.iter().enumerate() {
        for &i in &group.members {
            owner[i] = g;
        }
    }
    type Read = Result<(Vec<export::FactRow>, export::ManifestRow), (String, String)>;
    let results: Vec<Read> = files
        .par_iter()
        .zip(owner.par_iter())
        .map(|(input, &g)| {
            let registry = &groups[g].registry;
            match input {
                Input::File(p) => crate::source::read(p)
                    .map(|doc| export::read(&doc, registry))
                    .map_err(|e| (p.display().to_string(), e.to_string())),
                Input::Stdin(name, bytes) => {
                    crate::source::read_bytes(name, bytes, Path::new(name))
                        .map(|doc| export::read(&doc, registry))
                        .map_err(|e| (name.clone(), e.to_string()))
                }
                Input::Error(path, cause) => Err((path.clone(), cause.clone())),
                Input::Skipped(p, why) => Err((p.display().to_string(), why.text())),
            }
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
        ExtractFormat::Csv => (if args.bom {
            out.write_all("\u{feff}".as_bytes())
        } else {
            Ok(())
        })
        .and_then(|_| export::write_csv_header(&mut out))
        .and_then(|_| export::write_csv_rows(&rows, &mut out)),
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

/// The command line with the rule ids, id prefixes and names as completion candidates of
/// `--select`, `--ignore` and `explain` (the parsers themselves still take any text).
fn command_with_rule_values() -> clap::Command {
    let Ok(reg) = Registry::builtin() else {
        return Cli::command();
    };
    let mut words: Vec<String> = Vec::new();
    for (pack, r) in reg.rules() {
        words.push(pack.id.clone());
        words.push(r.id.clone());
        words.push(r.name.clone());
    }
    words.sort();
    words.dedup();
    let values =
        move || {
            clap::builder::PossibleValuesParser::new(words.iter().map(|w| {
                clap::builder::PossibleValue::new(&*Box::leak(w.clone().into_boxed_str()))
            }))
        };
    let with = |a: clap::Arg, v: clap::builder::PossibleValuesParser| a.value_parser(v);
    Cli::command()
        .mut_subcommand("check", |c| {
            c.mut_arg("select", |a| with(a, values()))
                .mut_arg("ignore", |a| with(a, values()))
        })
        .mut_subcommand("explain", |c| c.mut_arg("rule", |a| with(a, values())))
}

fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = command_with_rule_values();
    // clap_complete panics on a write error: render into memory, then write and handle errors.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "gouji", &mut script);
    written(io::stdout().lock().write_all(&script))
}

fn man(dir: Option<&Path>) -> ExitCode {
    match dir {
        None => {
            let page = clap_mangen::Man::new(Cli::command());
            let mut out = io::stdout().lock();
            written(page.render(&mut out))
        }
        Some(d) => {
            let res = std::fs::create_dir_all(d)
                .and_then(|_| clap_mangen::generate_to(Cli::command(), d));
            match res {
                Ok(()) => ExitCode::from(exit::CLEAN),
                Err(e) => {
                    eprintln!("gouji: cannot write man pages to {}: {e}", d.display());
                    ExitCode::from(exit::TROUBLE)
                }
            }
        }
    }
}

fn write_summary(
    out: &mut dyn Write,
    s: &Summary,
    lang: Lang,
    suppressed: Option<usize>,
) -> io::Result<()> {
    let extra = match (suppressed, lang) {
        (None, _) => String::new(),
        (Some(n), Lang::Zh) => format!("；基线已接受 {n} 个（未显示）"),
        (Some(n), Lang::En) => format!("; {n} accepted by the baseline (not shown)"),
    };
    writeln!(out, "{}{extra}", s.sentence(lang, ""))
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
                        "table_pack": r.table.as_ref().map(|_| &r.table_pack),
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
            let lang = lang(args.lang);
            for p in &registry.packs {
                match lang {
                    Lang::En => writeln!(
                        out,
                        "{} — {} ({} rules; {})",
                        p.id,
                        p.name,
                        p.rules.len(),
                        p.source_name
                    )?,
                    Lang::Zh => writeln!(
                        out,
                        "{} — {}（{} 条规则；{}）",
                        p.id,
                        p.name,
                        p.rules.len(),
                        p.source_name
                    )?,
                }
                for r in &p.rules {
                    let message = match lang {
                        Lang::En => &r.message_en,
                        Lang::Zh => &r.message_zh,
                    };
                    writeln!(
                        out,
                        "  {:<24} {:<8} {:<44} {}",
                        r.id,
                        r.severity.label(lang),
                        r.name,
                        message
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
        let near = crate::policy::did_you_mean(&args.rule, &registry);
        if near.is_empty() {
            eprintln!("gouji: unknown rule `{}` (see `gouji rules`)", args.rule);
        } else {
            eprintln!(
                "gouji: unknown rule `{}`; did you mean {}?",
                args.rule,
                near.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            );
        }
        return ExitCode::from(exit::TROUBLE);
    };
    let mut out = io::stdout().lock();
    let res = if args.json {
        let v = serde_json::json!({
            "id": rule.id, "name": rule.name, "pack": pack.id, "severity": rule.severity,
            "table": rule.table, "table_pack": rule.table.as_ref().map(|_| &rule.table_pack), "expr": rule.expr_text, "message_zh": rule.message_zh,
            "across": rule.across.map(|a| a.name()),
            "message_en": rule.message_en, "reference": rule.reference, "explain": rule.explain,
            "source": format!("{}:{}", pack.source_name, rule.line),
        });
        serde_json::to_writer_pretty(&mut out, &v)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        let lang = lang(args.lang);
        let en = lang == Lang::En;
        let (what, why, example, in_lang) = rule.explain.text(lang);
        let table = rule
            .table
            .as_deref()
            .and_then(|t| registry.table(&rule.table_pack, t))
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
            "{} ({}) — {}\n{} · {}{}\n\n## {h_what}\n{}\n\n## {h_why}\n{}\n\n## {h_ex}\n{}\n\n## {h_rel}\n{}{}\n\n## {h_ref}\n{}\n({}:{})",
            rule.id,
            rule.name,
            if en { &rule.message_en } else { &rule.message_zh },
            rule.severity.label(lang),
            pack.name,
            if table.is_empty() {
                String::new()
            } else {
                format!(" · {table}")
            },
            if in_lang {
                what.trim().to_string()
            } else {
                format!("（本规则的说明暂无中文版，以下为英文原文）\n{}", what.trim())
            },
            why.trim(),
            example.trim(),
            match (rule.prose, en) {
                (_, false) if rule.engine => "（由程序判断）读到了报告中的哪些内容",
                (Some(k), false) => k.relation_zh(),
                _ => rule.expr_text.as_str(),
            },
            match rule.for_each {
                crate::rules::pack::ForEach::Column => if en { "  (for each column)" } else { "（逐列）" },
                crate::rules::pack::ForEach::Row => if en { "  (for each row)" } else { "（逐行）" },
                crate::rules::pack::ForEach::Cell => if en { "  (for each cell)" } else { "（逐格）" },
                crate::rules::pack::ForEach::Once => "",
            }
            .to_string()
                + &match (rule.across, en) {
                    (None, _) => String::new(),
                    (Some(a), true) => format!(
                        "\n(across reports: `prev.` names are the same body's {} report)",
                        if a == crate::rules::pack::Across::PreviousYear {
                            "previous year's"
                        } else {
                            "latest earlier"
                        }
                    ),
                    (Some(a), false) => format!(
                        "\n（跨报告：`prev.` 指同一机关{}的报告）",
                        if a == crate::rules::pack::Across::PreviousYear {
                            "上一年度"
                        } else {
                            "此前最近一份"
                        }
                    ),
                },
            rule.reference,
            pack.source_name,
            rule.line
        )
    };
    written(res)
}

/// Run `gouji serve`: set up the checks as `gouji check` would in the working directory, then
/// serve until stopped.
#[cfg(feature = "serve")]
pub fn serve(args: ServeArgs) -> ExitCode {
    let mut problems = SetupProblems::default();
    let mut groups = setup_groups(
        &[],
        &args.config,
        &args.packs,
        &args.select,
        &args.ignore,
        false,
        &mut problems,
    );
    if !problems.is_empty() {
        return ExitCode::from(exit::TROUBLE);
    }
    let Some(group) = groups.pop() else {
        return ExitCode::from(exit::TROUBLE);
    };
    let baseline = match group.config.as_ref().and_then(|c| c.baseline.clone()) {
        Some(p) => match Baseline::load(&p) {
            Ok(b) => Some(b),
            Err(e) => return trouble(e),
        },
        None => None,
    };
    let lang = lang_or(args.lang, group.config.as_ref().and_then(|c| c.lang));
    let checker = crate::serve::Checker {
        registry: group.registry,
        policy: group.policy,
        baseline,
        lang,
    };
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    if !args.bind.is_loopback() {
        eprintln!(
            "gouji serve: {}",
            match lang {
                Lang::Zh => format!(
                    "警告：在 {} 上监听，网络中的其他计算机也能打开此页面并上传文件",
                    args.bind
                ),
                Lang::En => format!(
                    "warning: listening on {}: other machines on the network can open this page and upload files",
                    args.bind
                ),
            }
        );
    }
    let opts = crate::serve::Options::new(addr, lang);
    let result = crate::serve::run(opts, checker, |at| {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "gouji serve: http://{at}/");
        let _ = out.flush();
        eprintln!(
            "gouji serve: {}",
            match lang {
                Lang::Zh => "在浏览器中打开上面的地址；按 Ctrl+C 停止",
                Lang::En => "open the address above in a browser; press Ctrl+C to stop",
            }
        );
    });
    match result {
        Ok(()) => ExitCode::from(exit::CLEAN),
        Err(e) => {
            eprintln!(
                "gouji serve: {}",
                match lang {
                    Lang::Zh => format!("无法在 {addr} 上监听：{e}"),
                    Lang::En => format!("cannot listen on {addr}: {e}"),
                }
            );
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
        Command::Extract(a) => extract(a),
        Command::Rules(a) => rules(a),
        Command::Explain(a) => explain(a),
        Command::Init => init(),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve(a),
        Command::Completions { shell } => completions(shell),
        Command::Man { dir } => man(dir.as_deref()),
    }
}
