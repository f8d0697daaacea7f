## Bulk work on accounts: errors
error-cannot-delete-own-account = The account you are logged in with is left out: delete it from your own page.
error-nothing-selected = Tick at least one account, or choose all the matching accounts.
error-too-many-addresses = A list may hold up to { $max } addresses: split it and send the rest afterwards.
error-duplicate-address = The same address as line { $line }: invited once.

## The deletion notice
mail-bulk-deleted-subject = Your account { $jid } was deleted
mail-bulk-deleted-intro = The owners of { $domain } deleted your account { $jid } on { $provider }, with its contacts and messages stored on the server.
mail-bulk-deleted-why = You receive this because this address was the account's recovery address; it is forgotten with the account.
audit-action-start-bulk = Bulk work started

## The accounts console's bulk form
accounts-col-select = Select
accounts-select = Select { $jid }
bulk-heading = Several accounts at once
bulk-explained = Lock or delete the accounts ticked in the table, or all those the search and filter match, on every page. The work runs in the background: its page shows how far it got, then what was done.
bulk-scope-legend = Which accounts
bulk-scope-ticked = The accounts ticked on this page
bulk-scope-all-matching = All { $count } matching accounts, on every page
bulk-scope-all = All { $count } accounts of the domain
bulk-action-legend = What to do
bulk-action-lock = Lock them (they cannot log in; their data stays)
bulk-action-delete = Delete them, with their data
bulk-action-invite = Invite
bulk-confirm-label = To delete, type the domain's name: { $domain }
bulk-notify = When deleting, tell by e-mail the accounts that have a recovery address
bulk-submit = Apply

## The invitations page's bulk form
bulk-invite-heading = Invite a list of people
bulk-invite-explained = Each address gets its own single-use invitation by e-mail, valid a week; up to { $max } addresses at once. Lines that are not an address are reported with their number.
bulk-invite-addresses = Addresses, one per line
bulk-invite-addresses-hint = Paste them from a spreadsheet or an address book; blank lines are skipped.
bulk-invite-file = Or a file (CSV or text)
bulk-invite-file-hint = The address column is the one headed "email" (or "courriel"), else the first cell with an @. A file takes the place of the pasted list.
bulk-invite-submit = Send the invitations

## The task page of bulk work (see tasks.ftl)
task-kind-bulk-lock = Locking accounts
task-summary-bulk-lock = { $succeeded ->
    [0] No account locked
    [one] One account locked
   *[other] { $succeeded } accounts locked
}, { $failed ->
    [0] none left out.
    [one] one left out.
   *[other] { $failed } left out.
}
task-kind-bulk-delete = Deleting accounts
task-summary-bulk-delete = { $succeeded ->
    [0] No account deleted
    [one] One account deleted
   *[other] { $succeeded } accounts deleted
}, { $failed ->
    [0] none left out.
    [one] one left out.
   *[other] { $failed } left out.
}
task-kind-bulk-invite = Inviting a list
task-summary-bulk-invite = { $succeeded ->
    [0] No invitation sent
    [one] One invitation sent by e-mail
   *[other] { $succeeded } invitations sent by e-mail
}; { $failed ->
    [0] every line was an address.
    [one] one line left out.
   *[other] { $failed } lines left out.
}
