//! Secrets at rest.
//!
//! Connection secrets and a job's own credentials are sealed with AES-256-GCM under a 32-byte
//! key that the operator provides (`WHARF_SECRET_KEY`) or that Wharf generates once in its data
//! directory. The catalog never holds a secret in plain text, and a database dump alone does not
//! reveal one.

use std::sync::Arc;

use aes_gcm::aead::{Aead, Generate, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use wharf_model::{ErrorCode, WharfError, WharfResult};

const SEALED_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct SecretCipher {
    cipher: Arc<Aes256Gcm>,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher(<redacted>)")
    }
}

impl SecretCipher {
    /// A cipher from key material: 64 hex digits or base64 of 32 bytes.
    pub fn from_key_material(material: &str) -> WharfResult<SecretCipher> {
        let material = material.trim();
        let bytes = hex::decode(material)
            .ok()
            .filter(|b| b.len() == 32)
            .or_else(|| STANDARD.decode(material).ok().filter(|b| b.len() == 32))
            .ok_or_else(|| {
                WharfError::invalid("the secret key must be 32 bytes, as 64 hex digits or base64")
            })?;
        let cipher = Aes256Gcm::new_from_slice(&bytes)
            .map_err(|_| WharfError::invalid("the secret key must be 32 bytes"))?;
        Ok(SecretCipher {
            cipher: Arc::new(cipher),
        })
    }

    /// New random key material, as 64 hex digits.
    pub fn generate_key_material() -> WharfResult<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| WharfError::internal(format!("no randomness: {e}")))?;
        Ok(hex::encode(bytes))
    }

    pub fn seal(&self, plaintext: &str) -> WharfResult<String> {
        let nonce = Nonce::generate();
        let sealed = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| WharfError::internal("cannot seal a secret"))?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(blob)))
    }

    pub fn open(&self, sealed: &str) -> WharfResult<String> {
        let unreadable = || {
            WharfError::new(
                ErrorCode::SecretUnreadable,
                "a stored secret cannot be decrypted: the server's secret key changed since it was stored; store the credentials again",
            )
        };
        let blob = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(unreadable)?;
        let (nonce, body) = blob.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| unreadable())?;
        let plain = self
            .cipher
            .decrypt(&nonce, body)
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let key = SecretCipher::generate_key_material().unwrap();
        let cipher = SecretCipher::from_key_material(&key).unwrap();
        let sealed = cipher.seal("wJalrXUtnFEMI/K7MDENG").unwrap();
        assert!(!sealed.contains("wJalrXUtnFEMI"));
        assert_ne!(
            sealed,
            cipher.seal("wJalrXUtnFEMI/K7MDENG").unwrap(),
            "nonces must differ"
        );
        assert_eq!(cipher.open(&sealed).unwrap(), "wJalrXUtnFEMI/K7MDENG");

        let other =
            SecretCipher::from_key_material(&SecretCipher::generate_key_material().unwrap())
                .unwrap();
        assert_eq!(
            other.open(&sealed).unwrap_err().code,
            ErrorCode::SecretUnreadable
        );
        assert_eq!(
            cipher.open("garbage").unwrap_err().code,
            ErrorCode::SecretUnreadable
        );
        assert!(SecretCipher::from_key_material("too-short").is_err());
    }
}
