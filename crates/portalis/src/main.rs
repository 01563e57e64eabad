use clap::Parser;

/// mimalloc rather than the C library's allocator: pages allocate many
/// small strings, and the C library's allocator took 16 % of a page's CPU
/// (bench/results/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = portalis::cli::Cli::parse();
    match portalis::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portalis: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
