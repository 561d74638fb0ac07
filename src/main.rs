use clap::Parser;

/// Compiling the rule pack makes many small allocations on several threads at once, and parsing
/// Markdown many more: mimalloc serves them with fewer instructions and page faults than the
/// system allocator (`docs/performance.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    copylint::cli::run(copylint::cli::Args::parse())
}
