skip-to-content = Skip to content
nav-label = Main navigation
nav-admin = Administration
nav-login = Log in
nav-logout = Log out
lang-switch-label = Language
footer-text = Domaine — self-service for hosted XMPP domains
loading = Loading…

home-title = Your XMPP domain, run by you
home-lead = Manage the accounts, invitations and registration of the XMPP domains hosted here.
home-go-admin = Go to administration

login-title = Log in
login-username = Username
login-password = Password
login-submit = Log in
login-error-invalid = Wrong username or password.

not-found-title = Page not found
not-found-text = This page does not exist, or no longer does.
not-found-home = Back to the home page

admin-title = Hosted domains
admin-domains-heading = Domains
admin-no-domains = No domain is hosted yet.
admin-domain-name = Domain
admin-domain-created = Added on

create-account-heading = Create an account
create-account-domain = Domain
create-account-username = Username
create-account-username-hint = Letters, digits and . _ - only; the address will be username@domain.
create-account-password = Password
create-account-submit = Create the account
account-created = The account { $jid } was created.

error-not-logged-in = Please log in first.
error-forbidden = You are not allowed to do this.
error-stale-form = This form has expired. Please reload the page and try again.
error-invalid-username = This username is not valid: use letters, digits and . _ - (no spaces, no @).
error-password-too-short = The password must have at least { $min } characters.
error-password-too-long = The password must have at most { $max } characters.
error-password-rejected = The XMPP server refused this password; please choose another one.
error-account-exists = This account already exists.
error-unknown-domain = This domain is not hosted here.
error-xmpp-unavailable = The XMPP server cannot be reached right now. Nothing was changed; please try again in a moment.
error-xmpp-refused = The XMPP server refused this change.
error-network = The portal cannot be reached. Check your connection and try again.
error-internal = Something went wrong on our side. Nothing was lost; please try again.
login-error-throttled = Too many failed attempts. Please try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
error-invalid-jid = This is not a valid XMPP address (it looks like name@example.org).
error-already-owner = This address already owns the domain.
error-last-owner = A domain always keeps at least one owner: add another owner first.
error-invalid-quota = The quota must be a whole number of accounts, or empty for no limit.
error-quota-reached = This domain has reached its quota of { $quota } accounts.

domain-title = Domain
domain-accounts-heading = Accounts
domain-accounts = { $count ->
    [one] One account
   *[other] { $count } accounts
}
domain-accounts-of-quota = { $count } of { $quota } accounts
domain-accounts-unknown = The XMPP server cannot be reached: the number of accounts is unknown for now.
domain-pending = Saved, waiting for the XMPP server (applied as soon as it answers):
domain-registration-heading = Registration
domain-registration-save = Save
mode-open = Open
mode-open-explained = anyone can create an account from an XMPP app.
mode-invite-only = Invitation only
mode-invite-only-explained = only people with an invitation link can create an account.
mode-closed = Closed
mode-closed-explained = nobody can create an account from an app; you create accounts here.
owners-heading = Owners
owners-address = XMPP address
owners-actions = Actions
owners-remove = Remove
owners-remove-label = Remove { $jid } from the owners
owners-add-label = Add an owner (XMPP address)
owners-add = Add
quota-heading = Quota
quota-label = Maximum number of accounts
quota-hint = Leave empty for no limit.
quota-save = Save the quota
audit-heading = Recent changes
audit-empty = No change yet.
audit-when = When
audit-who = Who
audit-what = What
audit-target = On
audit-outcome = Result
audit-detail = Detail
audit-done = done
audit-pending = pending
audit-failed = failed
