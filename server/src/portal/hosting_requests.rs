//! Hosting requests: the public form (validated, rate-limited, confirmed by e-mail), the
//! provider admins' queue with its DNS readiness check, and the decision. An approval records
//! the domain and queues its provisioning on Prosody (`reconcile`), so approving while Prosody
//! is down completes when it is back, and approving twice decides once.

use super::{actor, client_ip, internal, require_provider_admin, PortalService};
use crate::{
    audit, dns_check, domains,
    hosting_requests::{self, mail as request_mail, names, NewRequest, RequestRecord},
    jobs::{self, Kind, State},
    mail::outbox,
    reconcile,
};
use app::{
    audit::{AuditAction, Outcome},
    context::RequestContext,
    error::{AppError, ErrorKind, Field},
    hosting_requests::{
        ConfirmationPage, DnsVerdict, DnsView, HostingRequestsBackend, RequestDetail, RequestForm,
        RequestQueue, RequestStatus, MAX_EMAIL, MAX_MESSAGE, MAX_NAME, MAX_REASON,
    },
    i18n::Locale,
};

/// At most this many requests per client address per hour, and per e-mail address per day.
const PER_IP_PER_HOUR: u32 = 5;
const PER_EMAIL_PER_DAY: u32 = 3;

const SUBMIT: AuditAction = AuditAction::RequestHosting;
const CONFIRM: AuditAction = AuditAction::ConfirmRequest;
const APPROVE: AuditAction = AuditAction::ApproveRequest;
const REJECT: AuditAction = AuditAction::RejectRequest;

fn required(value: &str, field: Field, max: usize) -> Result<(), AppError> {
    if value.is_empty() {
        Err(ErrorKind::Required { field }.into())
    } else if value.chars().count() > max {
        Err(ErrorKind::TooLong { field, max }.into())
    } else {
        Ok(())
    }
}

impl PortalService {
    fn link(&self, path: &str) -> String {
        self.0.config.link(path)
    }

    fn dns_expectations(&self) -> dns_check::DnsExpectations {
        self.0.config.dns_expectations()
    }

    /// The provider's own names: the portal's XMPP domain and the configured ones.
    fn is_provider_domain(&self, ascii: &str) -> bool {
        let config = &self.0.config;
        std::iter::once(config.xmpp.jid.domain().to_string())
            .chain(config.hosting.own_domains.iter().cloned())
            .filter_map(|d| names::to_ascii(&d))
            .any(|own| names::is_within(ascii, &own))
    }

    async fn send(&self, email: &crate::mail::Email) -> Result<(), AppError> {
        outbox::send(&self.0.db, &self.0.mail, email)
            .await
            .map(|_| ())
            .map_err(internal)
    }

    async fn record(
        &self,
        actor: &str,
        request: &RequestRecord,
        action: AuditAction,
        outcome: Outcome,
        detail: &str,
    ) -> Result<(), AppError> {
        audit::record(
            &self.0.db,
            audit::Change {
                actor,
                domain: Some(&request.domain),
                action,
                target: &request.email,
                outcome,
                detail,
            },
        )
        .await
        .map_err(internal)
    }

    /// Tells the provider's admins: e-mail to the configured addresses, a chat message to the
    /// admins listed by XMPP address. A failure here loses nothing: the request is in the queue.
    async fn announce(&self, request: &RequestRecord) {
        let config = &self.0.config;
        let locale = Locale::default();
        let domain = names::to_unicode(&request.domain);
        let requester = format!("{} <{}>", request.requester_name, request.email);
        let link = self.link(&format!("/admin/requests/{}", request.id));
        for to in &config.hosting.notify_emails {
            let ctx = request_mail::Context {
                to,
                provider: &config.provider_name,
                domain: &domain,
                name: &request.requester_name,
            };
            let email = request_mail::announce(locale, &ctx, &requester, &link);
            if let Err(e) = self.send(&email).await {
                tracing::error!(error = ?e, "cannot queue the announcement of a request");
            }
        }
        let text = request_mail::announce_chat(locale, &domain, &requester, &link);
        for admin in &config.provider_admins {
            let Ok(jid) = xmpp_parsers::jid::BareJid::new(admin) else {
                continue;
            };
            if let Err(e) = self.0.xmpp.send_chat(&jid, &text).await {
                tracing::warn!(%jid, error = %e, "cannot tell an admin of a new request");
            }
        }
    }

