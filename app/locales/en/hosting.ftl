## Hosting requests: the public form, the confirmation link, the admins' queue, and the
## provider admins' console.

home-request-heading = Host your domain with us
home-request-text = You have a domain name and would like your own XMPP addresses on it? Ask us to host it.
home-request-link = Host your domain with us

request-title = Ask to host your domain
request-heading = Host your XMPP domain with { $provider }
request-lead = Your own domain name for your XMPP addresses (you@your-domain.org), run by you: accounts, invitations, registration.
request-step-form = Fill in the form below.
request-step-mail = Confirm your request with the link we e-mail you.
request-step-review = The provider's admins review your request and tell you their decision by e-mail.
request-form-heading = Your request
request-domain = Domain name
request-domain-hint = The domain you own, such as example.org. Internationalised names (café.example) are welcome. You will need to add a few records to its DNS.
request-name = Your name
request-email = Your e-mail address
request-email-hint = We send the confirmation link and the decision here.
request-xmpp = Your XMPP address (optional)
request-xmpp-hint = If you have one (name@example.org), it becomes the administrator of your domain. Without one, you get an invitation to create your account on your new domain.
request-member = I am a member of the association
request-member-hint = Some providers host their association's members only; if that is the case here, the form will tell you.
request-message = Message to the admins (optional)
request-message-hint = Who the domain is for, how many accounts you expect… { $max } characters at most.
request-honeypot = Leave this field empty (it is here to catch robots)
request-submit = Send my request

request-sent-title = Check your mailbox
request-sent-text = We have sent you an e-mail: click the link in it to confirm your request. Nothing is sent to the admins before you confirm.
request-sent-spam = No e-mail after a few minutes? Look in your spam folder, or send the form again with the right address.

request-confirm-title = Your hosting request
request-confirm-heading = Your request to host { $domain }
request-status = Status:
request-confirm-step = One last step
request-confirm-explained = Confirm that you asked to host { $domain }: your request then goes to the provider's admins.
request-confirm-submit = Confirm my request
request-confirmed-queue = Your request is confirmed and in the admins' queue. They will tell you their decision by e-mail.
request-confirmed-approved = Your request was approved. Check your mailbox for the next steps.
request-confirmed-rejected = Your request was not accepted; the reason was sent to you by e-mail.
request-dns-heading = Prepare your domain's DNS
request-dns-explained = For XMPP apps and servers to find { $domain } here, add these records to its DNS zone (at your registrar or DNS host). You can do it now: the admins check them before approving.
request-gone-title = Unknown request
request-gone-new = Make a new request

dns-records-srv = The SRV records (recommended):
dns-records-srv-label = SRV records
dns-records-alternative = Or alternatively, if your domain is used for XMPP only, this CNAME record instead:
dns-records-cname-label = CNAME record
dns-records-hint = Copy the lines into your DNS zone; some DNS hosts ask for each field separately (name, type, priority, weight, port, target).

requests-status-unconfirmed = Unconfirmed
requests-status-to-review = To review
requests-status-approved = Approved
requests-status-rejected = Rejected

requests-title = Hosting requests
requests-detail-title = Hosting request
requests-back-console = Back to the console
requests-back-queue = Back to the requests
requests-tabs-label = Requests by status
requests-empty = No request here.
requests-col-domain = Domain
requests-col-requester = Requester
requests-col-email = E-mail
requests-col-xmpp = XMPP address
requests-col-member = Member
requests-col-dates = Dates
requests-yes = yes
requests-no = no
requests-date-created = sent { $date }
requests-date-confirmed = confirmed { $date }
requests-date-decided = decided { $date }
requests-provisioning-pending = pending on the XMPP server
requests-provisioning-pending-explained = The XMPP server could not be reached: the domain is set up there as soon as it answers.
requests-facts-heading = The request
requests-fact-created = Sent on
requests-fact-confirmed = Confirmed on
requests-no-xmpp = none (an owner invitation is e-mailed on approval)
requests-message-heading = Message
requests-no-message = No message.
requests-unconfirmed-explained = The requester has not confirmed their e-mail address yet: the request can be decided once they have.

requests-dns-heading = DNS readiness
requests-dns-ready = ready
requests-dns-ready-explained = The domain points at our server.
requests-dns-partial = partly ready
requests-dns-partial-explained = Some records exist, but not all of them point at our server.
requests-dns-not-ready = not ready
requests-dns-not-ready-explained = The domain does not point at our server yet.
requests-dns-unavailable = unknown
requests-dns-unavailable-explained = The DNS could not be asked right now; reload the page to check again.
requests-dns-findings = What the DNS says
requests-dns-no-findings = No record found.
requests-dns-records = The records the requester must add

requests-approve-heading = Approve
requests-approve-explained = The domain is created with this quota and set up on the XMPP server; the requester is told by e-mail.
requests-approve-submit = Approve and create the domain
requests-reject-heading = Reject
requests-reject-reason = Reason
requests-reject-hint = Required. It is e-mailed to the requester as you write it.
requests-reject-submit = Reject the request
requests-done-approved = The request was approved.
requests-done-rejected = The request was rejected and the requester told why.
requests-decided-approved = Approved
requests-decided-approved-by = Approved by { $who } on { $date }.
requests-decided-rejected = Rejected
requests-decided-rejected-by = Rejected by { $who } on { $date }.
requests-decided-reason = Reason given
requests-open-domain = Open the domain

admin-requests-link = { $count ->
    [0] Hosting requests
    [one] Hosting requests (one to review)
   *[other] Hosting requests ({ $count } to review)
}
admin-domain-owners = Owners
admin-domain-no-owner = none
admin-domain-accounts = Accounts
admin-domain-accounts-unlimited = { $count } (no quota)
admin-domain-accounts-unknown = unknown
admin-domain-accounts-unknown-quota = unknown / { $quota }
admin-domain-mode = Registration
admin-domain-status = Status
admin-domain-active = active
admin-domain-suspended = suspended
admin-domain-pending = waiting for the XMPP server
admin-domain-actions = Actions
admin-suspend = Suspend
admin-suspend-confirm = Suspend { $domain }: logins are refused, data is kept. You can resume it at any time.
admin-suspend-submit = Suspend the domain
admin-resume = Resume

admin-admins-heading = Provider admins
admin-admins-configured = XMPP addresses
admin-admins-configured-none = None.
admin-admins-configured-hint = These addresses are listed in the configuration file (provider_admins): they are changed there, not here.
admin-admins-local = Portal accounts
admin-admins-local-none = None.
admin-admins-username = Username
admin-admins-username-hint = Letters, digits and . _ - only.
admin-admins-password = Password
admin-admins-you = you
admin-admins-remove = Remove
admin-admins-add-heading = Add a provider admin
admin-admins-add-submit = Add the admin
