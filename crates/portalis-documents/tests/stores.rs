//! Both document stores, for real: local files in a temporary directory, and
//! S3 against a moto server started on loopback by the test.

use bytes::Bytes;
use portalis_documents::{DocumentError, DocumentStore, S3Settings};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

async fn stores_a_file_once_and_detects_corruption(store: DocumentStore) {
    let a = store.put(Bytes::from_static(PDF)).await.unwrap();
    let b = store.put(Bytes::from_static(PDF)).await.unwrap();
    assert_eq!(a, b, "the same file has the same key");
    assert_eq!(a.size, PDF.len() as u64);
    assert_eq!(store.get(&a.key, &a.sha256, a.size).await.unwrap(), Bytes::from_static(PDF));

    // Altered without changing its length: refused whole, before any byte.
    let mut same_size = PDF.to_vec();
    same_size[PDF.len() / 2] ^= 0x20;
    store.overwrite_for_tests(&a.key, Bytes::from(same_size)).await.unwrap();
    assert!(matches!(store.get(&a.key, &a.sha256, a.size).await, Err(DocumentError::Corrupt { .. })));
    // Of another size: refused before it is read.
    store.overwrite_for_tests(&a.key, Bytes::from_static(b"%PDF-1.4 tampered")).await.unwrap();
    assert!(matches!(store.get(&a.key, &a.sha256, a.size).await, Err(DocumentError::Corrupt { .. })));
    assert!(matches!(store.get("ab/missing.pdf", &a.sha256, a.size).await, Err(DocumentError::Missing { .. })));
    store.ping().await.unwrap();

    // A filing's file: under a key of its own, deleted by that key (twice:
    // a deletion retried after a crash), the same bytes elsewhere kept.
    let kept = store.put(Bytes::from_static(PDF)).await.unwrap();
    let own = store.put_at("filings/abc/0123", Bytes::from_static(PDF)).await.unwrap();
    assert_eq!(
        (own.key.as_str(), own.sha256.as_str(), own.size),
        ("filings/abc/0123", kept.sha256.as_str(), kept.size)
    );
    assert_eq!(store.get(&own.key, &own.sha256, own.size).await.unwrap(), Bytes::from_static(PDF));
    store.delete(&own.key).await.unwrap();
    store.delete(&own.key).await.unwrap();
    assert!(matches!(store.get(&own.key, &own.sha256, own.size).await, Err(DocumentError::Missing { .. })));
    assert!(store.get(&kept.key, &kept.sha256, kept.size).await.is_ok(), "another key's copy stays");
}

#[tokio::test]
async fn local_files_store_and_verify_documents() {
    let dir = std::env::temp_dir().join(format!("portalis-docs-{}", std::process::id()));
    let store = DocumentStore::open(&format!("file://{}", dir.display()), &S3Settings::default()).unwrap();
    stores_a_file_once_and_detects_corruption(store).await;
    let _ = std::fs::remove_dir_all(dir);
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port kept for a server about to start: bound but never
/// listening, so connections to it are refused and no other socket (of this
/// process or of another run of the suite beside it) is given it, until the
/// server binds it too (with `SO_REUSEADDR`, which Python's servers set) and the reservation is dropped.
fn reserved_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (socket, port)
}

async fn start_moto() -> (Moto, String) {
    let (_reserved, port) = reserved_port();
    let mut child = Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto must be installed (the test command installs it: pip install 'moto[server]')");
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{endpoint}/moto-api/")).send().await.is_ok() {
            return (Moto(child), endpoint);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("moto did not start on {endpoint}");
}

#[tokio::test]
async fn s3_storage_stores_and_verifies_documents() {
    let (_moto, endpoint) = start_moto().await;
    let created = reqwest::Client::new().put(format!("{endpoint}/portalis-test")).send().await.unwrap();
    assert!(created.status().is_success(), "bucket creation: {}", created.status());
    let settings = S3Settings {
        endpoint: Some(endpoint),
        region: Some("eu-west-3".into()),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".into()),
        allow_http: true,
    };
    let store = DocumentStore::open("s3://portalis-test/documents", &settings).unwrap();
    stores_a_file_once_and_detects_corruption(store).await;
}

#[test]
fn an_unknown_scheme_is_refused() {
    assert!(matches!(
        DocumentStore::open("ftp://host/dir", &S3Settings::default()),
        Err(DocumentError::UnsupportedUrl(_))
    ));
}

#[tokio::test]
async fn reads_beyond_the_memory_budget_wait_then_are_refused_as_busy() {
    let dir = std::env::temp_dir().join(format!("portalis-docs-budget-{}", std::process::id()));
    let store = DocumentStore::open(&format!("file://{}", dir.display()), &S3Settings::default())
        .unwrap()
        .with_read_budget(4096, Duration::from_millis(50));
    let big = Bytes::from([b"%PDF-1.4\n".as_slice(), &[b'x'; 3000]].concat());
    let a = store.put(big).await.unwrap();
    let held = store.get(&a.key, &a.sha256, a.size).await.unwrap();
    assert!(
        matches!(store.get(&a.key, &a.sha256, a.size).await, Err(DocumentError::Busy)),
        "the first read holds most of the budget"
    );
    drop(held);
    assert!(store.get(&a.key, &a.sha256, a.size).await.is_ok(), "sent, its memory is free again");
    assert!(
        matches!(store.get(&a.key, &a.sha256, a.size + 1).await, Err(DocumentError::Corrupt { .. })),
        "another size than recorded"
    );
    let _ = std::fs::remove_dir_all(dir);
}