    async fn request_for_admin(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> Result<RequestRecord, AppError> {
        require_provider_admin(ctx)?;
        hosting_requests::by_id(&self.0.db, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ErrorKind::RequestNotFound.into())
    }

    async fn provisioning_pending(&self, domain: &str) -> Result<bool, AppError> {
        Ok(domains::pending(&self.0.db, domain)
            .await
            .map_err(internal)?
            .iter()
            .any(|p| p.kind == app::domains::ChangeKind::ProvisionHost))
    }
}

/// What a DNS check found, one line per lookup, as the admins read it.
fn findings(report: &dns_check::DnsReport) -> Vec<String> {
    use dns_check::LookupStatus;
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    let mut lines = Vec::new();
    for srv in [&report.client_srv, &report.server_srv] {
        match &srv.lookup {
            LookupStatus::Failed(reason) => lines.push(format!("SRV {}: {reason}", srv.name)),
            LookupStatus::NotFound => lines.push(format!("SRV {}: —", srv.name)),
            LookupStatus::Found => lines.extend(srv.records.iter().map(|r| {
                format!(
                    "{} SRV {}: {} {} {} {}",
                    mark(r.ok),
                    srv.name,
                    r.priority,
                    r.weight,
                    r.port,
                    r.target
                )
            })),
        }
    }
    match (&report.cname.lookup, &report.cname.target) {
        (LookupStatus::Failed(reason), _) => {
            lines.push(format!("CNAME {}: {reason}", report.domain))
        }
        (_, Some(target)) => lines.push(format!(
            "{} CNAME {} → {target}",
            mark(report.cname.ok),
            report.domain
        )),
        _ => {}
    }
    match &report.addresses.lookup {
        LookupStatus::Failed(reason) => lines.push(format!("A/AAAA {}: {reason}", report.domain)),
        _ if report.addresses.addresses.is_empty() => {}
        _ => lines.push(format!(
            "{} A/AAAA {}: {}",
            mark(report.addresses.ok),
            report.domain,
            report
                .addresses
                .addresses
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    lines
}

#[async_trait::async_trait]
impl HostingRequestsBackend for PortalService {
    async fn submit_request(
        &self,
        ctx: &RequestContext,
        form: &RequestForm,
    ) -> Result<(), AppError> {
        let db = &self.0.db;
        required(&form.domain, Field::Domain, 253)?;
        let ascii = names::to_ascii(&form.domain).ok_or(ErrorKind::InvalidDomainName)?;
        if self.is_provider_domain(&ascii) {
            return Err(ErrorKind::ProviderDomain.into());
        }
        required(&form.name, Field::Name, MAX_NAME)?;
        required(&form.email, Field::Email, MAX_EMAIL)?;
        if form.email.parse::<lettre::Address>().is_err() {
            return Err(ErrorKind::InvalidEmail.into());
        }
        if let Some(xmpp) = &form.xmpp {
            let valid = xmpp_parsers::jid::BareJid::new(xmpp).is_ok_and(|j| j.node().is_some());
            if !valid {
                return Err(ErrorKind::InvalidJid.into());
            }
        }
        if form.message.chars().count() > MAX_MESSAGE {
            return Err(ErrorKind::TooLong {
                field: Field::Message,
                max: MAX_MESSAGE,
            }
            .into());
        }
        if self.0.config.hosting.require_membership && !form.member {
            return Err(ErrorKind::MembershipRequired.into());
        }
        if domains::exists(db, &ascii).await.map_err(internal)? {
            return Err(ErrorKind::DomainAlreadyHosted.into());
        }
        if hosting_requests::is_open(db, &ascii)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::DomainAlreadyRequested.into());
        }
        let now = self.0.clock.now();
        let ip = client_ip();
        let (_, by_email) = hosting_requests::recent(db, &ip, &form.email, now - 86_400)
            .await
            .map_err(internal)?;
        let (by_ip, _) = hosting_requests::recent(db, &ip, &form.email, now - 3600)
            .await
            .map_err(internal)?;
        if by_ip >= PER_IP_PER_HOUR || by_email >= PER_EMAIL_PER_DAY {
            return Err(ErrorKind::TooManyRequests.into());
        }
        let token = crate::auth::tokens::random_token();
        let id = hosting_requests::insert(
            db,
            NewRequest {
                domain: &ascii,
                name: &form.name,
                email: &form.email,
                xmpp: form.xmpp.as_deref(),
                member: form.member,
                message: &form.message,
                locale: ctx.locale.code(),
                ip: &ip,
                token: &token,
                now,
            },
        )
        .await
        .map_err(internal)?;
        let unicode = names::to_unicode(&ascii);
        let mail_ctx = request_mail::Context {
            to: &form.email,
            provider: &self.0.config.provider_name,
            domain: &unicode,
            name: &form.name,
        };
        let link = self.link(&format!("/request/confirm/{token}"));
        self.send(&request_mail::confirm(ctx.locale, &mail_ctx, &link))
            .await?;
        let record = hosting_requests::by_id(db, id)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::Internal)?;
        self.record(&form.email, &record, SUBMIT, Outcome::Done, "")
            .await
    }

    async fn confirmation_page(
        &self,
        _ctx: &RequestContext,
        token: &str,
    ) -> Result<ConfirmationPage, AppError> {
        let request = hosting_requests::by_token(&self.0.db, token)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::RequestNotFound)?;
        Ok(ConfirmationPage {
            domain: names::to_unicode(&request.domain),
            status: request.status,
            records: dns_check::records_to_add(&request.domain, &self.dns_expectations()),
        })
    }

