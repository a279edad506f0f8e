//! The `gouji` binary: parse arguments, run, map the result to an exit code.

/// With the `mimalloc` feature (a default), mimalloc instead of the system allocator: fewer
/// instructions per allocation for the many small strings of a report (docs/benchmarks.md).
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

/// mimalloc's arenas committed as they are used and freed memory returned after 10 ms: with its
/// defaults (arenas committed up front, purges after a second) the peak RSS of a run doubles.
/// Options must be set before the first allocation reserves an arena, so this runs as an ELF
/// initialiser, before the Rust runtime starts (it allocates nothing).
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
extern "C" fn tune_mimalloc() {
    // Option numbers of mimalloc 3's `mi_option_e` (the -sys crate names only older ones).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option stores a value in mimalloc's option table; it allocates
    // nothing and runs once, before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
    }
}

/// Runs [`tune_mimalloc`] among the program's initialisers.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_MIMALLOC: extern "C" fn() = tune_mimalloc;

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    fix_mmap_threshold();
    gouji::cli::main()
}
