//! A hosted domain's health: its DNS (SRV records of clients, servers and direct TLS, CAA,
//! TLSA), the certificates Prosody presents for it and its components, and whether Prosody
//! serves it, each a line with ✓/⚠/✗, what was found, what was expected and the record to add.
//!
//! A check runs as job `HealthCheck` of the `Health` lane (its own worker: DNS and TLS probes
//! never wait behind changes for Prosody), which queues itself again `[health] interval_secs`
//! later; "Check now" queues it and runs it in the request. The last result of each line is
//! kept in `health_checks`; when a line's status changes, [`on_change`] hears of it.

pub mod certificate;

use std::collections::HashMap;
use std::time::Duration;

use app::audit::{AuditAction, Outcome};
use app::health::{CheckKind, CheckStatus, Finding, HealthLine};
use tokio_rustls::rustls::pki_types::CertificateDer;
use xmpp_parsers::jid::DomainPart;

use crate::{
    alerts::{self, Concern, Problem},
    audit,
    db::Db,
    dns_check::{self, CaaVerdict, DnsExpectations, HealthLookups, LookupStatus, SrvCheck},
    domains,
    jobs::{self, Handler, Job, JobError, Kind, Lane},
    state::AppState,
    xmpp::{RegistrationMode, XmppError},
};
use certificate::{Judgement, Verdict};

/// How often the scheduler looks for domains without a scheduled check, and the worker for
/// due checks.
const TICK: Duration = Duration::from_secs(30);
/// Who the audit log says made what the portal does by itself.
const PORTAL: &str = "portal";

/// One line's result, before it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub kind: CheckKind,
    pub name: String,
    pub status: CheckStatus,
    pub finding: Option<Finding>,
    pub found: String,
    pub expected: String,
    pub record: String,
    pub days_left: Option<i64>,
}

impl Check {
    fn new(kind: CheckKind, name: &str, status: CheckStatus) -> Check {
        Check {
            kind,
            name: name.to_owned(),
            status,
            finding: None,
            found: String::new(),
            expected: String::new(),
            record: String::new(),
            days_left: None,
        }
    }

    fn finding(mut self, finding: Finding) -> Check {
        self.finding = Some(finding);
        self
    }

    fn found(mut self, found: impl Into<String>) -> Check {
        self.found = found.into();
        self
    }

    fn expected(mut self, expected: impl Into<String>) -> Check {
        self.expected = expected.into();
        self
    }

    fn record(mut self, record: impl Into<String>) -> Check {
        self.record = record.into();
        self
    }
}

/// A line whose status changed, for whoever must hear of it (the audit log; alerts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthChange {
    pub domain: String,
    pub kind: CheckKind,
    pub name: String,
    /// `None` for a line checked for the first time.
    pub old: Option<CheckStatus>,
    pub new: CheckStatus,
    pub found: String,
    pub expected: String,
    /// For a certificate: whole days to its expiry.
    pub days_left: Option<i64>,
}

/// Called once for each line whose status changed (a line seen for the first time counts
/// when it is not ✓): records it in the audit log.
pub async fn on_change(state: &AppState, change: &HealthChange) {
    let detail = format!(
        "{} → {}",
        change.old.map_or("—", CheckStatus::as_str),
        change.new.as_str()
    );
    let target = format!("{} {}", change.kind.as_str(), change.name);
    let recorded = audit::record(
        &state.db,
        audit::Change {
            actor: PORTAL,
            domain: Some(&change.domain),
            action: AuditAction::HealthChanged,
            target: &target,
            outcome: Outcome::Done,
            detail: &detail,
        },
    )
    .await;
    if let Err(e) = recorded {
        tracing::warn!(error = %e, domain = %change.domain, "cannot record a health change");
    }
}

/// Runs every check of `domain` and stores the results; the lines whose status changed.
pub async fn run(state: &AppState, domain: &str) -> Result<Vec<HealthChange>, sqlx::Error> {
    let checks = checks(state, domain).await;
    let changes = store(&state.db, domain, &checks).await?;
    for change in &changes {
        on_change(state, change).await;
    }
    // Every line, not only the changed ones: alerts remind after a week and count a
    // certificate's days, which no status change marks.
    for check in &checks {
        if let Err(e) = alerts::observe(state, &concern(domain, check)).await {
            tracing::warn!(error = %e, domain, kind = check.kind.as_str(), "cannot alert");
        }
    }
    Ok(changes)
}

