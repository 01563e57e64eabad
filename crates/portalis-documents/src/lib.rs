//! Documents' files. They are content-addressed: a file's key is its SHA-256,
//! so storing the same file twice writes it once, a retried upload is
//! harmless, and a file can be checked against its key on every read.
//!
//! Two backends behind one trait (`object_store`): local files under the data
//! directory (`file:///…`, the default) and S3-compatible object storage
//! (`s3://bucket/prefix`), the scale option.

pub mod pdf;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use portalis_core::secret::sha256_hex;
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DocumentError {
    #[error("unsupported documents URL {0:?} (expected file:///path or s3://bucket/prefix)")]
    UnsupportedUrl(String),
    #[error("storage error: {0}")]
    Storage(#[from] object_store::Error),
    #[error("stored file {key} does not match its checksum")]
    Corrupt { key: String },
    #[error("stored file {key} is missing")]
    Missing { key: String },
    #[error("cannot create the documents directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("the document store is closed")]
    Closed,
    #[error("too many documents are being read at once")]
    Busy,
}

/// How long a read waits for its part of the memory budget.
pub const READ_BUDGET_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The memory all reads of files may hold at once.
pub const READ_BUDGET_BYTES: u64 = 256 << 20;
const READ_BUDGET_KIB: u32 = (READ_BUDGET_BYTES >> 10) as u32;

/// Settings for S3-compatible storage, beside the usual `AWS_*` variables
/// (which are read too). Secrets are hidden from `Debug`.
#[derive(Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Allow plain HTTP (a local S3 endpoint in tests).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "***"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Clone)]
pub struct DocumentStore {
    inner: Arc<dyn ObjectStore>,
    prefix: Option<Path>,
    description: String,
    /// Kibibytes of the read budget not held by a read, and how long a
    /// read waits for its part.
    budget: Arc<tokio::sync::Semaphore>,
    budget_kib: u32,
    budget_wait: std::time::Duration,
}

impl std::fmt::Debug for DocumentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl DocumentStore {
    /// Opens the store named by `url`.
    ///
    /// # Errors
    /// An unsupported URL, an unreadable directory, or bad S3 settings.
    pub fn open(url: &str, s3: &S3Settings) -> Result<Self, DocumentError> {
        let parsed = url::Url::parse(url).map_err(|_| DocumentError::UnsupportedUrl(url.to_owned()))?;
        match parsed.scheme() {
            "file" => {
                let dir = parsed.to_file_path().map_err(|_| DocumentError::UnsupportedUrl(url.to_owned()))?;
                std::fs::create_dir_all(&dir)?;
                let fs = LocalFileSystem::new_with_prefix(&dir)?;
                Ok(Self::new(Arc::new(fs), None, format!("files under {}", dir.display())))
            }
            "s3" => {
                let bucket = parsed.host_str().ok_or_else(|| DocumentError::UnsupportedUrl(url.to_owned()))?;
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(e) = &s3.endpoint {
                    builder = builder.with_endpoint(e).with_virtual_hosted_style_request(false);
                }
                if let Some(r) = &s3.region {
                    builder = builder.with_region(r);
                }
                if let Some(k) = &s3.access_key_id {
                    builder = builder.with_access_key_id(k);
                }
                if let Some(s) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(s);
                }
                if s3.allow_http {
                    builder = builder.with_allow_http(true);
                }
                let prefix = parsed.path().trim_matches('/');
                Ok(Self::new(
                    Arc::new(builder.build()?),
                    (!prefix.is_empty()).then(|| Path::from(prefix)),
                    format!("S3 bucket {bucket}, prefix {prefix:?}"),
                ))
            }
            _ => Err(DocumentError::UnsupportedUrl(url.to_owned())),
        }
    }

    fn new(inner: Arc<dyn ObjectStore>, prefix: Option<Path>, description: String) -> Self {
        let budget = Arc::new(tokio::sync::Semaphore::new(READ_BUDGET_KIB as usize));
        Self { inner, prefix, description, budget, budget_kib: READ_BUDGET_KIB, budget_wait: READ_BUDGET_WAIT }
    }

    /// The same store with another read budget (tests).
    pub fn with_read_budget(mut self, bytes: u64, wait: std::time::Duration) -> Self {
        self.budget_kib = u32::try_from(bytes >> 10).unwrap_or(u32::MAX).max(1);
        self.budget = Arc::new(tokio::sync::Semaphore::new(self.budget_kib as usize));
        self.budget_wait = wait;
        self
    }

    fn path(&self, key: &str) -> Path {
        match &self.prefix {
            Some(p) => Path::from(format!("{p}/{key}")),
            None => Path::from(key),
        }
    }

    /// Stores a file under its checksum; a file already there is not written
    /// again.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn put(&self, bytes: Bytes) -> Result<StoredFile, DocumentError> {
        let sha256 = sha256_hex(&bytes);
        let key = format!("{}/{}.pdf", &sha256[..2], sha256);
        let size = bytes.len() as u64;
        let path = self.path(&key);
        match self.inner.head(&path).await {
            Ok(meta) if meta.size == size => {}
            _ => {
                self.inner.put(&path, PutPayload::from_bytes(bytes)).await?;
            }
        }
        Ok(StoredFile { key, sha256, size })
    }

    /// Stores a file under a key of the caller's (a filing's attachment:
    /// `filings/{filing}/{random}`), so that it can be deleted without
    /// touching another's copy of the same bytes.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn put_at(&self, key: &str, bytes: Bytes) -> Result<StoredFile, DocumentError> {
        let sha256 = sha256_hex(&bytes);
        let size = bytes.len() as u64;
        self.inner.put(&self.path(key), PutPayload::from_bytes(bytes)).await?;
        Ok(StoredFile { key: key.to_owned(), sha256, size })
    }

    /// Deletes a file stored with [`DocumentStore::put_at`]; one already
    /// gone is not an error (a deletion retried after a crash).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn delete(&self, key: &str) -> Result<(), DocumentError> {
        match self.inner.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a file whole and checks it against the checksum recorded with
    /// it, before any byte of it is handed out: a file altered underneath,
    /// even without changing its length, is never served as complete.
    ///
    /// Files wait in memory within a budget of [`READ_BUDGET_BYTES`] for
    /// all reads at once, counted from the size recorded with the document
    /// (`expected_size`) before the store is asked; a read that cannot get
    /// its part within [`READ_BUDGET_WAIT`] is refused as busy. The budget
    /// is held until the last copy of the returned bytes is dropped (the
    /// response is sent). A stored object of another size is refused
    /// before it is read.
    ///
    /// # Errors
    /// [`DocumentError::Corrupt`] when the size or the bytes do not match
    /// (logged as an integrity failure), [`DocumentError::Missing`] when
    /// the file is gone, [`DocumentError::Busy`], storage errors.
    pub async fn get(&self, key: &str, expected_sha256: &str, expected_size: u64) -> Result<Bytes, DocumentError> {
        let kib = u32::try_from(expected_size.div_ceil(1024)).unwrap_or(u32::MAX).clamp(1, self.budget_kib);
        let permit = match tokio::time::timeout(self.budget_wait, self.budget.clone().acquire_many_owned(kib)).await {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Err(DocumentError::Closed),
            Err(_) => {
                tracing::warn!(key, "no memory left for one more document read: refused as busy");
                return Err(DocumentError::Busy);
            }
        };
        let result = match self.inner.get(&self.path(key)).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Err(DocumentError::Missing { key: key.to_owned() }),
            Err(e) => return Err(e.into()),
        };
        if result.meta.size != expected_size {
            tracing::error!(
                key,
                integrity_failure = true,
                stored = result.meta.size,
                expected_size,
                "stored document has another size: not served"
            );
            return Err(DocumentError::Corrupt { key: key.to_owned() });
        }
        let bytes = result.bytes().await?;
        if sha256_hex(&bytes) != expected_sha256 {
            tracing::error!(key, integrity_failure = true, "stored document failed its integrity check: not served");
            return Err(DocumentError::Corrupt { key: key.to_owned() });
        }
        Ok(Bytes::from_owner(Budgeted { bytes, _permit: permit }))
    }

    /// Overwrites a stored file without changing its key: only for tests
    /// that prove corruption is detected.
    ///
    /// # Errors
    /// Storage errors.
    #[doc(hidden)]
    pub async fn overwrite_for_tests(&self, key: &str, bytes: Bytes) -> Result<(), DocumentError> {
        self.inner.put(&self.path(key), PutPayload::from_bytes(bytes)).await?;
        Ok(())
    }

    /// Checks that the store answers (for `/readyz`).
    ///
    /// # Errors
    /// Storage errors other than an absent probe object.
    pub async fn ping(&self) -> Result<(), DocumentError> {
        match self.inner.head(&self.path("readyz-probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Bytes read, with the part of the budget they hold.
struct Budgeted {
    bytes: Bytes,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl AsRef<[u8]> for Budgeted {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}
