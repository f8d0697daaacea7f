use clap::Parser;

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    bound_malloc();
    let cli = server::cli::Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    match runtime.block_on(cli.run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("domaine: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// glibc's malloc, bounded (measured in BENCHMARKS.md). By default every thread that ever
/// allocated gets an arena that keeps what it once held (tokio's workers and blocking threads,
/// the argon2 pool), and after the first free of an argon2id block (19 MiB) the dynamic mmap
/// threshold rises above it, so each hashing thread keeps one resident. Two arenas, and blocks
/// of 1 MiB and more always mmapped, so they go back to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn bound_malloc() {
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_ARENA_MAX: i32 = -8;
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only sets allocator parameters; called first, before any other thread.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
    }
}
