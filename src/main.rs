//! The `gouji` binary: parse arguments, run, map the result to an exit code.

/// With the `mimalloc` feature, mimalloc instead of the system allocator: fewer instructions
/// per allocation for the many small strings of a report, at the cost of a larger peak RSS
/// (docs/benchmarks.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gouji::cli::main()
}
