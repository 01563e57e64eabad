use clap::Parser;

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