    async fn confirm_request(&self, _ctx: &RequestContext, token: &str) -> Result<(), AppError> {
        let db = &self.0.db;
        let request = hosting_requests::by_token(db, token)
            .await
            .map_err(internal)?
            .ok_or(ErrorKind::RequestNotFound)?;
        if request.status != RequestStatus::Unconfirmed {
            return Ok(()); // a second click changes nothing
        }
        if !hosting_requests::confirm(db, request.id, self.0.clock.now())
            .await
            .map_err(internal)?
        {
            // Another request for the same domain entered the queue first.
            return Err(ErrorKind::DomainAlreadyRequested.into());
        }
        self.record(&request.email, &request, CONFIRM, Outcome::Done, "")
            .await?;
        self.announce(&request).await;
        Ok(())
    }

    async fn request_queue(
        &self,
        ctx: &RequestContext,
        status: RequestStatus,
    ) -> Result<RequestQueue, AppError> {
        require_provider_admin(ctx)?;
        let db = &self.0.db;
        let mut requests = Vec::new();
        for record in hosting_requests::by_status(db, status)
            .await
            .map_err(internal)?
        {
            let pending = status == RequestStatus::Approved
                && self.provisioning_pending(&record.domain).await?;
            requests.push(record.view(pending));
        }
        Ok(RequestQueue {
            status,
            counts: hosting_requests::counts(db).await.map_err(internal)?,
            requests,
        })
    }