/// What the alerts make of a line: a certificate's days left, or the check as it went.
fn concern(domain: &str, check: &Check) -> Concern {
    let what = match (check.kind, check.days_left) {
        (CheckKind::Certificate, Some(days_left)) if days_left < alerts::EXPIRY_ALERT_DAYS => {
            Problem::CertificateExpiring {
                name: check.name.clone(),
                days_left,
            }
        }
        _ => Problem::Check {
            kind: check.kind,
            name: check.name.clone(),
            found: check.found.clone(),
            expected: check.expected.clone(),
        },
    };
    Concern {
        domain: domain.to_owned(),
        subject: format!("{}:{}", check.kind.as_str(), check.name),
        status: check.status,
        what,
    }
}

/// Asks everything at once: the DNS, a TLS handshake per name, Prosody.
async fn checks(state: &AppState, domain: &str) -> Vec<Check> {
    let config = &state.config;
    let expect = config.dns_expectations();
    let names: Vec<String> = std::iter::once(domain.to_owned())
        .chain(
            config
                .health
                .components
                .iter()
                .map(|c| format!("{c}.{domain}")),
        )
        .collect();
    let within = config.xmpp_timeout();
    let host = DomainPart::new(domain).ok();
    let disco = async {
        match &host {
            Some(host) => state.xmpp.disco_info(host).await.map(|_| ()),
            None => Err(XmppError::Protocol(format!("invalid domain {domain:?}"))),
        }
    };
    let mode = async {
        match &host {
            Some(host) => state.xmpp.registration_mode(host).await,
            None => Err(XmppError::Protocol(format!("invalid domain {domain:?}"))),
        }
    };
    let (dns, presented, disco, mode) = tokio::join!(
        dns_check::health_lookups(domain, &expect),
        futures::future::join_all(names.iter().map(|name| certificate::fetch(
            config.xmpp.server,
            domain,
            name,
            within
        ))),
        disco,
        mode,
    );
    let roots = certificate::trusted_roots(config.xmpp.ca_file.as_deref());
    let now = state.clock.now();
    let mut lines = dns_lines(&dns, &expect);
    let own_chain = presented[0].as_ref().ok().map(|p| p.chain.as_slice());
    lines.push(tlsa_line(&dns.tlsa, own_chain));
    for (name, presented) in names.iter().zip(&presented) {
        let judged = match (presented, &roots) {
            (Ok(p), Ok(roots)) => Ok(certificate::judge(&p.chain, name, roots.clone(), now)),
            (Ok(_), Err(e)) => Err(format!("trusted roots: {e}")),
            (Err(e), _) => Err(e.clone()),
        };
        lines.push(certificate_line(name, judged));
    }
    lines.push(host_line(domain, disco));
    let desired = domains::get(&state.db, domain)
        .await
        .ok()
        .flatten()
        .map(|row| row.registration_mode);
    lines.push(registration_line(domain, mode, desired));
    if let Some(acme) = &config.acme {
        match crate::acme::status(&state.db, domain).await {
            Ok(Some(status)) => lines.push(acme_line(&status, now, acme.renew_before_days)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, domain, "cannot read the certificate's state"),
        }
    }
    lines
}

/// The certificate the portal obtains (`[acme]`): installed ✓, on its way ⚠, and ✗ when the
/// last attempt failed while one is due (none yet, or inside the renewal window): a failure
/// before that still leaves a good certificate in place.
pub fn acme_line(
    status: &crate::acme::CertificateStatus,
    now: i64,
    renew_before_days: u32,
) -> Check {
    let line =
        Check::new(CheckKind::AutoCertificate, &status.domain, CheckStatus::Ok).expected("ACME");
    let installed = status.not_after.map_or_else(
        || "—".to_owned(),
        |t| crate::acme::describe_installed(t, &status.fingerprint),
    );
    let due = crate::acme::needs_certificate(status.not_after, now, renew_before_days);
    if !status.last_error.is_empty() {
        return Check {
            status: if due {
                CheckStatus::Failing
            } else {
                CheckStatus::Warning
            },
            ..line
                .finding(Finding::AcmeFailing)
                .found(status.last_error.clone())
        };
    }
    match status.not_after {
        Some(not_after) if not_after > now => line.found(installed),
        _ => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::AcmeWaiting).found(installed)
        },
    }
}

