//! Two-factor login on `/me`: enrolment, its confirmation (recovery codes shown once), and
//! removal with a current code or the password; enrolment and removal go to the audit log.

use super::{accounts::SHOWN_RECOVERY_CODES_COOKIE, internal, record_done_in, PortalService};
use crate::{
    auth::{
        admins, throttle,
        two_factor::{self, Account, Enrolment, TwoFactor},
    },
    errors::Subject,
    web::invitation_qr::qr_svg,
    xmpp::{check_password, BareJid},
};
use app::{
    accounts::ShownPassword,
    audit::AuditAction,
    context::{Principal, RequestContext},
    error::{AppError, ErrorKind, Field},
    two_factor::{TwoFactorBackend, TwoFactorOverview, TwoFactorSetup, TwoFactorState},
};
use axum::http::{header, HeaderValue};
use leptos::prelude::use_context;

/// The page recovery codes wait for (see `keep_shown_once`).
const RECOVERY_CODES_PAGE: &str = "/me";

fn user(ctx: &RequestContext) -> Result<&Principal, AppError> {
    ctx.user
        .as_ref()
        .ok_or_else(|| ErrorKind::NotLoggedIn.into())
}

impl PortalService {
    fn two_factor(&self) -> TwoFactor<'_> {
        TwoFactor::new(&self.0.db, &self.0.config)
    }

    /// An XMPP account's entry goes to its domain's log, a local admin's to the portal's.
    async fn record_two_factor(
        &self,
        ctx: &RequestContext,
        user: &Principal,
        action: AuditAction,
    ) -> Result<(), AppError> {
        let domain = user
            .jid()
            .and_then(|jid| jid.split_once('@'))
            .map(|(_, d)| d);
        record_done_in(&self.0, ctx, domain, action, user.display_name()).await
    }

    async fn password_is_right(&self, user: &Principal, password: &str) -> Result<bool, AppError> {
        match user {
            Principal::ProviderAdmin { id, username } => {
                let found = admins::verify_login(&self.0.db, username, password)
                    .await
                    .map_err(internal)?;
                Ok(found == Some(*id))
            }
            Principal::Xmpp { jid, .. } => {
                let jid = BareJid::new(jid).map_err(internal)?;
                check_password(
                    self.0.xmpp.transport(),
                    &jid,
                    password,
                    self.0.config.xmpp_timeout(),
                )
                .await
                .map_err(|e| Subject::General.error(e))
            }
        }
    }
}

/// Neither the secret nor the codes stay in the browser's cache or history.
fn not_stored() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[async_trait::async_trait]
impl TwoFactorBackend for PortalService {
    async fn two_factor_status(&self, ctx: &RequestContext) -> Result<TwoFactorOverview, AppError> {
        let user = user(ctx)?;
        let enrolment = self
            .two_factor()
            .enrolment(&Account::of(user), user.display_name())
            .await
            .map_err(internal)?;
        let state = match enrolment {
            Enrolment::Off => TwoFactorState::Off,
            Enrolment::Pending { uri, secret } => {
                let svg = qr_svg(&uri).ok_or_else(|| internal("the secret fits in no QR code"))?;
                not_stored();
                // Inline in the page: the document's XML prolog has no place there.
                let qr_svg = svg[svg.find("<svg").unwrap_or(0)..].to_string();
                TwoFactorState::Pending(TwoFactorSetup { secret, qr_svg })
            }
            Enrolment::On { recovery_left } => TwoFactorState::On { recovery_left },
        };
        let recovery_codes = self
            .take_shown_once(ctx, RECOVERY_CODES_PAGE, SHOWN_RECOVERY_CODES_COOKIE)
            .map(|shown| shown.password.split(' ').map(str::to_string).collect())
            .unwrap_or_default();
        Ok(TwoFactorOverview {
            state,
            required: two_factor::required(&self.0.config.two_factor, user),
            recovery_codes,
        })
    }

    async fn start_two_factor(&self, ctx: &RequestContext) -> Result<(), AppError> {
        let account = Account::of(user(ctx)?);
        self.two_factor().start(&account).await.map_err(internal)
    }

    async fn confirm_two_factor(
        &self,
        ctx: &RequestContext,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let user = user(ctx)?;
        let codes = self
            .two_factor()
            .confirm(&Account::of(user), code)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::WrongCode)?;
        self.record_two_factor(ctx, user, AuditAction::EnableTwoFactor)
            .await?;
        let shown = ShownPassword {
            jid: user.display_name().to_string(),
            password: codes.join(" "),
        };
        self.keep_shown_once(
            ctx,
            RECOVERY_CODES_PAGE,
            SHOWN_RECOVERY_CODES_COOKIE,
            &shown,
        );
        not_stored();
        Ok(codes)
    }

    async fn remove_two_factor(
        &self,
        ctx: &RequestContext,
        code: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let user = user(ctx)?;
        let account = Account::of(user);
        if code.trim().is_empty() && password.is_empty() {
            return Err(ErrorKind::Required { field: Field::Code }.into());
        }
        // Guessing here counts as guessing at the login.
        let client = crate::web::client_ip::of_current_request()
            .map(|c| c.ip.to_string())
            .unwrap_or_default();
        let keys = throttle::keys(&client, user.display_name());
        if throttle::locked_for(&self.0.db, &keys)
            .await
            .map_err(internal)?
            .is_some()
        {
            return Err(ErrorKind::TooManyRequests.into());
        }
        let refused = if !code.trim().is_empty() {
            self.two_factor()
                .check(&account, code)
                .await
                .map_err(internal)?
                .is_none()
                .then_some(ErrorKind::WrongCode)
        } else {
            (!self.password_is_right(user, password).await?).then_some(ErrorKind::WrongPassword)
        };
        if let Some(kind) = refused {
            throttle::record_failure(&self.0.db, &keys)
                .await
                .map_err(internal)?;
            return Err(kind.into());
        }
        if two_factor::forget(&self.0.db, &account)
            .await
            .map_err(internal)?
        {
            self.record_two_factor(ctx, user, AuditAction::DisableTwoFactor)
                .await?;
        }
        Ok(())
    }
}
