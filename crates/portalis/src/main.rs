use clap::Parser;

/// mimalloc rather than the C library's allocator: pages allocate many
/// small strings, and the C library's allocator took 16 % of a page's CPU
/// (bench/results/). Built without asking for transparent huge pages (the
/// `no_thp` feature): each 2 MiB page the kernel gave counted whole in the
/// portal's memory, 143-145 MB at the peak of 64 downloads at once against
/// 118-119 MB without ("Memory" in docs/ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Threads for blocking work (file reads of documents and assets, a few
/// kilobytes each): tokio's default of 512 let a burst of downloads start
/// dozens, each keeping allocator memory of its own.
const BLOCKING_THREADS: usize = 16;

fn main() -> std::process::ExitCode {
    let cli = portalis::cli::Cli::parse();
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(BLOCKING_THREADS).build() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("portalis: cannot start the runtime: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
    match runtime.block_on(portalis::commands::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portalis: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
