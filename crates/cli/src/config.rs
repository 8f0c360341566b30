//! Where Wharf keeps its state, and the settings shared by `serve`, `worker` and the embedded
//! commands.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wharf_catalog::{Catalog, SecretCipher};

/// The data directory: `--data-dir`, else `WHARF_DATA_DIR`, else `~/.local/share/wharf`.
pub fn data_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local/share/wharf")
    })
}

/// Opens the catalog: `--database-url` if given, else SQLite in the data directory.
pub async fn open_catalog(data_dir: &Path, database_url: Option<&str>) -> Result<Catalog> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("catalog.db").display()
        ),
    };
    let cipher = secret_cipher(data_dir)?;
    Ok(Catalog::open(&url, cipher).await?)
}

/// The key that seals stored secrets: `WHARF_SECRET_KEY`, else `secret.key` in the data
/// directory, made on first use and readable by its owner only. Processes that share a
/// PostgreSQL catalog from different machines must share `WHARF_SECRET_KEY`.
fn secret_cipher(data_dir: &Path) -> Result<SecretCipher> {
    if let Ok(material) = std::env::var("WHARF_SECRET_KEY") {
        return SecretCipher::from_key_material(&material)
            .context("WHARF_SECRET_KEY is not usable");
    }
    let path = data_dir.join("secret.key");
    if !path.exists() {
        let material = SecretCipher::generate_key_material()?;
        create_private(&path, &material)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let material = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    SecretCipher::from_key_material(&material)
        .with_context(|| format!("{} does not hold a usable key", path.display()))
}

/// Creates `path` with `content`, readable by its owner only. When several processes start at
/// once, the first one's file wins and the others read it: the file appears whole or not at all.
fn create_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let staging = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&staging)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()?;
    let linked = std::fs::hard_link(&staging, path);
    std::fs::remove_file(&staging)?;
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}
