//! Where the data lives: the database, the documents' files, the page
//! cache's size.

use super::ConfigError;
use super::sources::{Raw, boolean};
use portalis_documents::S3Settings;
use std::path::{Path, PathBuf};

/// The demo's data directory.
pub const DEMO_DATA_DIR: &str = "./data/demo";

#[derive(Debug, Clone)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_max_connections: u32,
    /// The page cache's size in MiB (0: no cache).
    pub page_cache_mb: usize,
    pub documents_url: String,
    pub s3: S3Settings,
}

impl StorageConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(raw.data_dir.as_deref().unwrap_or(DEMO_DATA_DIR));
        let database_url = match raw.database_url.as_deref() {
            Some(u) => u.to_owned(),
            None => format!("sqlite://{}", data_dir.join("portalis.db").display()),
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_DATABASE_URL",
                reason: "expected sqlite://… or postgres://…".into(),
            });
        }
        let database_max_connections = match raw.database_max_connections.as_deref() {
            Some(n) => n.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or(ConfigError::Invalid {
                name: "PORTALIS_DATABASE_MAX_CONNECTIONS",
                reason: "expected a number from 1 to 1000".into(),
            })?,
            // Each sqlx SQLite connection is a thread that competes with the
            // request threads for the cores: four per core is enough
            // (measured on one core, when pages still read through this
            // pool: 4 connections answered 10 % more pages than 16, and 2
            // half as many; pages now read in place, see read.rs).
            // PostgreSQL connections wait on the network: 16.
            None if database_url.starts_with("sqlite:") => {
                std::thread::available_parallelism().map_or(4, |n| 4 * n.get() as u32).clamp(4, 16)
            }
            None => 16,
        };
        let page_cache_mb = match raw.page_cache_mb.as_deref() {
            None => 64,
            Some(v) => v.parse::<usize>().ok().filter(|n| *n <= 65_536).ok_or(ConfigError::Invalid {
                name: "PORTALIS_PAGE_CACHE_MB",
                reason: "expected a whole number from 0 (no cache) to 65536".into(),
            })?,
        };
        let documents_url = match raw.documents_url.as_deref() {
            Some(u) => u.to_owned(),
            None => format!("file://{}", absolute(&data_dir.join("documents")).display()),
        };
        if !(documents_url.starts_with("file://") || documents_url.starts_with("s3://")) {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_DOCUMENTS_URL",
                reason: "expected file:///… or s3://bucket/prefix".into(),
            });
        }
        let s3 = S3Settings {
            endpoint: raw.s3_endpoint.clone(),
            region: raw.s3_region.clone(),
            access_key_id: raw.s3_access_key_id.clone(),
            secret_access_key: raw.s3_secret_access_key.clone(),
            allow_http: boolean(raw.s3_allow_http.as_deref(), "PORTALIS_S3_ALLOW_HTTP")?.unwrap_or(false),
        };
        Ok(Self { data_dir, database_url, database_max_connections, page_cache_mb, documents_url, s3 })
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    }
}
