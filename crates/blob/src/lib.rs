//! File storage for uploaded files, over `object_store`: a local directory by default.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// What went wrong storing or reading a file.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("file not found")]
    NotFound,
    /// The incoming stream failed; carries the caller's own reason.
    #[error("{0}")]
    Source(String),
    #[error("storage failure: {0}")]
    Storage(String),
}

impl From<object_store::Error> for BlobError {
    fn from(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => BlobError::NotFound,
            other => BlobError::Storage(other.to_string()),
        }
    }
}

/// A stored object's key and age, for the orphan sweep.
#[derive(Clone, Debug)]
pub struct ObjectInfo {
    pub key: String,
    pub last_modified: std::time::SystemTime,
}

/// Where uploaded files live.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Writes the stream under `key` and makes it durable before returning its size. On an
    /// error from the stream nothing is left behind.
    async fn put_stream(
        &self,
        key: &str,
        chunks: BoxStream<'_, Result<Bytes, BlobError>>,
    ) -> Result<u64, BlobError>;
    /// Streams the object back.
    async fn get(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError>;
    /// Removes the object; removing a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Every stored object.
    async fn list(&self) -> Result<Vec<ObjectInfo>, BlobError>;
    /// Removes the leftovers of uploads cut off by a crash, once `min_age` old. Returns how many.
    async fn remove_incomplete_uploads(
        &self,
        min_age: std::time::Duration,
    ) -> Result<usize, BlobError>;
}

/// Files in a local directory, fsynced before they are acknowledged.
pub struct LocalBlobStore {
    root: PathBuf,
    store: Arc<LocalFileSystem>,
}

