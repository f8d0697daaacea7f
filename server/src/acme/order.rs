//! One certificate from the ACME CA (RFC 8555) with instant-acme: the portal's account (made
//! once per directory, kept sealed in `acme_accounts`), an order for the domain, its HTTP-01
//! challenges answered from the database, and a CSR for a key generated here. The key exists
//! only in memory, in the [`Issued`] this returns.

use super::challenges;
use crate::{config::AcmeSettings, db::Db, seal::SealingKey};
use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
};
use std::time::Duration;

/// What sets an account's sealing key apart from any other key derived from `secret_key`.
const ACCOUNT_KEY_PURPOSE: &str = "domaine acme account v1";

/// How long the CA may take to validate, then to issue.
const VALIDATION_TIMEOUT: Duration = Duration::from_secs(90);
const ISSUANCE_TIMEOUT: Duration = Duration::from_secs(60);

/// A certificate the CA issued, with its key: hand it to Prosody, then drop it.
pub struct Issued {
    /// PEM, leaf first.
    pub chain: String,
    /// PEM (PKCS#8). Deliberately not `Debug`: it must never reach a log.
    pub key: String,
    /// The leaf's expiry, Unix seconds.
    pub not_after: i64,
    /// SHA-256 of the leaf (DER), lowercase hex.
    pub fingerprint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("ACME: {0}")]
    Acme(#[from] instant_acme::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("the stored ACME account cannot be used: {0}")]
    Account(String),
    #[error("the CA refused the order: {0}")]
    Refused(String),
    #[error("the CA offers no HTTP-01 challenge for {0}")]
    NoHttpChallenge(String),
    #[error("cannot make the key or the request: {0}")]
    Key(#[from] rcgen::Error),
    #[error("the CA sent a certificate that cannot be read: {0}")]
    BadCertificate(String),
}

/// Orders a certificate for `domain`; the challenges are forgotten whatever happens.
pub async fn obtain(
    db: &Db,
    settings: &AcmeSettings,
    secret: &[u8],
    domain: &str,
) -> Result<Issued, OrderError> {
    let account = account(db, settings, secret).await?;
    let result = run_order(db, &account, domain).await;
    challenges::clear(db, domain).await?;
    result
}

fn builder(settings: &AcmeSettings) -> Result<instant_acme::AccountBuilder, instant_acme::Error> {
    match &settings.ca_file {
        Some(path) => Account::builder_with_root(path),
        None => Account::builder(),
    }
}

/// The portal's account on `settings.directory`: the stored one, else a new one, stored.
async fn account(db: &Db, settings: &AcmeSettings, secret: &[u8]) -> Result<Account, OrderError> {
    let directory = settings.directory.as_str();
    let key = SealingKey::derive(secret, ACCOUNT_KEY_PURPOSE);
    let stored: Option<(String,)> =
        sqlx::query_as("SELECT sealed_credentials FROM acme_accounts WHERE directory = $1")
            .bind(directory)
            .fetch_optional(&db.pool)
            .await?;
    if let Some((sealed,)) = stored {
        let json = key
            .open(&sealed, directory)
            .map_err(|e| OrderError::Account(e.to_string()))?;
        let credentials: AccountCredentials =
            serde_json::from_slice(&json).map_err(|e| OrderError::Account(e.to_string()))?;
        return Ok(builder(settings)?.from_credentials(credentials).await?);
    }
    let contact = format!("mailto:{}", settings.contact);
    let (account, credentials) = builder(settings)?
        .create(
            &NewAccount {
                contact: &[&contact],
                terms_of_service_agreed: true,
                only_return_existing: false,
            },
            directory.to_owned(),
            None,
        )
        .await?;
    let json = serde_json::to_vec(&credentials).map_err(|e| OrderError::Account(e.to_string()))?;
    // Another instance may have made one meanwhile: both work, the first stored is kept.
    sqlx::query(
        "INSERT INTO acme_accounts (directory, sealed_credentials, created_at) \
         VALUES ($1, $2, $3) ON CONFLICT (directory) DO NOTHING",
    )
    .bind(directory)
    .bind(key.seal(&json, directory))
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    tracing::info!(directory, "ACME account created");
    Ok(account)
}

async fn run_order(db: &Db, account: &Account, domain: &str) -> Result<Issued, OrderError> {
    let identifiers = [Identifier::Dns(domain.to_owned())];
    let mut order = account.new_order(&NewOrder::new(&identifiers)).await?;
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let mut authz = authz?;
        match authz.status {
            AuthorizationStatus::Pending => {}
            AuthorizationStatus::Valid => continue,
            other => return Err(OrderError::Refused(format!("authorization {other:?}"))),
        }
        let mut challenge = authz
            .challenge(ChallengeType::Http01)
            .ok_or_else(|| OrderError::NoHttpChallenge(domain.to_owned()))?;
        let key_authorization = challenge.key_authorization();
        challenges::put(db, &challenge.token, domain, key_authorization.as_str()).await?;
        challenge.set_ready().await?;
    }
    let retry = |timeout| {
        RetryPolicy::new()
            .initial_delay(Duration::from_millis(500))
            .timeout(timeout)
    };
    if order.poll_ready(&retry(VALIDATION_TIMEOUT)).await? != OrderStatus::Ready {
        return Err(OrderError::Refused(validation_errors(&mut order).await));
    }
    let key = rcgen::KeyPair::generate()?;
    let mut params = rcgen::CertificateParams::new(vec![domain.to_owned()])?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    let csr = params.serialize_request(&key)?;
    order.finalize_csr(csr.der()).await?;
    let chain = order.poll_certificate(&retry(ISSUANCE_TIMEOUT)).await?;
    let (not_after, fingerprint) = describe_leaf(&chain)?;
    Ok(Issued {
        chain,
        key: key.serialize_pem(),
        not_after,
        fingerprint,
    })
}

/// Why the CA found the order invalid: its challenges' errors.
async fn validation_errors(order: &mut instant_acme::Order) -> String {
    let mut errors = Vec::new();
    let mut authorizations = order.authorizations();
    while let Some(Ok(mut authz)) = authorizations.next().await {
        if let Ok(state) = authz.refresh().await {
            errors.extend(
                state
                    .challenges
                    .iter()
                    .filter_map(|c| c.error.as_ref().map(|e| e.to_string())),
            );
        }
    }
    if errors.is_empty() {
        "the order is invalid".to_owned()
    } else {
        errors.join("; ")
    }
}

/// The leaf's expiry (Unix seconds) and SHA-256 fingerprint (hex).
pub fn describe_leaf(chain: &str) -> Result<(i64, String), OrderError> {
    use sha2::{Digest, Sha256};
    let bad = |e: &dyn std::fmt::Display| OrderError::BadCertificate(e.to_string());
    let (_, pem) = x509_parser::pem::parse_x509_pem(chain.as_bytes()).map_err(|e| bad(&e))?;
    let cert = pem.parse_x509().map_err(|e| bad(&e))?;
    let not_after = cert.validity().not_after.timestamp();
    let fingerprint = Sha256::digest(&pem.contents)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((not_after, fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leaf_is_described_by_its_expiry_and_fingerprint() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2031, 5, 6);
        let cert = params.self_signed(&key).unwrap();
        let (not_after, fingerprint) = describe_leaf(&cert.pem()).unwrap();
        assert_eq!(not_after, 1_935_792_000); // 2031-05-06T00:00:00Z
        assert_eq!(fingerprint.len(), 64);
        use sha2::Digest;
        let expected: String = sha2::Sha256::digest(cert.der())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fingerprint, expected);
        assert!(describe_leaf("not a certificate").is_err());
    }
}
