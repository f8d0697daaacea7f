# E-mails the portal sends.
mail-invite-subject = { $inviter } invites you to chat on { $domain }
mail-invite-intro = Hello! { $inviter } invites you to create a chat account on { $domain }, hosted by { $provider }.
mail-invite-how = Open this link on the device you want to chat from: it helps you pick an app and create your account.
mail-invite-button = Accept the invitation
mail-invite-until = This invitation is valid until { $until }.
mail-invite-ignore = If you did not expect this message, you can ignore it: nothing happens without you.
mail-footer = { $provider }

mail-request-confirm-subject = Confirm your request to host { $domain }
mail-request-confirm-intro = Hello { $name }, you asked { $provider } to host the XMPP domain { $domain }. Confirm that this e-mail address is yours, and your request goes to the provider's admins.
mail-request-confirm-button = Confirm my request
mail-request-confirm-ignore = If you did not ask for this, ignore this message: nothing happens without your confirmation.

mail-request-new-subject = New hosting request: { $domain }
mail-request-new-intro = { $requester } asks to host { $domain }. The request is waiting for your review.
mail-request-new-button = Review the request
chat-request-new = New hosting request: { $domain }, from { $requester }. { $link }

mail-request-rejected-subject = Your request to host { $domain }
mail-request-rejected-intro = Hello { $name }, { $provider } cannot host { $domain }. The reason given:

mail-request-approved-subject = { $domain } is hosted by { $provider }
mail-request-approved-intro = Hello { $name }, good news: { $provider } now hosts the XMPP domain { $domain }.
mail-request-approved-invite = Create your account on it with the link below: you will be the domain's owner, able to invite people and manage its accounts.
mail-request-approved-button = Create my owner account
mail-request-approved-owner = You are its owner: log in to the portal with your XMPP address to invite people and manage its accounts.
