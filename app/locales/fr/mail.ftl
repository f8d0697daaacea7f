# Les e-mails que le portail envoie.
mail-invite-subject = { $inviter } vous invite à discuter sur { $domain }
mail-invite-intro = Bonjour ! { $inviter } vous invite à créer un compte de messagerie sur { $domain }, hébergé par { $provider }.
mail-invite-how = Ouvrez ce lien sur l’appareil avec lequel vous voulez discuter : il vous aide à choisir une application et à créer votre compte.
mail-invite-button = Accepter l’invitation
mail-invite-until = Cette invitation est valable jusqu’au { $until }.
mail-invite-ignore = Si vous n’attendiez pas ce message, vous pouvez l’ignorer : rien ne se passe sans vous.
