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
login-username = XMPP address or username
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
error-invitation-not-found = This invitation cannot be used: it may have expired, been used already or been withdrawn. Ask the person who invited you for a new one.
error-reset-link-not-found = This link cannot be used: it may have expired or been used already. Ask for a new one with "Forgot your password?" on the login page, or ask the administrator of your domain.
error-invalid-max-uses = Enter a number of uses between 1 and { $max }.
error-fixed-username-multi-use = A fixed username only works with a single-use invitation.
error-username-not-invited = This invitation is for another username.
error-contact-not-hosted = Only an address hosted by this provider can be added as a contact.
error-member-invitations-off = The owners of your domain do not let members invite people.
error-member-invitation-cap = You have made { $cap } invitations in the last 30 days, as many as your domain allows. You can invite again when the oldest is 30 days old.
error-inviter-too-new = Your account was created from an invitation less than a day ago: you can invite people one day after it was created.
error-invalid-invitation-cap = Enter a number of invitations between 0 and { $max }.
error-registration-closed = This domain does not accept new accounts at the moment.
error-password-mismatch = The two passwords differ.
error-invalid-email = Enter a valid e-mail address, such as name@example.org.
error-request-not-found = This link does not lead to any request. It may be mistyped, or the request was withdrawn.
error-domain-already-hosted = This domain is already hosted here.
error-domain-already-requested = Someone has already asked for this domain. If it is you, check your mailbox.
error-provider-domain = This name belongs to the provider itself: choose your own domain.
error-required = This field is required.
error-invalid-choice = Choose one of the options offered.
error-invalid-text = This contains characters that are not text (the form was sent in another encoding than UTF-8). Please type it again.
error-too-long = This is too long: { $max } characters at most.
error-too-many-requests = Too many requests from you for now. Please try again in an hour.
error-membership-required = This provider hosts the domains of its association's members only: tick the box if you are one.
error-already-decided = This request has already been decided.
error-cannot-remove-admin = You cannot remove your own account, nor the last provider admin.
error-admin-exists = A provider admin with this name already exists.
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
audit-action-registration-mode = Registration mode
audit-action-quota = Account quota
audit-action-member-invites = Member invitations
audit-action-add-owner = Owner added
audit-action-remove-owner = Owner removed
audit-action-add-domain = Domain added
audit-action-create-account = Account created
audit-action-delete-account = Account deleted
audit-action-set-password = New password
audit-action-lock = Account locked
audit-action-unlock = Account unlocked
audit-action-end-sessions = Sessions ended
audit-action-create-reset-link = Password reset link made
audit-action-reset-password = Password reset
audit-action-create-invite = Invitation made
audit-action-revoke-invite = Invitation revoked
audit-action-email-invite = Invitation e-mailed
audit-action-redeem-invite = Invitation used on the web
audit-action-change-own-password = Own password changed
audit-action-end-own-sessions = Own sessions ended
audit-action-delete-own-account = Own account deleted
audit-action-suspend-domain = Domain suspended
audit-action-resume-domain = Domain resumed
audit-action-add-provider-admin = Provider admin added
audit-action-remove-provider-admin = Provider admin removed
audit-action-request-hosting = Hosting requested
audit-action-confirm-request = Request confirmed
audit-action-approve-request = Request approved
audit-action-reject-request = Request rejected
audit-action-check-health = Health checked
audit-action-health-changed = Health changed
audit-action-issue-certificate = Certificate ordered
audit-action-install-certificate = Certificate installed
audit-action-alert = Alert sent
change-registration-mode = registration mode
change-quota = account quota
change-lock = lock or unlock of
change-revoke-invite = withdrawal of invitation
change-provision-host = setting up the domain on the XMPP server
change-suspension = suspension or resumption of the domain
change-certificate = certificate of the domain
change-state-queued = waiting
change-state-running = being applied
change-state-failed = given up
domain-change-retrying = { $attempts ->
    [one] One attempt failed; next one { $date }. Last error: { $error }
   *[other] { $attempts } attempts failed; next one { $date }. Last error: { $error }
}
domain-change-failed = The XMPP server refused this change: { $error }. Once the cause is fixed, retry it.
domain-change-retry = Retry now
domain-change-retry-label = Retry now: { $change }
login-username-hint = Your XMPP address (name@example.org) and its password, or your provider administrator name.
login-error-unavailable = The XMPP server cannot be reached right now, so your password cannot be checked. Please try again in a moment.
login-error-unreadable = The form could not be read: a field contains characters that are not text (it was sent in another encoding than UTF-8), or is missing. Please type your address and password again.
home-my-account = My account
home-my-domains = Your domains
me-title = My account
me-password-heading = Change my password
me-current-password = Current password
me-new-password = New password
me-password-submit = Change the password
me-password-changed = Your password was changed. Your XMPP apps will ask for the new one.
me-sessions-heading = Connected apps
me-sessions-explained = Disconnect every app connected to your account, for example on a lost phone.
me-sessions-submit = Disconnect all my apps
me-sessions-ended = All your apps were disconnected.
me-delete-heading = Delete my account
me-delete-explained = Your account, contacts and messages stored on the server are deleted for good.
me-delete-confirm = To confirm, type your address { $jid }
me-delete-submit = Delete my account for good
me-deleted = The account was deleted.
error-wrong-password = The current password is wrong.
error-confirmation-mismatch = The text typed does not match: nothing was deleted.
domain-manage-accounts = Manage the accounts
accounts-title = Accounts
accounts-heading = Accounts of { $domain }
accounts-back = Back to the domain
accounts-list-heading = All accounts
accounts-count = { $count ->
    [one] One account
   *[other] { $count } accounts
}
accounts-count-of-quota = { $count } of { $quota } accounts (quota)
accounts-count-unknown = The number of accounts is unknown for now.
accounts-count-unknown-quota = The number of accounts is unknown for now (quota: { $quota }).
accounts-unavailable = The XMPP server cannot be reached right now, so the accounts cannot be listed. Locks and unlocks are saved and applied as soon as it is back.
accounts-pending = Saved, waiting for the XMPP server (applied as soon as it answers):
accounts-pending-lock = locking { $jid }…
accounts-pending-unlock = unlocking { $jid }…
accounts-search-label = Search by username
accounts-search-submit = Search
accounts-search-clear = Show all accounts
accounts-matching = { $count ->
    [one] One account matches “{ $query }”.
   *[other] { $count } accounts match “{ $query }”.
}
accounts-sort-label = Order
accounts-sort-username = By username
accounts-sort-activity = Least recently active first
accounts-inactive-label = Not seen for
accounts-inactive-any = Any time
accounts-inactive-months = { $months ->
    [one] 1 month or more
    [12] 1 year or more
   *[other] { $months } months or more
}
accounts-matching-inactive = { $count ->
    [one] One account not seen for { $months } months or more (or never).
   *[other] { $count } accounts not seen for { $months } months or more (or never).
}
accounts-empty = No account yet.
accounts-no-match = No account matches this search.
accounts-col-address = Address
accounts-col-last-active = Last activity
accounts-col-status = Status
accounts-col-actions = Actions
accounts-never = never
accounts-badge-active = active
accounts-badge-locked = locked
accounts-badge-locking = locking…
accounts-badge-unlocking = unlocking…
accounts-badge-service = portal account
accounts-service-hint = Used by the portal itself
accounts-manage = Manage
accounts-end-sessions = End sessions
accounts-lock = Lock
accounts-unlock = Unlock
accounts-password-legend = New password
accounts-password-generate = Generate a password (shown once)
accounts-password-choose = Choose the password
accounts-password-label = Password (if you choose it)
accounts-password-submit = Set the password
accounts-delete-confirm = To delete this account and its data for good, type its username: { $username }
accounts-delete-submit = Delete
accounts-pagination = Pages
accounts-previous = Previous
accounts-next = Next
accounts-page-label = Page { $page }
accounts-page-of = Page { $page } of { $pages }
accounts-create-heading = Create an account
accounts-create-username = Username
accounts-create-username-hint = Letters, digits and . _ - only; the address will be username@{ $domain }.
accounts-create-password-legend = Password
accounts-create-submit = Create the account
accounts-shown-password = The password of { $jid } is below. Write it down or pass it on now: it will not be shown again.
accounts-row-error = { $username }: { $message }
accounts-done-created = The account { $jid } was created.
accounts-done-deleted = The account { $jid } was deleted.
accounts-done-password = The password of { $jid } was changed; its apps must log in again with the new one.
accounts-done-locked = The account { $jid } is locked: it cannot log in any more.
accounts-done-lock-pending = The lock of { $jid } is saved; it applies as soon as the XMPP server answers.
accounts-done-unlocked = The account { $jid } is unlocked.
accounts-done-unlock-pending = The unlock of { $jid } is saved; it applies as soon as the XMPP server answers.
accounts-done-sessions = Every session of { $jid } was ended.
error-unknown-account = This account does not exist (any more).
error-cannot-lock-own-account = You cannot lock the account you are logged in with.
error-service-account = This is the portal’s own account: it cannot be changed here.
error-invalid-domain-name = This is not a valid domain name (it looks like example.org).
error-host-not-served = The XMPP server does not serve this domain yet: add the virtual host to Prosody (with Domaine's module) first.
error-domain-exists = This domain is already hosted here.
add-domain-heading = Add a hosted domain
add-domain-explained = The virtual host must already exist on the XMPP server, with Domaine's module.
add-domain-name = Domain name
add-domain-owner = First owner (XMPP address, optional)
add-domain-submit = Add the domain
audit-all = Full history
audit-page-title = History of changes
audit-filter-domain = Domain
audit-filter-action = Action
audit-filter-any-action = All actions
audit-filter-submit = Filter

domain-invites-heading = Invitations
domain-invites-pending = { $count ->
    [one] One invitation waiting to be used.
   *[other] { $count } invitations waiting to be used.
}
domain-manage-invites = Manage invitations

# Request bodies over the form limit (server/src/web/body_limit.rs).
error-too-large = This form is too large (over 64 KB): nothing was saved. Go back, shorten what you typed and try again.
too-large-home = Home page

# Two-factor login
login-code = Code from your authenticator app
login-code-hint = The 6 digits your app shows for this portal now.
login-recovery-code = Recovery code
login-recovery-code-hint = One of the recovery codes you kept when you set up two-factor login. Each works once.
login-use-recovery-code = Use a recovery code instead
login-use-app-code = Use a code from the app instead
login-code-submit = Continue
login-error-code = Wrong code, or a code already used. Please type the code your app shows now.
login-error-expired = The login took too long. Please type your address and password again.
me-two-factor-heading = Two-factor login
me-two-factor-explained = Besides your password, logging in then asks for a code from an authenticator app on your phone (for example Aegis, FreeOTP or Google Authenticator), so a stolen password is not enough.
me-two-factor-start = Set up two-factor login
me-two-factor-required = Your provider requires two-factor login for your account: set it up to continue.
me-two-factor-scan = Scan this QR code with your authenticator app, then type the code it shows.
me-two-factor-qr = QR code to scan with an authenticator app
me-two-factor-secret = Or type this key into the app:
me-two-factor-code = Code from your app
me-two-factor-confirm = Turn on two-factor login
me-two-factor-recovery-codes = Keep these recovery codes somewhere safe: each lets you log in once without your phone. They are shown only now.
me-two-factor-on = Two-factor login is on. { $left ->
    [one] One recovery code is left.
   *[other] { $left } recovery codes are left.
}
me-two-factor-remove-explained = To turn it off, give a code from your app (or a recovery code), or your password.
me-two-factor-remove = Turn off two-factor login
me-two-factor-turned-on = Two-factor login is on.
me-two-factor-turned-off = Two-factor login is off.
error-wrong-code = Wrong code, or a code already used.
audit-action-enable-two-factor = Two-factor login turned on
audit-action-disable-two-factor = Two-factor login turned off
audit-action-use-recovery-code = Logged in with a two-factor recovery code
