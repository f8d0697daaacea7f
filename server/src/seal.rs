//! Sealing what the portal must keep secret at rest (the ACME account's credentials, its
//! private key among them; the TOTP secrets of two-factor logins): AES-256-GCM under a key derived with HKDF-SHA256 from the
//! configuration's `secret_key`, a fresh random nonce each time, and the row's identity as
//! associated data so that a sealed value cannot be moved to another row.

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hkdf::Hkdf;
use sha2::Sha256;

const NONCE_LEN: usize = 12;

/// A key for one purpose (`purpose` keeps keys derived for different uses apart).
pub struct SealingKey(Aes256Gcm);

#[derive(Debug, thiserror::Error)]
#[error("a sealed value could not be opened (another secret_key, or damaged)")]
pub struct OpenError;

impl SealingKey {
    pub fn derive(secret: &[u8], purpose: &str) -> SealingKey {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, secret)
            .expand(purpose.as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        SealingKey(Aes256Gcm::new_from_slice(&key).expect("a 32-byte AES-256 key"))
    }

    /// base64 of nonce || ciphertext (with its tag).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: plaintext,
            aad: context.as_bytes(),
        };
        let mut out = nonce.to_vec();
        out.extend(
            self.0
                .encrypt(Nonce::from_slice(&nonce), payload)
                .expect("AES-GCM encrypts any message of this size"),
        );
        STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, OpenError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| OpenError)?;
        if bytes.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        self.0
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_context() {
        let key = SealingKey::derive(&[7; 64], "acme account");
        let sealed = key.seal(b"the credentials", "https://ca.test/dir");
        assert!(!sealed.contains("credentials"));
        assert_eq!(
            key.open(&sealed, "https://ca.test/dir").unwrap(),
            b"the credentials"
        );
        // A fresh nonce each time.
        assert_ne!(sealed, key.seal(b"the credentials", "https://ca.test/dir"));
        assert!(key.open(&sealed, "https://other.test/dir").is_err());
        let other_secret = SealingKey::derive(&[8; 64], "acme account");
        assert!(other_secret.open(&sealed, "https://ca.test/dir").is_err());
        let other_purpose = SealingKey::derive(&[7; 64], "something else");
        assert!(other_purpose.open(&sealed, "https://ca.test/dir").is_err());
        assert!(key.open("bm90IHNlYWxlZA==", "https://ca.test/dir").is_err());
        assert!(key.open("%%%", "https://ca.test/dir").is_err());
    }
}
