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
