//! The command line.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Portalis: the litigant's portal of the French courts.
#[derive(Debug, Parser)]
#[command(name = "portalis", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The data directory: SQLite file and documents, unless
    /// PORTALIS_DATABASE_URL or PORTALIS_DOCUMENTS_URL say otherwise.
    #[arg(long, global = true, env = "PORTALIS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML file of settings (keys are the variable names without
    /// PORTALIS_, in lower case); environment variables win over it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the demonstration: SQLite in the data directory (default
    /// ./data/demo), the guide's world loaded, demonstration banner on.
    Demo {
        /// Where the portal listens (default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Where the FranceConnect simulator listens (default 127.0.0.1:8081).
        #[arg(long, value_name = "ADDR")]
        fc_listen: Option<SocketAddr>,
    },
    /// Run the FranceConnect simulator alone, with the portal of this
    /// configuration registered as its client.
    FcSim {
        /// Where the simulator listens (default 127.0.0.1:8081).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Run in production: every setting from the configuration; refuses to
    /// start without the secrets it needs.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// The court directory.
    Court {
        #[command(subcommand)]
        command: CourtCommand,
    },
    /// Court systems' API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Bulk load of a court's cases, parties, events and documents from
    /// NDJSON (one record a line, the API's shapes; see docs/import.md).
    Import {
        /// The court the records belong to.
        #[arg(long, value_name = "CODE")]
        court: String,
        /// The NDJSON file.
        file: PathBuf,
    },
    /// Fill an empty database with a generated world for load benchmarks
    /// (see bench/README.md): 170 courts, the cases asked for, accounts the
    /// FranceConnect simulator signs in. Not for a real database.
    BenchData {
        /// How many cases.
        #[arg(long, value_name = "N")]
        cases: u64,
        /// The seed of the world (the same seed, the same world).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the manifest (JSON) the benchmark reads.
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CourtCommand {
    /// One court a line, its code first.
    List,
    /// Create or update courts from a CSV file (columns in docs/import.md).
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Print a new API key for a court, alone on its line, once (only its
    /// hash is stored).
    Create {
        /// The court's code.
        #[arg(long, value_name = "CODE")]
        court: String,
    },
    /// One key a line: id, court, its first characters, creation, status.
    List {
        /// Only this court's keys.
        #[arg(long, value_name = "CODE")]
        court: Option<String>,
    },
    /// Revoke a key by its id (from `list`): the court system using it is
    /// refused from its next request.
    Revoke {
        /// The key's id.
        id: i64,
    },
}
