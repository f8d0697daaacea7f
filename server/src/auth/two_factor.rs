//! Two-factor login with TOTP (RFC 6238, the `totp-rs` crate): enrolment, codes accepted once
//! each (the last accepted time step is kept), one-time recovery codes (only their hashes are
//! kept), and the login challenges that wait for a code once the password was right (no
//! session exists until the code is given). Secrets are sealed under the configuration's
//! `secret_key` ([`crate::seal`]), with the account as associated data.

use super::{
    sessions::Subject,
    tokens::{random_token, token_hash},
};
use crate::{
    config::{Config, TwoFactorSettings},
    db::Db,
    seal::SealingKey,
};
use app::context::Principal;
use rand::Rng;
use totp_rs::{Builder, Secret, Totp};

/// What sets the secrets' sealing key apart from any other key derived from `secret_key`.
const SEALING_PURPOSE: &str = "two-factor secret";
/// What a second factor was accepted as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// A code of the account's app.
    AppCode,
    /// One of the account's recovery codes, now used up: worth a line in the audit log, since
    /// the app may be lost (or the codes in someone else's hands).
    RecoveryCode,
}

/// How many recovery codes an enrolment gives.
const RECOVERY_CODES: usize = 10;
/// How long a login may wait for its code after the password.
const CHALLENGE_SECS: i64 = 5 * 60;
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// Whose second factor it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    LocalAdmin(i64),
    Xmpp(String),
}

impl Account {
    pub fn of(principal: &Principal) -> Account {
        match principal {
            Principal::ProviderAdmin { id, .. } => Account::LocalAdmin(*id),
            Principal::Xmpp { jid, .. } => Account::Xmpp(jid.clone()),
        }
    }

    pub fn as_subject(&self) -> Subject<'_> {
        match self {
            Account::LocalAdmin(id) => Subject::LocalAdmin(*id),
            Account::Xmpp(jid) => Subject::Xmpp(jid),
        }
    }

    /// How the tables name it.
    fn key(&self) -> String {
        match self {
            Account::LocalAdmin(id) => format!("admin:{id}"),
            Account::Xmpp(jid) => format!("xmpp:{jid}"),
        }
    }

    fn from_key(key: &str) -> Option<Account> {
        match key.split_once(':')? {
            ("admin", id) => id.parse().ok().map(Account::LocalAdmin),
            ("xmpp", jid) => Some(Account::Xmpp(jid.to_string())),
            _ => None,
        }
    }
}

/// Whether the provider requires two-factor login of this person (`[two_factor]`).
pub fn required(settings: &TwoFactorSettings, principal: &Principal) -> bool {
    let owner =
        matches!(principal, Principal::Xmpp { owned_domains, .. } if !owned_domains.is_empty());
    (settings.require_for_provider_admins && principal.is_provider_admin())
        || (settings.require_for_owners && owner)
}

/// Where an account's enrolment stands.
#[derive(Debug)]
pub enum Enrolment {
    Off,
    /// Started: the app has the secret (`otpauth://` URI and base32 text), the first code is
    /// awaited.
    Pending {
        uri: String,
        secret: String,
    },
    On {
        recovery_left: u32,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Sealed(#[from] crate::seal::OpenError),
}

/// The two-factor records, with the key that opens their secrets.
pub struct TwoFactor<'a> {
    db: &'a Db,
    key: SealingKey,
    issuer: String,
}

impl<'a> TwoFactor<'a> {
    pub fn new(db: &'a Db, config: &Config) -> TwoFactor<'a> {
        let secret = config.secret_key_bytes().expect("checked when loading");
        TwoFactor {
            db,
            key: SealingKey::derive(&secret, SEALING_PURPOSE),
            // The otpauth label is "issuer:account": neither may hold a colon.
            issuer: config.provider_name.replace(':', " "),
        }
    }

    /// Whether `account` logs in with a code.
    pub async fn is_on(&self, account: &Account) -> Result<bool, sqlx::Error> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT enabled_at FROM two_factor WHERE account = $1 AND enabled_at IS NOT NULL",
        )
        .bind(account.key())
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(row.is_some())
    }

    /// `label` names the account in the authenticator app.
    pub async fn enrolment(
        &self,
        account: &Account,
        label: &str,
    ) -> Result<Enrolment, TwoFactorError> {
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT sealed_secret, enabled_at FROM two_factor WHERE account = $1")
                .bind(account.key())
                .fetch_optional(&self.db.pool)
                .await?;
        Ok(match row {
            None => Enrolment::Off,
            Some((_, Some(_))) => {
                let (left,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM two_factor_recovery_codes WHERE account = $1",
                )
                .bind(account.key())
                .fetch_one(&self.db.pool)
                .await?;
                Enrolment::On {
                    recovery_left: u32::try_from(left).unwrap_or(0),
                }
            }
            Some((sealed, None)) => {
                let totp = self.totp(self.key.open(&sealed, &account.key())?, label);
                Enrolment::Pending {
                    uri: totp.to_url().expect("the label has no colon"),
                    secret: totp.secret().to_base32(),
                }
            }
        })
    }

