//! QR codes as SVG images: an invitation's landing page (the landing page shows it for
//! "continue on my phone", the owner's list for handing the invitation over in person), and
//! the two-factor secret an authenticator app scans on `/me` (`qr_svg`).

use crate::{invitations, state::AppState};
use app::invitations::InvitationState;
use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use qrcode::{render::svg, QrCode};

pub async fn qr_code(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let record = match invitations::by_token(&state.db, &token).await {
        Ok(record) => record,
        Err(e) => return crate::errors::internal_response(e),
    };
    // Like the landing page: an unusable token is simply not found.
    let Some(record) = record.filter(|r| r.state(state.clock.now()) == InvitationState::Pending)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut link = state.config.public_url.clone();
    link.set_path(&format!("/invite/{}", record.token));
    match qr_svg(link.as_str()) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            svg,
        )
            .into_response(),
        None => crate::errors::internal_response("the link does not fit in a QR code"),
    }
}

/// Black on white whatever the page's theme: phone cameras read that best.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::qr_svg;

    #[test]
    fn renders_an_svg_of_at_least_the_asked_size() {
        let svg = qr_svg("https://portal.example/invite/abcdefghijklmnopqrstuvwx").unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#000000"));
    }
}
