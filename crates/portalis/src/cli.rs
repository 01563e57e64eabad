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
        /// Where the ProConnect simulator listens (default 127.0.0.1:8082).
        #[arg(long, value_name = "ADDR")]
        pc_listen: Option<SocketAddr>,
    },
    /// Run the FranceConnect simulator alone, with the portal of this
    /// configuration registered as its client.
    FcSim {
        /// Where the simulator listens (default 127.0.0.1:8081).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Run the ProConnect simulator alone, with the console of this
    /// configuration registered as its client (the demo's registration
    /// unless PORTALIS_PROCONNECT_* say otherwise).
    PcSim {
        /// Where the simulator listens (default 127.0.0.1:8082).
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
    /// Court staff's roles in the console (signed in with ProConnect).
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
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

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Grant a role in a court to an agent's professional e-mail address
    /// (or change the role it has there). His ProConnect identity is bound
    /// to the address at his first sign-in.
    Add {
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// The court's code.
        #[arg(long, value_name = "CODE")]
        court: String,
        /// sauj, greffe or admin (each includes the ones before it).
        #[arg(long, value_name = "ROLE", value_parser = parse_role)]
        role: portalis_core::staff::Role,
    },
    /// One role a line: court, address, role, when and by whom granted.
    List {
        /// Only this court's.
        #[arg(long, value_name = "CODE")]
        court: Option<String>,
    },
    /// Withdraw the address's role in a court; it stops working at the
    /// agent's next request.
    Remove {
        #[arg(long, value_name = "EMAIL")]
        email: String,
        #[arg(long, value_name = "CODE")]
        court: String,
    },
    /// Forget the ProConnect identity bound to the address (its holder's
    /// identity changed, or another person now uses it): the next identity
    /// to sign in with it is bound. Its roles stay.
    Unbind {
        #[arg(long, value_name = "EMAIL")]
        email: String,
    },
}

fn parse_role(s: &str) -> Result<portalis_core::staff::Role, String> {
    portalis_core::staff::Role::parse(s).ok_or_else(|| "expected sauj, greffe or admin".to_owned())
}
