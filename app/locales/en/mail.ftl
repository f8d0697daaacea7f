# E-mails the portal sends.
mail-invite-subject = { $inviter } invites you to chat on { $domain }
mail-invite-intro = Hello! { $inviter } invites you to create a chat account on { $domain }, hosted by { $provider }.
mail-invite-how = Open this link on the device you want to chat from: it helps you pick an app and create your account.
mail-invite-button = Accept the invitation
mail-invite-until = This invitation is valid until { $until }.
mail-invite-ignore = If you did not expect this message, you can ignore it: nothing happens without you.