/// The SRV records as a zone file shows them (`—` for none).
fn srv_found(srv: &SrvCheck) -> String {
    match &srv.lookup {
        LookupStatus::Failed(reason) => reason.clone(),
        _ if srv.records.is_empty() => "—".into(),
        _ => srv
            .records
            .iter()
            .map(|r| format!("SRV {} {} {} {}.", r.priority, r.weight, r.port, r.target))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The lines of the client and server SRV records, XEP-0368 and CAA.
pub fn dns_lines(dns: &HealthLookups, expect: &DnsExpectations) -> Vec<Check> {
    let report = &dns.report;
    let host = dns_check::ascii_domain(&expect.server_host);
    let records = dns_check::records_to_add(&report.domain, expect);
    let mut lines = Vec::new();
    for (client, kind, srv, port, record) in [
        (
            true,
            CheckKind::ClientSrv,
            &report.client_srv,
            expect.client_port,
            &records[0],
        ),
        (
            false,
            CheckKind::ServerSrv,
            &report.server_srv,
            expect.server_port,
            &records[1],
        ),
    ] {
        let line = Check::new(kind, &srv.name, CheckStatus::Ok)
            .expected(format!("SRV 0 5 {port} {host}."));
        let line = match dns_check::route(report, expect, client) {
            None => Check {
                status: CheckStatus::Warning,
                ..line.finding(Finding::LookupFailed)
            },
            Some(true) if srv.records.is_empty() => {
                // Reached through the domain's own name (CNAME or addresses).
                let through = match &report.cname.target {
                    Some(target) if report.cname.ok => format!("CNAME {target}."),
                    _ => report
                        .addresses
                        .addresses
                        .iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                line.finding(Finding::SrvFallback)
                    .record(record.clone())
                    .found(through)
            }
            Some(true) => line,
            Some(false) => {
                let finding = if srv.records.is_empty() {
                    Finding::SrvMissing
                } else {
                    Finding::SrvWrong
                };
                Check {
                    status: CheckStatus::Failing,
                    ..line.finding(finding).record(record.clone())
                }
            }
        };
        let found = if line.found.is_empty() {
            srv_found(srv)
        } else {
            line.found.clone()
        };
        lines.push(line.found(found));
    }
    lines.push(direct_tls_line(&dns.direct_tls_srv, &report.domain, expect));
    lines.push(caa_line(dns, expect));
    lines
}

fn direct_tls_line(srv: &SrvCheck, domain: &str, expect: &DnsExpectations) -> Check {
    let host = dns_check::ascii_domain(&expect.server_host);
    let port = expect
        .direct_tls_port
        .map_or_else(|| "PORT".to_owned(), |p| p.to_string());
    let line = Check::new(CheckKind::DirectTlsSrv, &srv.name, CheckStatus::Ok)
        .found(srv_found(srv))
        .expected(format!("SRV 0 5 {port} {host}."));
    let record = dns_check::direct_tls_record_to_add(domain, expect);
    match srv.lookup {
        LookupStatus::Failed(_) => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::LookupFailed)
        },
        // Optional (XEP-0368): clients fall back to STARTTLS.
        LookupStatus::NotFound => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::DirectTlsMissing).record(record)
        },
        LookupStatus::Found if srv.ok => line,
        LookupStatus::Found => Check {
            status: CheckStatus::Failing,
            ..line.finding(Finding::SrvWrong).record(record)
        },
    }
}

fn caa_line(dns: &HealthLookups, expect: &DnsExpectations) -> Check {
    let domain = &dns.report.domain;
    let caa = &dns.caa;
    let found = match (&caa.lookup, &caa.at) {
        (LookupStatus::Failed(reason), _) => reason.clone(),
        (_, Some(at)) => caa
            .records
            .iter()
            .map(|r| format!("{at}. CAA {} {} \"{}\"", r.flags, r.tag, r.value))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => "—".into(),
    };
    let issuers = expect.caa_issuers.join(", ");
    let expected = match &expect.caa_account_uri {
        Some(uri) => format!("issue \"{issuers}; accounturi={uri}\""),
        None => format!("issue \"{issuers}\""),
    };
    let line = Check::new(CheckKind::Caa, domain, CheckStatus::Ok)
        .found(found)
        .expected(expected);
    let record = dns_check::caa_record_to_add(domain, expect);
    let (status, finding) = match dns_check::judge_caa(caa, expect) {
        CaaVerdict::Allowed => return line,
        CaaVerdict::AllowedWithoutAccount => (CheckStatus::Warning, Finding::CaaNoAccount),
        CaaVerdict::Absent => (CheckStatus::Warning, Finding::CaaMissing),
        CaaVerdict::Forbidden => (CheckStatus::Failing, Finding::CaaForbids),
        CaaVerdict::Unknown => (CheckStatus::Warning, Finding::LookupFailed),
    };
    Check {
        status,
        ..line.finding(finding).record(record)
    }
}