    /// Starts an enrolment with a fresh secret (replacing one not confirmed yet); nothing
    /// changes for an account that has two-factor login on already.
    pub async fn start(&self, account: &Account) -> Result<(), sqlx::Error> {
        let mut secret = [0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill(&mut secret);
        let key = account.key();
        sqlx::query(
            "INSERT INTO two_factor (account, sealed_secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account) DO UPDATE SET sealed_secret = $2, created_at = $3 \
             WHERE two_factor.enabled_at IS NULL",
        )
        .bind(&key)
        .bind(self.key.seal(&secret, &key))
        .bind(self.db.now())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Turns two-factor login on once the app's first code is right; returns the recovery
    /// codes, to be shown once (`None`: a wrong code, or no enrolment waiting).
    pub async fn confirm(
        &self,
        account: &Account,
        code: &str,
    ) -> Result<Option<Vec<String>>, TwoFactorError> {
        let key = account.key();
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT sealed_secret FROM two_factor WHERE account = $1 AND enabled_at IS NULL",
        )
        .bind(&key)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((sealed,)) = row else {
            return Ok(None);
        };
        let totp = self.totp(self.key.open(&sealed, &key)?, "");
        let now = self.db.now();
        let Some(step) = accepted_step(&totp, code, now, None) else {
            return Ok(None);
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let mut tx = self.db.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE two_factor SET enabled_at = $2, last_step = $3 \
             WHERE account = $1 AND enabled_at IS NULL",
        )
        .bind(&key)
        .bind(now)
        .bind(step)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None); // confirmed meanwhile by another request
        }
        sqlx::query("DELETE FROM two_factor_recovery_codes WHERE account = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        for code in &codes {
            sqlx::query(
                "INSERT INTO two_factor_recovery_codes (account, code_hash) VALUES ($1, $2)",
            )
            .bind(&key)
            .bind(token_hash(&normalized_recovery_code(code)))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(codes))
    }

    /// Whether `code` is a code of the account's app not accepted before, or one of its unused
    /// recovery codes (then used up), and which; `None` if neither. Either way it is accepted
    /// once only.
    pub async fn check(
        &self,
        account: &Account,
        code: &str,
    ) -> Result<Option<Accepted>, TwoFactorError> {
        let key = account.key();
        let recovery = normalized_recovery_code(code);
        if recovery.len() == RECOVERY_CODE_CHARS {
            let done = sqlx::query(
                "DELETE FROM two_factor_recovery_codes WHERE account = $1 AND code_hash = $2",
            )
            .bind(&key)
            .bind(token_hash(&recovery))
            .execute(&self.db.pool)
            .await?;
            return Ok((done.rows_affected() == 1).then_some(Accepted::RecoveryCode));
        }
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT sealed_secret, last_step FROM two_factor \
             WHERE account = $1 AND enabled_at IS NOT NULL",
        )
        .bind(&key)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((sealed, last_step)) = row else {
            return Ok(None);
        };
        let totp = self.totp(self.key.open(&sealed, &key)?, "");
        let Some(step) = accepted_step(&totp, code, self.db.now(), last_step) else {
            return Ok(None);
        };
        // Conditional, so two requests racing with one code cannot both pass.
        let done = sqlx::query(
            "UPDATE two_factor SET last_step = $2 \
             WHERE account = $1 AND (last_step IS NULL OR last_step < $2)",
        )
        .bind(&key)
        .bind(step)
        .execute(&self.db.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(Accepted::AppCode))
    }

    /// A login whose password was right, waiting for its code; returns the token for the
    /// browser. `username` is what was typed, for the login throttle.
    pub async fn open_challenge(
        &self,
        account: &Account,
        username: &str,
    ) -> Result<String, sqlx::Error> {
        let token = random_token();
        sqlx::query(
            "INSERT INTO login_challenges (token_hash, account, username, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(account.key())
        .bind(username)
        .bind(self.db.now() + CHALLENGE_SECS)
        .execute(&self.db.pool)
        .await?;
        Ok(token)
    }

    /// The account and typed username of a challenge still waiting.
    pub async fn challenge(&self, token: &str) -> Result<Option<(Account, String)>, sqlx::Error> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT account, username FROM login_challenges \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(self.db.now())
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(row.and_then(|(key, username)| Some((Account::from_key(&key)?, username))))
    }

    pub async fn close_challenge(&self, token: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    fn totp(&self, secret: Vec<u8>, label: &str) -> Totp {
        Builder::new()
            .with_secret(Secret::from(secret))
            .with_issuer(Some(self.issuer.as_str()))
            .with_account_name(label.replace(':', " "))
            .build()
            .expect("20 random bytes, 6 digits, 30 s, no colon in the label")
    }
}