    async fn request_detail(
        &self,
        ctx: &RequestContext,
        id: i64,
    ) -> Result<RequestDetail, AppError> {
        let record = self.request_for_admin(ctx, id).await?;
        let expect = self.dns_expectations();
        let report = dns_check::check(&record.domain, &expect).await;
        let pending = record.status == RequestStatus::Approved
            && self.provisioning_pending(&record.domain).await?;
        Ok(RequestDetail {
            request: record.view(pending),
            dns: DnsView {
                verdict: match report.verdict {
                    dns_check::Verdict::Ready => DnsVerdict::Ready,
                    dns_check::Verdict::Partial => DnsVerdict::Partial,
                    dns_check::Verdict::NotReady => DnsVerdict::NotReady,
                    dns_check::Verdict::Unavailable => DnsVerdict::Unavailable,
                },
                findings: findings(&report),
            },
            records: dns_check::records_to_add(&record.domain, &expect),
            default_quota: self.0.config.hosting.default_quota,
        })
    }

    async fn approve_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        quota: Option<u32>,
    ) -> Result<(), AppError> {
        let record = self.request_for_admin(ctx, id).await?;
        let db = &self.0.db;
        if record.status != RequestStatus::ToReview {
            return Err(ErrorKind::AlreadyDecided.into());
        }
        if domains::exists(db, &record.domain)
            .await
            .map_err(internal)?
        {
            return Err(ErrorKind::DomainAlreadyHosted.into());
        }
        let who = actor(ctx);
        if !hosting_requests::decide(
            db,
            id,
            RequestStatus::Approved,
            &who,
            None,
            self.0.clock.now(),
        )
        .await
        .map_err(internal)?
        {
            return Err(ErrorKind::AlreadyDecided.into());
        }
        domains::add(db, &record.domain).await.map_err(internal)?;
        domains::set_quota(db, &record.domain, quota)
            .await
            .map_err(internal)?;
        if let Some(xmpp) = &record.xmpp {
            let row = domains::get(db, &record.domain)
                .await
                .map_err(internal)?
                .ok_or(ErrorKind::Internal)?;
            domains::add_owner(db, row.id, xmpp)
                .await
                .map_err(internal)?;
        }
        // Provisioning (and the owner invitation, which needs the host up) happen in the
        // reconciler, now if Prosody answers, else when it is back; the approval's audit entry
        // follows the provisioning job.
        let now = self.0.clock.now();
        let detail = quota.map_or_else(|| "quota: none".to_string(), |q| format!("quota: {q}"));
        let mut tx = db.pool.begin().await.map_err(internal)?;
        let host = jobs::enqueue(&mut *tx, now, Kind::ProvisionHost, &record.domain, "", "")
            .await
            .map_err(internal)?;
        let quota_job = jobs::enqueue(&mut *tx, now, Kind::Quota, &record.domain, "", "")
            .await
            .map_err(internal)?;
        let change = audit::Change {
            actor: &who,
            domain: Some(&record.domain),
            action: APPROVE,
            target: &record.email,
            outcome: Outcome::Pending,
            detail: &detail,
        };
        audit::record_for_job(&mut *tx, now, change, host)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        // The quota once the host is up; else the worker pushes both, in that order.
        if reconcile::push_now(&self.0, host.id)
            .await
            .map_err(internal)?
            == Some(State::Done)
        {
            reconcile::push_now(&self.0, quota_job.id)
                .await
                .map_err(internal)?;
        }
        Ok(())
    }

    async fn reject_request(
        &self,
        ctx: &RequestContext,
        id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let record = self.request_for_admin(ctx, id).await?;
        required(reason, Field::Reason, MAX_REASON)?;
        let who = actor(ctx);
        if !hosting_requests::decide(
            &self.0.db,
            id,
            RequestStatus::Rejected,
            &who,
            Some(reason),
            self.0.clock.now(),
        )
        .await
        .map_err(internal)?
        {
            return Err(ErrorKind::AlreadyDecided.into());
        }
        let unicode = names::to_unicode(&record.domain);
        let mail_ctx = request_mail::Context {
            to: &record.email,
            provider: &self.0.config.provider_name,
            domain: &unicode,
            name: &record.requester_name,
        };
        self.send(&request_mail::rejected(record.locale(), &mail_ctx, reason))
            .await?;
        self.record(&who, &record, REJECT, Outcome::Done, reason)
            .await
    }
}
