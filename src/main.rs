//! The `gouji` binary: parse arguments, run, map the result to an exit code.

/// With the `mimalloc` feature, mimalloc instead of the system allocator: fewer instructions
/// per allocation for the many small strings of a report, at the cost of a larger peak RSS
/// (docs/benchmarks.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// glibc's malloc raises its mmap threshold (up to 32 MiB) each time a large block is freed,
/// after which large blocks (a page's lists of figures as they grow) come from the heap, where
/// their growth leaves holes that stay resident. Fixing the threshold at its initial 128 KiB
/// keeps every large block mapped on its own and returned when freed: the peak RSS of a
/// 60 MB HTML page drops by some 25 MB, at the same time.
#[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
fn fix_mmap_threshold() {
    // SAFETY: `mallopt` only sets an allocator parameter; it is called once, before any
    // thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    fix_mmap_threshold();
    gouji::cli::main()
}