/// Turns two-factor login off (or drops an enrolment not confirmed), as its owner asks or as
/// the account is deleted; `false` if it was neither.
pub async fn forget(db: &Db, account: &Account) -> Result<bool, sqlx::Error> {
    let key = account.key();
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM two_factor_recovery_codes WHERE account = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM two_factor WHERE account = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_challenges WHERE account = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// The time step `code` belongs to (the current one, or one either side for a clock a little
/// off), if it is later than the last accepted one.
fn accepted_step(totp: &Totp, code: &str, now: i64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = i64::try_from(totp.check(&code, u64::try_from(now).ok()?)?).ok()?;
    last_step.is_none_or(|last| step > last).then_some(step)
}

/// Letters and digits that cannot be taken for one another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// 16 of them: about 79 bits, so their SHA-256 is as safe to keep as a session token's.
const RECOVERY_CODE_CHARS: usize = 16;

/// Like `abcd-efgh-jkmn-pqrs`.
fn new_recovery_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<u8> = (0..RECOVERY_CODE_CHARS)
        .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())])
        .collect();
    chars
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is hashed: dashes, spaces and case do not matter.
fn normalized_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> Totp {
        Builder::new()
            .with_secret(Secret::from([7u8; SECRET_BYTES]))
            .build()
            .unwrap()
    }

    #[test]
    fn a_code_is_accepted_once_and_only_after_the_last_step() {
        let totp = app();
        let now = 1_800_000_015;
        let code = totp.generate(now as u64).to_string();
        let step = accepted_step(&totp, &code, now, None).expect("the current code");
        assert_eq!(step, now / 30);
        assert_eq!(
            accepted_step(&totp, &code, now, Some(step)),
            None,
            "replayed"
        );
        // Spaces as some apps show them ("123 456").
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(
            accepted_step(&totp, &spaced, now, Some(step - 1)),
            Some(step)
        );
        // The previous step's code, for a clock a little behind, unless a later one was used.
        let previous = totp.generate((now - 30) as u64).to_string();
        assert_eq!(accepted_step(&totp, &previous, now, None), Some(step - 1));
        assert_eq!(accepted_step(&totp, &previous, now, Some(step)), None);
        // Too old, or wrong.
        let old = totp.generate((now - 90) as u64).to_string();
        assert_eq!(accepted_step(&totp, &old, now, None), None);
        assert_eq!(accepted_step(&totp, "12345", now, None), None);
        assert_eq!(accepted_step(&totp, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_random_and_read_loosely() {
        let (a, b) = (new_recovery_code(), new_recovery_code());
        assert_ne!(a, b);
        assert_eq!(a.len(), RECOVERY_CODE_CHARS + 3);
        assert_eq!(normalized_recovery_code(&a).len(), RECOVERY_CODE_CHARS);
        assert_eq!(
            normalized_recovery_code(&format!(" {} ", a.to_uppercase().replace('-', " "))),
            normalized_recovery_code(&a)
        );
        // Never taken for an app's code.
        assert_ne!(
            normalized_recovery_code("123 456").len(),
            RECOVERY_CODE_CHARS
        );
    }

    #[test]
    fn the_provider_requires_it_of_whom_it_says() {
        let admin = Principal::ProviderAdmin {
            id: 1,
            username: "root".into(),
        };
        let xmpp = |provider_admin, owned: &[&str]| Principal::Xmpp {
            jid: "a@b.example".into(),
            provider_admin,
            owned_domains: owned.iter().map(|d| d.to_string()).collect(),
        };
        let (listed_admin, owner, member) = (
            xmpp(true, &[]),
            xmpp(false, &["b.example"]),
            xmpp(false, &[]),
        );
        let settings = |require_for_provider_admins, require_for_owners| TwoFactorSettings {
            require_for_provider_admins,
            require_for_owners,
        };
        for who in [&admin, &listed_admin, &owner, &member] {
            assert!(!required(&settings(false, false), who), "{who:?}");
        }
        assert!(!required(&settings(true, true), &member), "members never");
        assert!(required(&settings(true, false), &admin));
        assert!(required(&settings(true, false), &listed_admin));
        assert!(!required(&settings(true, false), &owner));
        assert!(required(&settings(false, true), &owner));
        assert!(!required(&settings(false, true), &admin));
    }

    #[test]
    fn accounts_keep_their_kind_through_their_key() {
        for account in [Account::LocalAdmin(42), Account::Xmpp("a@b.example".into())] {
            assert_eq!(Account::from_key(&account.key()), Some(account));
        }
        assert_eq!(Account::from_key("admin:x"), None);
        assert_eq!(Account::from_key("other:1"), None);
    }
}