/// The TLSA line: the records where clients connect against the chain Prosody presents for
/// the domain (`None` when the handshake failed).
pub fn tlsa_line(tlsa: &dns_check::TlsaCheck, chain: Option<&[CertificateDer<'_>]>) -> Check {
    let recommended = chain
        .and_then(|c| c.first())
        .and_then(certificate::recommended_tlsa);
    let found = match &tlsa.lookup {
        LookupStatus::Failed(reason) => reason.clone(),
        _ if tlsa.records.is_empty() => "—".into(),
        _ => tlsa
            .records
            .iter()
            .map(|r| format!("TLSA {}", r.presentation()))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let mut line = Check::new(CheckKind::Tlsa, &tlsa.name, CheckStatus::Ok).found(found);
    if let Some(record) = &recommended {
        line = line.expected(format!("TLSA {}", record.presentation()));
    }
    let record = recommended
        .as_ref()
        .map(|r| dns_check::tlsa_record_to_add(&tlsa.name, r))
        .unwrap_or_default();
    match (&tlsa.lookup, chain) {
        (LookupStatus::Failed(_), _) => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::LookupFailed)
        },
        (LookupStatus::NotFound, _) => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::TlsaMissing).record(record)
        },
        (LookupStatus::Found, None) => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::TlsaUnverifiable)
        },
        (LookupStatus::Found, Some(chain)) => {
            if tlsa
                .records
                .iter()
                .any(|r| certificate::tlsa_matches(r, chain))
            {
                line
            } else {
                Check {
                    status: CheckStatus::Failing,
                    ..line.finding(Finding::TlsaWrong).record(record)
                }
            }
        }
    }
}

/// The line of the certificate presented for `name`, judged (or why none could be fetched).
pub fn certificate_line(name: &str, judged: Result<Judgement, String>) -> Check {
    let line = Check::new(CheckKind::Certificate, name, CheckStatus::Ok).expected(format!(
        "{name}, trusted, ≥ {} days",
        certificate::WARN_DAYS
    ));
    let judgement = match judged {
        Ok(judgement) => judgement,
        Err(error) => {
            return Check {
                status: CheckStatus::Failing,
                ..line.finding(Finding::CertUnreachable).found(error)
            }
        }
    };
    let mut found = judgement.names.join(", ");
    if let Some(not_after) = judgement.not_after {
        found.push_str(&format!(" — {}", app::format::iso_date(not_after)));
    }
    if let Some(error) = &judgement.error {
        found.push_str(&format!(" — {error}"));
    }
    let line = Check {
        days_left: judgement.days_left,
        ..line.found(found)
    };
    let (status, finding) = match judgement.verdict {
        Verdict::Valid => return line,
        Verdict::ExpiresSoon => (CheckStatus::Warning, Finding::CertExpiring),
        Verdict::Expired => (CheckStatus::Failing, Finding::CertExpired),
        Verdict::WrongName => (CheckStatus::Failing, Finding::CertWrongName),
        Verdict::Untrusted | Verdict::Unreadable => (CheckStatus::Failing, Finding::CertUntrusted),
    };
    Check {
        status,
        ..line.finding(finding)
    }
}

fn host_line(domain: &str, disco: Result<(), XmppError>) -> Check {
    let line = Check::new(CheckKind::Host, domain, CheckStatus::Ok).expected("disco#info");
    match disco {
        Ok(()) => line.found("disco#info ✓"),
        Err(e) => Check {
            status: CheckStatus::Failing,
            ..line.finding(Finding::HostDown).found(e.to_string())
        },
    }
}

fn registration_line(
    domain: &str,
    on_prosody: Result<RegistrationMode, XmppError>,
    desired: Option<app::domains::RegistrationMode>,
) -> Check {
    let mut line = Check::new(CheckKind::Registration, domain, CheckStatus::Ok);
    if let Some(desired) = desired {
        line = line.expected(desired.as_str());
    }
    match on_prosody {
        Err(e) => Check {
            status: CheckStatus::Warning,
            ..line.finding(Finding::HostDown).found(e.to_string())
        },
        Ok(mode) if desired.is_none_or(|d| d == mode) => line.found(mode.as_str()),
        Ok(mode) => Check {
            status: CheckStatus::Warning,
            ..line
                .finding(Finding::RegistrationDiffers)
                .found(mode.as_str())
        },
    }
}

