//! The portal language of each XMPP account (the `user_languages` table), recorded when it logs
//! in, so that what the portal sends unasked (alerts) is written in it.

use crate::db::Db;
use app::i18n::Locale;

/// Records `jid`'s language (the language of the page they logged in from).
pub async fn record(db: &Db, jid: &str, locale: Locale) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_languages (jid, locale, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (jid) DO UPDATE SET locale = $2, updated_at = $3",
    )
    .bind(jid)
    .bind(locale.code())
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// `jid`'s language, if they ever logged in.
pub async fn of(db: &Db, jid: &str) -> Result<Option<Locale>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT locale FROM user_languages WHERE jid = $1")
        .bind(jid)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.and_then(|(code,)| Locale::from_code(&code)))
}
