use clap::Parser;

fn main() -> std::process::ExitCode {
    copylint::cli::run(copylint::cli::Args::parse())
}