/// Whether a line's new result is a change to report: another status than before, or a first
/// result that is not ✓.
pub fn changed(old: Option<CheckStatus>, new: CheckStatus) -> bool {
    match old {
        Some(old) => old != new,
        None => new != CheckStatus::Ok,
    }
}

/// Stores `checks` as `domain`'s last results (forgetting lines no longer checked, such as the
/// TLSA name of a former SRV target); the changes.
async fn store(db: &Db, domain: &str, checks: &[Check]) -> Result<Vec<HealthChange>, sqlx::Error> {
    let now = db.now();
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, name, status FROM health_checks WHERE domain = $1")
            .bind(domain)
            .fetch_all(&db.pool)
            .await?;
    let mut previous: HashMap<(String, String), Option<CheckStatus>> = rows
        .into_iter()
        .map(|(kind, name, status)| ((kind, name), CheckStatus::parse(&status)))
        .collect();
    let mut tx = db.pool.begin().await?;
    let mut changes = Vec::new();
    for check in checks {
        let old = previous
            .remove(&(check.kind.as_str().to_owned(), check.name.clone()))
            .flatten();
        sqlx::query(
            "INSERT INTO health_checks (domain, kind, name, status, finding, found, expected, \
             record, days_left, checked_at, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (domain, kind, name) DO UPDATE SET status = $4, finding = $5, \
             found = $6, expected = $7, record = $8, days_left = $9, checked_at = $10, \
             changed_at = CASE WHEN health_checks.status = $4 THEN health_checks.changed_at \
             ELSE $10 END",
        )
        .bind(domain)
        .bind(check.kind.as_str())
        .bind(&check.name)
        .bind(check.status.as_str())
        .bind(check.finding.map_or("", Finding::as_str))
        .bind(&check.found)
        .bind(&check.expected)
        .bind(&check.record)
        .bind(check.days_left)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if changed(old, check.status) {
            changes.push(HealthChange {
                domain: domain.to_owned(),
                kind: check.kind,
                name: check.name.clone(),
                old,
                new: check.status,
                found: check.found.clone(),
                expected: check.expected.clone(),
                days_left: check.days_left,
            });
        }
    }
    for (kind, name) in previous.into_keys() {
        sqlx::query("DELETE FROM health_checks WHERE domain = $1 AND kind = $2 AND name = $3")
            .bind(domain)
            .bind(kind)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(changes)
}

#[derive(sqlx::FromRow)]
struct LineRow {
    #[sqlx(try_from = "String")]
    kind: CheckKind,
    name: String,
    #[sqlx(try_from = "String")]
    status: CheckStatus,
    finding: String,
    found: String,
    expected: String,
    record: String,
    days_left: Option<i64>,
    checked_at: i64,
    changed_at: i64,
}

/// `domain`'s last results, in the page's order (by kind, then name).
pub async fn lines(db: &Db, domain: &str) -> Result<Vec<HealthLine>, sqlx::Error> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT kind, name, status, finding, found, expected, record, days_left, checked_at, \
         changed_at FROM health_checks WHERE domain = $1",
    )
    .bind(domain)
    .fetch_all(&db.pool)
    .await?;
    let mut lines: Vec<HealthLine> = rows
        .into_iter()
        .map(|row| HealthLine {
            kind: row.kind,
            name: row.name,
            status: row.status,
            finding: Finding::parse(&row.finding),
            found: row.found,
            expected: row.expected,
            record: row.record,
            days_left: row.days_left,
            checked_at: row.checked_at,
            changed_at: row.changed_at,
        })
        .collect();
    let order = |kind: CheckKind| CheckKind::ALL.iter().position(|k| *k == kind);
    lines.sort_by(|a, b| (order(a.kind), &a.name).cmp(&(order(b.kind), &b.name)));
    Ok(lines)
}

/// Every domain's worst status, in one question (the provider console).
pub async fn worst_by_domain(db: &Db) -> Result<HashMap<String, CheckStatus>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT domain, status FROM health_checks")
        .fetch_all(&db.pool)
        .await?;
    let mut worst: HashMap<String, CheckStatus> = HashMap::new();
    for (domain, status) in rows {
        let Some(status) = CheckStatus::parse(&status) else {
            continue;
        };
        let entry = worst.entry(domain).or_insert(status);
        *entry = app::health::worst([*entry, status]).unwrap_or(status);
    }
    Ok(worst)
}

