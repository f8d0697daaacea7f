# Les e-mails que le portail envoie.
mail-invite-subject = { $inviter } vous invite à discuter sur { $domain }
mail-invite-intro = Bonjour ! { $inviter } vous invite à créer un compte de messagerie sur { $domain }, hébergé par { $provider }.
mail-invite-how = Ouvrez ce lien sur l’appareil avec lequel vous voulez discuter : il vous aide à choisir une application et à créer votre compte.
mail-invite-button = Accepter l’invitation
mail-invite-until = Cette invitation est valable jusqu’au { $until }.
mail-invite-ignore = Si vous n’attendiez pas ce message, vous pouvez l’ignorer : rien ne se passe sans vous.
mail-footer = { $provider }

mail-request-confirm-subject = Confirmez votre demande d’hébergement de { $domain }
mail-request-confirm-intro = Bonjour { $name }, vous avez demandé à { $provider } d’héberger le domaine XMPP { $domain }. Confirmez que cette adresse e-mail est bien la vôtre, et votre demande sera transmise aux administrateurs.
mail-request-confirm-button = Confirmer ma demande
mail-request-confirm-ignore = Si vous n’avez rien demandé, ignorez ce message : rien ne se passe sans votre confirmation.

mail-request-new-subject = Nouvelle demande d’hébergement : { $domain }
mail-request-new-intro = { $requester } demande l’hébergement de { $domain }. La demande attend votre examen.
mail-request-new-button = Examiner la demande
chat-request-new = Nouvelle demande d’hébergement : { $domain }, de { $requester }. { $link }

mail-request-rejected-subject = Votre demande d’hébergement de { $domain }
mail-request-rejected-intro = Bonjour { $name }, { $provider } ne peut pas héberger { $domain }. Motif indiqué :

mail-request-approved-subject = { $domain } est hébergé par { $provider }
mail-request-approved-intro = Bonjour { $name }, bonne nouvelle : { $provider } héberge désormais le domaine XMPP { $domain }.
mail-request-approved-invite = Créez votre compte sur ce domaine avec le lien ci-dessous : vous en serez le propriétaire, et pourrez inviter des personnes et gérer ses comptes.
mail-request-approved-button = Créer mon compte de propriétaire
mail-request-approved-owner = Vous en êtes le propriétaire : connectez-vous au portail avec votre adresse XMPP pour inviter des personnes et gérer ses comptes.
