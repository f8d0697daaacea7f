//! HTTP-01 challenges (the `acme_challenges` table): while an order waits for validation the
//! CA fetches `http://DOMAIN/.well-known/acme-challenge/TOKEN`, which the provider's proxy
//! forwards to the portal for every host. Any portal instance answers, whatever the Host, from
//! the database they share: the one that placed the order need not be the one asked.

use crate::{db::Db, state::AppState};
use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

pub async fn put(
    db: &Db,
    token: &str,
    domain: &str,
    key_authorization: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO acme_challenges (token, domain, key_authorization, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (token) DO UPDATE \
         SET domain = $2, key_authorization = $3, created_at = $4",
    )
    .bind(token)
    .bind(domain)
    .bind(key_authorization)
    .bind(db.now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Forgets the challenges of `domain` (its order is over, either way).
pub async fn clear(db: &Db, domain: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM acme_challenges WHERE domain = $1")
        .bind(domain)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn key_authorization(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT key_authorization FROM acme_challenges WHERE token = $1")
            .bind(token)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(k,)| k))
}

/// `GET /.well-known/acme-challenge/{token}`: the key authorization, or 404.
pub async fn answer(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match key_authorization(&state.db, &token).await {
        Ok(Some(key_authorization)) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            key_authorization,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::errors::internal_response(e),
    }
}
