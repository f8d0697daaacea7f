//! Audit log entries as the UI shows them.

use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum Outcome("audit outcome"), label "audit-" {
        Done = "done",
        /// Recorded, and waiting for the XMPP server to be reachable.
        Pending = "pending",
        Failed = "failed",
    }
}

crate::text_enum! {
    /// What a change in the audit log did.
    pub enum AuditAction("audit action"), label "audit-action-" {
        // A domain's settings and owners.
        RegistrationMode = "registration-mode",
        Quota = "quota",
        AddOwner = "add-owner",
        RemoveOwner = "remove-owner",
        AddDomain = "add-domain",
        MemberInvites = "member-invites",
        // Its accounts.
        CreateAccount = "create-account",
        DeleteAccount = "delete-account",
        SetPassword = "set-password",
        Lock = "lock",
        Unlock = "unlock",
        EndSessions = "end-sessions",
        /// A bulk job asked for (its items are audited one by one as they are done).
        StartBulk = "start-bulk",
        CreateResetLink = "create-reset-link",
        ResetPassword = "reset-password",
        // Recovery e-mail addresses and "Forgot your password?".
        SetRecoveryEmail = "set-recovery-email",
        ConfirmRecoveryEmail = "confirm-recovery-email",
        RemoveRecoveryEmail = "remove-recovery-email",
        SendRecoveryLink = "send-recovery-link",
        // Invitations.
        CreateInvite = "create-invite",
        RevokeInvite = "revoke-invite",
        EmailInvite = "email-invite",
        RedeemInvite = "redeem-invite",
        // A user's own account.
        ChangeOwnPassword = "change-own-password",
        EndOwnSessions = "end-own-sessions",
        DeleteOwnAccount = "delete-own-account",
        EnableTwoFactor = "enable-two-factor",
        DisableTwoFactor = "disable-two-factor",
        UseRecoveryCode = "use-recovery-code",
        // The provider's console and hosting requests.
        SuspendDomain = "suspend-domain",
        ResumeDomain = "resume-domain",
        AddProviderAdmin = "add-provider-admin",
        RemoveProviderAdmin = "remove-provider-admin",
        RequestHosting = "request-hosting",
        ConfirmRequest = "confirm-request",
        ApproveRequest = "approve-request",
        RejectRequest = "reject-request",
        // A domain's health, certificates and alerts.
        CheckHealth = "check-health",
        HealthChanged = "health-changed",
        IssueCertificate = "issue-certificate",
        InstallCertificate = "install-certificate",
        Alert = "alert",
        // A message to every account of a domain.
        Announce = "announce",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub domain: Option<String>,
    pub action: AuditAction,
    pub target: String,
    pub outcome: Outcome,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_action_and_outcome_has_a_label_in_both_languages() {
        let labels = AuditAction::ALL
            .into_iter()
            .map(|a| (a.label(Locale::En), a.label(Locale::Fr)))
            .chain(
                Outcome::ALL
                    .into_iter()
                    .map(|o| (o.label(Locale::En), o.label(Locale::Fr))),
            );
        for (en, fr) in labels {
            // A missing Fluent message comes back as its own key.
            assert!(
                !en.starts_with("audit-") && !fr.starts_with("audit-"),
                "{en} / {fr}"
            );
            assert_ne!(en, fr, "{en} is not translated");
        }
    }
}
