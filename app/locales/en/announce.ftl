# Announcements (app/src/pages/owner/announce.rs).
announce-title = Announcement
announce-back = Back to the domain
announce-lead = A short chat message to every account of the domain, from the domain itself: those online get it at once, the others when they next connect.
announce-form-heading = Message
announce-message = Your message
announce-message-hint = Up to { $max } characters. You will see it before it is sent.
announce-preview = Preview
announce-preview-heading = As it will arrive
announce-from = From { $from }:
announce-recipients = { $count ->
    [0] The domain has no account yet.
    [one] It will go to the domain's one account.
   *[other] It will go to the domain's { $count } accounts.
}
announce-recipients-unknown = The number of accounts cannot be read now; the message will go to every account once the XMPP server is back.
announce-send = { $count ->
    [0] Send to no account
    [one] Send to 1 account
   *[other] Send to { $count } accounts
}
announce-send-all = Send to every account
domain-announce-heading = Announcement
domain-announce-intro = Write to every account of the domain at once.
domain-announce-link = Write an announcement
audit-action-announce = Announcement sent