/// The handler of the `Health` lane.
pub struct Checker<'a>(pub &'a AppState);

impl Handler for Checker<'_> {
    fn lane(&self) -> Lane {
        Lane::Health
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let state = self.0;
        let db = &state.db;
        if domains::get(db, &job.domain)
            .await
            .map_err(JobError::retry)?
            .is_none()
        {
            return Err(JobError::give_up(format!("unknown domain {}", job.domain)));
        }
        run(state, &job.domain).await.map_err(JobError::retry)?;
        let interval = state.config.health.interval_secs;
        if interval > 0 {
            let now = db.now();
            let due = now.saturating_add(i64::try_from(interval).unwrap_or(i64::MAX));
            jobs::enqueue_at(&db.pool, now, due, Kind::HealthCheck, &job.domain, "", "")
                .await
                .map_err(JobError::retry)?;
        }
        Ok(())
    }
}

/// "Check now": queues the domain's check with its audit entry, runs it in this request and
/// waits (a little) if the worker had just taken it.
pub async fn check_now(state: &AppState, actor: &str, domain: &str) -> Result<(), sqlx::Error> {
    let db = &state.db;
    let now = db.now();
    let mut tx = db.pool.begin().await?;
    let job = jobs::enqueue(&mut *tx, now, Kind::HealthCheck, domain, "", "").await?;
    audit::record_for_job(
        &mut *tx,
        now,
        audit::Change {
            actor,
            domain: Some(domain),
            action: AuditAction::CheckHealth,
            target: "",
            outcome: Outcome::Pending,
            detail: "",
        },
        job,
    )
    .await?;
    tx.commit().await?;
    jobs::run_one(db, &state.clock, &Checker(state), job.id).await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline {
        match jobs::status(db, job.id).await? {
            Some(status) if status.state == jobs::State::Running => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            _ => break,
        }
    }
    Ok(())
}

/// The `Health` lane's worker, and (with a non-zero interval) the scheduler that gives every
/// domain its first check; the checks queue themselves again.
pub async fn worker(state: AppState) {
    let wake = tokio::sync::Notify::new();
    let schedule = async {
        if state.config.health.interval_secs == 0 {
            return;
        }
        loop {
            if let Err(e) = schedule_unchecked(&state.db).await {
                tracing::warn!(error = %e, "cannot schedule health checks");
            }
            wake.notify_one();
            tokio::time::sleep(TICK).await;
        }
    };
    tokio::join!(
        schedule,
        jobs::worker(&state.db, Checker(&state), &wake, TICK, || true)
    );
}

