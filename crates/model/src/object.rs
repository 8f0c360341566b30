//! The objects a source holds, as a listing finds them.

/// One object found under a source, with the facts the listing (or a stat) gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    /// The key relative to the source prefix, `/`-separated, never starting with `/`.
    pub path: String,
    pub size: u64,
    /// ETag or MD5 from the store; `size-mtime` for local files.
    pub fingerprint: String,
    /// Milliseconds since the Unix epoch.
    pub modified_ms: Option<i64>,
    /// Guessed from the extension; `application/octet-stream` when unknown.
    pub media_type: String,
}

impl ObjectEntry {
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }

    /// Images, audio, video and point clouds: files that are data in any layout, as opposed
    /// to text, JSON or XML, which a layout either reads or does not use.
    pub fn is_media(&self) -> bool {
        const POINT_CLOUDS: &[&str] = &[".pcd", ".ply", ".las", ".laz", ".bin"];
        let path = self.path.to_ascii_lowercase();
        ["image/", "audio/", "video/"]
            .iter()
            .any(|kind| self.media_type.starts_with(kind))
            || POINT_CLOUDS.iter().any(|ext| path.ends_with(ext))
    }
}
