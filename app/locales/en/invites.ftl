# The invitations page of a domain (/domains/NAME/invites).
invites-title = Invitations
invites-heading = Invitations to { $domain }
invites-back = Back to the domain
invites-unsynced = The XMPP server cannot be reached right now: the uses shown may be out of date.
invites-registration-closed = Registration is closed on this domain: nobody can use an invitation until you open it again (by invitation or open to all).
invites-registration-closed-link = Change registration on the domain’s page
invites-create-closed = Invitations cannot be made while registration is closed.

invites-done-created = The invitation was created.
invites-done-revoked = The invitation was withdrawn: its link no longer works.
invites-done-emailed = The invitation is on its way by e-mail to { $email }.
invites-done-emailed-unknown = The invitation is on its way by e-mail.

invites-create-heading = Invite someone
invites-uses-legend = Who can use it
invites-uses-single = One person (single use)
invites-uses-multi = Several people (for a group or an event)
invites-max-uses = Maximum number of uses (several people)
invites-max-uses-hint = Between 1 and { $max }. Ignored for a single-use invitation.
invites-validity = Valid for
invites-validity-hour = 1 hour
invites-validity-day = 1 day
invites-validity-week = 1 week
invites-validity-four-weeks = 4 weeks
invites-username = Username (optional)
invites-username-hint = Leave empty to let the new user choose. If you fill it in, only this address can be created, and the invitation is single-use.
invites-note = Note (optional)
invites-note-hint = For your records, e.g. who it is for. Only the domain’s owners see it.
invites-add-contact = Add me ({ $jid }) as a contact
invites-add-contact-hint = You and the new user see each other in your contact lists at once, without having to ask.
invites-email = Send it by e-mail (optional)
invites-email-hint = The e-mail address of the person you invite. You can also share the link yourself.
invites-email-locale = Language of the e-mail
invites-create-submit = Create the invitation

invites-created-heading = Your new invitation
invites-link-label = Invitation link
invites-created-share-single = Send this link by any means you like: a message, an e-mail, a text, on paper… Whoever opens it can create one account on { $domain } until { $until }.
invites-created-share-multi = Send this link by any means you like: a message, an e-mail, a text, on paper… Up to { $max } people can create an account on { $domain } with it until { $until }.
invites-created-email = An e-mail with this link is on its way to { $email }.
invites-qr-alt = QR code of the invitation link
invites-qr-caption = Or let them scan this code with their phone.

invites-list-heading = All invitations
invites-empty = No invitations yet.
invites-none-pending = No invitation is waiting to be used.
invites-group-pending = { $count ->
    [one] Waiting to be used (1)
   *[other] Waiting to be used ({ $count })
}
invites-group-used = { $count ->
    [one] Used (1)
   *[other] Used ({ $count })
}
invites-group-expired = { $count ->
    [one] Expired (1)
   *[other] Expired ({ $count })
}
invites-group-revoked = { $count ->
    [one] Withdrawn (1)
   *[other] Withdrawn ({ $count })
}
invites-state-pending = waiting
invites-state-used = used
invites-state-expired = expired
invites-state-revoked = withdrawn
invites-title-single = Single-use invitation
invites-title-multi = Invitation for up to { $max } people
invites-title-for = Invitation for { $jid }
invites-fact-created = Created
invites-created-by = { $date } by { $who }
invites-fact-valid-until = Valid until
invites-fact-uses = Uses
invites-fact-accounts = Accounts created
invites-accounts-none = none yet
invites-fact-username = Username
invites-fact-note = Note
invites-fact-contact = Becomes a contact of
invites-fact-email = Sent by e-mail to
invites-mail-queued = queued
invites-mail-queued-first = Being sent.
invites-mail-queued-retrying = { $attempts ->
    [one] One attempt failed; trying again soon. Last error: { $error }
   *[other] { $attempts } attempts failed; trying again soon. Last error: { $error }
}
invites-mail-queued-retrying-unknown = { $attempts ->
    [one] One attempt failed; trying again soon.
   *[other] { $attempts } attempts failed; trying again soon.
}
invites-mail-sent = sent
invites-mail-sent-at = Sent on { $date }.
invites-mail-failed = not sent
invites-mail-failed-after = { $attempts ->
    [one] Not sent after one attempt: { $error }
   *[other] Not sent after { $attempts } attempts: { $error }
}
invites-mail-retry = Try sending again
invites-qr-show = Show the QR code
invites-email-show = Send by e-mail
invites-email-address = E-mail address
invites-email-submit = Send the invitation
invites-revoke-show = Withdraw…
invites-revoke-confirm = Its link stops working at once. Accounts already created with it are kept.
invites-revoke-submit = Withdraw this invitation

# Password reset links, on the accounts console of a domain.
accounts-reset-link = Make a password reset link
accounts-done-reset-link = A password reset link for { $jid } is ready: copy it from “Password reset links” now (it is shown only once) and send it to its user.
accounts-reset-links-heading = Password reset links
accounts-reset-links-explained = Each link works once, for 24 hours. Send it to the account’s user by any means; with it they choose a new password themselves.
accounts-reset-links-for = For { $jid }
accounts-reset-links-until = Valid until { $date }.
accounts-reset-links-once = Copy it now: it is shown only this once, as the portal keeps no copy of it.
accounts-reset-links-hidden = Its address was shown once, when it was made; if it was lost, make a new link.

## Members inviting people
members-invites-heading = Members inviting people
members-invites-explained = Let the members of this domain invite friends from their own page. Each invitation is for one person and lasts a week; you see who invited whom on the invitations page.
members-invites-per-member = Invitations per member in 30 days
members-invites-per-member-hint = 0 stops members from inviting. At most { $max }.
members-invites-contact-only = Contact invitations only (the member becomes the new user’s contact)
members-invites-submit = Save
members-invites-off = Members cannot invite people.
members-invites-on = Each member may make { $count } invitations in 30 days.
invites-fact-invited-by = Invited by a member
me-invite-heading = Invite someone
me-invite-explained = Invite a friend to { $domain }: the invitation is for one person and lasts a week. You may make { $cap } invitations in 30 days ({ $used } made). An account created from an invitation can invite others one day after it was created.
me-invite-off = The owners of { $domain } do not let members invite people.
me-invite-wait = Your account was created from an invitation: you can invite people from { $date }.
me-invite-add-contact = Add me as their contact
me-invite-contact-only = You become their contact: your domain allows only contact invitations.
me-invite-email = Send it by e-mail (optional)
me-invite-submit = Create the invitation
me-invite-created = Your invitation was created. Share its link or let your friend scan the code.
me-invite-list-heading = My invitations
me-invite-none = You have not invited anyone yet.
me-invite-accounts = Accounts created: { $accounts }