/// Queues a check, due now, for each domain that has none waiting (new domains, or checks
/// finished while the interval was 0).
async fn schedule_unchecked(db: &Db) -> Result<(), sqlx::Error> {
    let scheduled = jobs::domains_waiting(db, Lane::Health).await?;
    for row in domains::all(db).await? {
        if !scheduled.contains(&row.name) {
            jobs::enqueue(&db.pool, db.now(), Kind::HealthCheck, &row.name, "", "").await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns_check::{TlsaCheck, TlsaRecord};

    #[test]
    fn a_change_is_another_status_or_a_first_result_that_is_not_ok() {
        use CheckStatus::{Failing, Ok as Good, Warning};
        assert!(!changed(None, Good));
        assert!(changed(None, Warning));
        assert!(changed(None, Failing));
        assert!(!changed(Some(Failing), Failing));
        assert!(changed(Some(Good), Failing));
        assert!(changed(Some(Warning), Good));
    }

    fn tlsa_check(lookup: LookupStatus, records: Vec<TlsaRecord>) -> TlsaCheck {
        TlsaCheck {
            name: "_5222._tcp.xmpp.example.org".into(),
            lookup,
            records,
        }
    }

    /// A certificate and the `3 1 1` record of its key.
    fn cert() -> (CertificateDer<'static>, TlsaRecord) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["example.org".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().clone();
        let record = certificate::recommended_tlsa(&der).unwrap();
        (der, record)
    }

    #[test]
    fn tlsa_matching_is_ok_absent_a_warning_and_wrong_failing() {
        let (der, right) = cert();
        let chain = [der];
        let ok = tlsa_line(
            &tlsa_check(LookupStatus::Found, vec![right.clone()]),
            Some(&chain),
        );
        assert_eq!((ok.status, ok.finding), (CheckStatus::Ok, None));
        assert_eq!(ok.record, "");
        assert_eq!(ok.expected, format!("TLSA {}", right.presentation()));

        let absent = tlsa_line(&tlsa_check(LookupStatus::NotFound, vec![]), Some(&chain));
        assert_eq!(absent.status, CheckStatus::Warning);
        assert_eq!(absent.finding, Some(Finding::TlsaMissing));
        assert_eq!(
            absent.record,
            format!(
                "_5222._tcp.xmpp.example.org. 3600 IN TLSA {}",
                right.presentation()
            )
        );

        let mut wrong = right.clone();
        wrong.data[0] ^= 0xff;
        let failing = tlsa_line(
            &tlsa_check(LookupStatus::Found, vec![wrong.clone()]),
            Some(&chain),
        );
        assert_eq!(failing.status, CheckStatus::Failing);
        assert_eq!(failing.finding, Some(Finding::TlsaWrong));
        assert_eq!(failing.found, format!("TLSA {}", wrong.presentation()));
        assert!(failing.record.ends_with(&right.presentation()));
        // One right record among wrong ones is enough for DANE clients.
        let mixed = tlsa_line(
            &tlsa_check(LookupStatus::Found, vec![wrong.clone(), right]),
            Some(&chain),
        );
        assert_eq!(mixed.status, CheckStatus::Ok);

        let unverifiable = tlsa_line(&tlsa_check(LookupStatus::Found, vec![wrong]), None);
        assert_eq!(unverifiable.status, CheckStatus::Warning);
        assert_eq!(unverifiable.finding, Some(Finding::TlsaUnverifiable));
        let failed = tlsa_line(
            &tlsa_check(LookupStatus::Failed("SERVFAIL".into()), vec![]),
            Some(&chain),
        );
        assert_eq!(
            (failed.status, failed.found.as_str()),
            (CheckStatus::Warning, "SERVFAIL")
        );
    }

    /// What the DNS says of example.org: no record at all, unless `cname` leads somewhere.
    fn lookups(cname: Option<&str>, expect: &DnsExpectations) -> HealthLookups {
        use dns_check::{AddressCheck, CaaCheck, CnameCheck, DnsReport, Verdict as Dns};
        let srv = |name: &str| SrvCheck {
            name: name.into(),
            lookup: LookupStatus::NotFound,
            records: vec![],
            ok: false,
        };
        HealthLookups {
            report: DnsReport {
                domain: "example.org".into(),
                verdict: Dns::NotReady,
                client_srv: srv("_xmpp-client._tcp.example.org"),
                server_srv: srv("_xmpp-server._tcp.example.org"),
                cname: CnameCheck {
                    lookup: LookupStatus::Found,
                    target: cname.map(str::to_owned),
                    ok: cname.is_some_and(|c| dns_check::same_host(c, &expect.server_host)),
                },
                addresses: AddressCheck {
                    lookup: LookupStatus::NotFound,
                    addresses: vec![],
                    unexpected: vec![],
                    ok: false,
                },
            },
            direct_tls_srv: srv("_xmpps-client._tcp.example.org"),
            caa: CaaCheck {
                lookup: LookupStatus::NotFound,
                at: None,
                records: vec![],
            },
            tlsa: tlsa_check(LookupStatus::NotFound, vec![]),
        }
    }

    #[test]
    fn srv_lines_accept_the_domains_own_name_and_say_what_to_add() {
        let expect = DnsExpectations::for_host("jabberfr.org");
        let status = |lines: &[Check]| -> Vec<(CheckKind, CheckStatus)> {
            lines.iter().map(|l| (l.kind, l.status)).collect()
        };
        let nothing = dns_lines(&lookups(None, &expect), &expect);
        assert_eq!(
            status(&nothing),
            [
                (CheckKind::ClientSrv, CheckStatus::Failing),
                (CheckKind::ServerSrv, CheckStatus::Failing),
                (CheckKind::DirectTlsSrv, CheckStatus::Warning),
                (CheckKind::Caa, CheckStatus::Warning),
            ]
        );
        assert_eq!(nothing[0].finding, Some(Finding::SrvMissing));
        assert_eq!(
            nothing[0].record,
            "_xmpp-client._tcp.example.org. 3600 IN SRV 0 5 5222 jabberfr.org."
        );
        assert_eq!(nothing[0].found, "—");
        assert_eq!(nothing[3].finding, Some(Finding::CaaMissing));

        let cname = dns_lines(&lookups(Some("jabberfr.org"), &expect), &expect);
        assert_eq!(cname[0].status, CheckStatus::Ok);
        assert_eq!(cname[0].finding, Some(Finding::SrvFallback));
        assert_eq!(cname[0].found, "CNAME jabberfr.org.");
        assert!(cname[1]
            .record
            .starts_with("_xmpp-server._tcp.example.org."));
    }

    fn judgement(verdict: Verdict, days_left: i64) -> Judgement {
        Judgement {
            verdict,
            names: vec!["example.org".into()],
            not_after: Some(1_798_761_600),
            days_left: Some(days_left),
            error: None,
        }
    }

    #[test]
    fn certificates_are_ok_expiring_a_warning_and_invalid_failing() {
        let ok = certificate_line("example.org", Ok(judgement(Verdict::Valid, 80)));
        assert_eq!((ok.status, ok.days_left), (CheckStatus::Ok, Some(80)));
        assert_eq!(ok.found, "example.org — 2027-01-01");
        let soon = certificate_line("example.org", Ok(judgement(Verdict::ExpiresSoon, 12)));
        assert_eq!(soon.status, CheckStatus::Warning);
        assert_eq!(soon.finding, Some(Finding::CertExpiring));
        for (verdict, finding) in [
            (Verdict::Expired, Finding::CertExpired),
            (Verdict::WrongName, Finding::CertWrongName),
            (Verdict::Untrusted, Finding::CertUntrusted),
        ] {
            let line = certificate_line("example.org", Ok(judgement(verdict, -3)));
            assert_eq!(
                (line.status, line.finding),
                (CheckStatus::Failing, Some(finding))
            );
        }
        let unreachable = certificate_line("example.org", Err("connection refused".into()));
        assert_eq!(unreachable.status, CheckStatus::Failing);
        assert_eq!(unreachable.finding, Some(Finding::CertUnreachable));
        assert_eq!(unreachable.found, "connection refused");
    }

    #[test]
    fn the_registration_mode_is_compared_with_the_portals() {
        use app::domains::RegistrationMode as Mode;
        let same = registration_line("example.org", Ok(Mode::Open), Some(Mode::Open));
        assert_eq!(same.status, CheckStatus::Ok);
        let differs = registration_line("example.org", Ok(Mode::Open), Some(Mode::Closed));
        assert_eq!(differs.status, CheckStatus::Warning);
        assert_eq!(differs.finding, Some(Finding::RegistrationDiffers));
        assert_eq!(
            (differs.found.as_str(), differs.expected.as_str()),
            ("open", "closed")
        );
        let down = registration_line("example.org", Err(XmppError::Unavailable), None);
        assert_eq!(down.finding, Some(Finding::HostDown));
        let host = host_line("example.org", Err(XmppError::Unavailable));
        assert_eq!(host.status, CheckStatus::Failing);
    }

    #[test]
    fn the_automatic_certificate_fails_only_when_one_is_due() {
        const DAY: i64 = 86_400;
        let now = 1_800_000_000;
        let status = |not_after: Option<i64>, last_error: &str| crate::acme::CertificateStatus {
            domain: "example.org".into(),
            not_after,
            issued_at: None,
            fingerprint: "ab12".into(),
            last_error: last_error.into(),
            last_attempt_at: None,
            pending: true,
        };
        let line = |not_after, error| acme_line(&status(not_after, error), now, 30);

        let installed = line(Some(now + 60 * DAY), "");
        assert_eq!(installed.status, CheckStatus::Ok);
        assert!(
            installed.found.contains("SHA-256 ab12"),
            "{}",
            installed.found
        );
        let waiting = line(None, "");
        assert_eq!(
            (waiting.status, waiting.finding),
            (CheckStatus::Warning, Some(Finding::AcmeWaiting))
        );
        // A renewal tried early failed: the installed certificate still serves.
        let early = line(Some(now + 60 * DAY), "rate limited");
        assert_eq!(
            (early.status, early.finding),
            (CheckStatus::Warning, Some(Finding::AcmeFailing))
        );
        for due in [
            line(None, "connection refused"),
            line(Some(now + 10 * DAY), "timeout"),
        ] {
            assert_eq!(due.status, CheckStatus::Failing, "{due:?}");
            assert_eq!(due.kind, CheckKind::AutoCertificate);
        }
        assert_eq!(line(None, "connection refused").found, "connection refused");
    }
}