impl LocalBlobStore {
    /// Uses (creating if needed) the directory `root`.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, BlobError> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root)
            .map_err(|e| BlobError::Storage(format!("cannot create {}: {e}", root.display())))?;
        let root = root
            .canonicalize()
            .map_err(|e| BlobError::Storage(e.to_string()))?;
        let store = LocalFileSystem::new_with_prefix(&root)?;
        Ok(Self {
            root,
            store: Arc::new(store),
        })
    }

    /// Removes the directories an aborted upload of `key` created, deepest first, stopping at
    /// the first one that is not empty (another object, or another upload in flight, is in it).
    /// A concurrent upload that loses its directory this way creates it again.
    fn remove_empty_dirs(&self, key: &str) {
        let mut dir = self.root.join(key).parent().map(Path::to_path_buf);
        while let Some(d) = dir {
            if d == self.root || !d.starts_with(&self.root) || std::fs::remove_dir(&d).is_err() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
    }

    fn sync(&self, key: &str) -> Result<(), BlobError> {
        let file = self.root.join(key);
        let sync = |p: &Path| std::fs::File::open(p).and_then(|f| f.sync_all());
        sync(&file).map_err(|e| BlobError::Storage(format!("fsync {}: {e}", file.display())))?;
        let mut dir = file.parent();
        while let Some(d) = dir {
            sync(d).map_err(|e| BlobError::Storage(format!("fsync {}: {e}", d.display())))?;
            if d == self.root {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put_stream(
        &self,
        key: &str,
        mut chunks: BoxStream<'_, Result<Bytes, BlobError>>,
    ) -> Result<u64, BlobError> {
        let path = ObjectPath::from(key);
        let mut upload = self.store.put_multipart(&path).await?;
        let mut size = 0u64;
        while let Some(chunk) = chunks.next().await {
            match chunk {
                Ok(bytes) => {
                    size += bytes.len() as u64;
                    if let Err(err) = upload.put_part(PutPayload::from(bytes)).await {
                        let _ = upload.abort().await;
                        self.remove_empty_dirs(key);
                        return Err(err.into());
                    }
                }
                Err(err) => {
                    let _ = upload.abort().await;
                    self.remove_empty_dirs(key);
                    return Err(err);
                }
            }
        }
        upload.complete().await?;
        let store = self.clone_for_sync();
        let key = key.to_string();
        tokio::task::spawn_blocking(move || store.sync(&key))
            .await
            .map_err(|e| BlobError::Storage(e.to_string()))??;
        Ok(size)
    }

    async fn get(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let result = self.store.get(&ObjectPath::from(key)).await?;
        Ok(result.into_stream().map_err(BlobError::from).boxed())
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    async fn list(&self) -> Result<Vec<ObjectInfo>, BlobError> {
        let objects: Vec<_> = self.store.list(None).try_collect().await?;
        Ok(objects
            .into_iter()
            .map(|meta| ObjectInfo {
                key: meta.location.to_string(),
                last_modified: meta.last_modified.into(),
            })
            .collect())
    }

    async fn remove_incomplete_uploads(
        &self,
        min_age: std::time::Duration,
    ) -> Result<usize, BlobError> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || remove_staging_files(&root, min_age))
            .await
            .map_err(|e| BlobError::Storage(e.to_string()))?
    }
}

/// object_store writes a multipart upload to `<key>#<n>` and renames it on completion, so a
/// file whose name holds `#` is an upload that never completed.
fn remove_staging_files(root: &Path, min_age: std::time::Duration) -> Result<usize, BlobError> {
    let storage = |e: std::io::Error| BlobError::Storage(e.to_string());
    let mut removed = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(storage)? {
            let entry = entry.map_err(storage)?;
            let meta = entry.metadata().map_err(storage)?;
            if meta.is_dir() {
                stack.push(entry.path());
                continue;
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .unwrap_or_default();
            if entry.file_name().to_string_lossy().contains('#') && age >= min_age {
                std::fs::remove_file(entry.path()).map_err(storage)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

impl LocalBlobStore {
    fn clone_for_sync(&self) -> LocalBlobStore {
        LocalBlobStore {
            root: self.root.clone(),
            store: self.store.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(
        parts: Vec<Result<&'static [u8], BlobError>>,
    ) -> BoxStream<'static, Result<Bytes, BlobError>> {
        futures::stream::iter(parts.into_iter().map(|p| p.map(Bytes::from_static))).boxed()
    }

    #[tokio::test]
    async fn round_trips_lists_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path()).unwrap();
        let size = store
            .put_stream("a/b.pdf", chunks(vec![Ok(b"%PDF-"), Ok(b"1.4")]))
            .await
            .unwrap();
        assert_eq!(size, 8);
        let body: Vec<Bytes> = store
            .get("a/b.pdf")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(body.concat(), b"%PDF-1.4");
        assert_eq!(
            store
                .list()
                .await
                .unwrap()
                .iter()
                .map(|o| o.key.clone())
                .collect::<Vec<_>>(),
            vec!["a/b.pdf"]
        );
        store.delete("a/b.pdf").await.unwrap();
        store.delete("a/b.pdf").await.unwrap();
        assert!(matches!(
            store.get("a/b.pdf").await,
            Err(BlobError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_failed_stream_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path()).unwrap();
        let err = store
            .put_stream(
                "x.pdf",
                chunks(vec![
                    Ok(b"%PDF-"),
                    Err(BlobError::Source("too large".into())),
                ]),
            )
            .await;
        assert!(matches!(err, Err(BlobError::Source(_))));
        assert!(store.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn incomplete_uploads_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path()).unwrap();
        store
            .put_stream("a/done.pdf", chunks(vec![Ok(b"%PDF-")]))
            .await
            .unwrap();
        std::fs::write(dir.path().join("a/cut.pdf#1"), b"%PDF-partial").unwrap();
        assert_eq!(
            store
                .remove_incomplete_uploads(std::time::Duration::from_secs(3600))
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .remove_incomplete_uploads(std::time::Duration::ZERO)
                .await
                .unwrap(),
            1
        );
        assert!(!dir.path().join("a/cut.pdf#1").exists());
        assert!(dir.path().join("a/done.pdf").exists());
    }
}
