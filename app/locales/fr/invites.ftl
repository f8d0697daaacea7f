# La page des invitations d’un domaine (/domains/NOM/invites).
invites-title = Invitations
invites-heading = Invitations de { $domain }
invites-back = Retour au domaine
invites-unsynced = Le serveur XMPP est injoignable pour le moment : les utilisations affichées ne sont peut-être pas à jour.
invites-registration-closed = Les inscriptions sont fermées sur ce domaine : personne ne peut utiliser d’invitation tant que vous ne les rouvrez pas (sur invitation ou ouvertes).
invites-registration-closed-link = Modifier les inscriptions sur la page du domaine
invites-create-closed = Impossible de créer des invitations tant que les inscriptions sont fermées.

invites-done-created = L’invitation a été créée.
invites-done-revoked = L’invitation a été retirée : son lien ne fonctionne plus.
invites-done-emailed = L’invitation part par e-mail à { $email }.
invites-done-emailed-unknown = L’invitation part par e-mail.

invites-create-heading = Inviter quelqu’un
invites-uses-legend = Qui peut l’utiliser
invites-uses-single = Une seule personne (usage unique)
invites-uses-multi = Plusieurs personnes (pour un groupe ou un événement)
invites-max-uses = Nombre maximal d’utilisations (plusieurs personnes)
invites-max-uses-hint = Entre 1 et { $max }. Sans effet pour une invitation à usage unique.
invites-validity = Valable pendant
invites-validity-hour = 1 heure
invites-validity-day = 1 jour
invites-validity-week = 1 semaine
invites-validity-four-weeks = 4 semaines
invites-username = Nom d’utilisateur (facultatif)
invites-username-hint = Laissez vide pour que la personne choisisse elle-même. Si vous le remplissez, seule cette adresse pourra être créée, et l’invitation sera à usage unique.
invites-note = Note (facultative)
invites-note-hint = Pour vous en souvenir, par exemple à qui elle est destinée. Seuls les propriétaires du domaine la voient.
invites-add-contact = M’ajouter ({ $jid }) comme contact
invites-add-contact-hint = Vous et la nouvelle personne apparaissez tout de suite dans vos listes de contacts, sans avoir à le demander.
invites-email = L’envoyer par e-mail (facultatif)
invites-email-hint = L’adresse e-mail de la personne invitée. Vous pouvez aussi partager le lien vous-même.
invites-email-locale = Langue de l’e-mail
invites-create-submit = Créer l’invitation

invites-created-heading = Votre nouvelle invitation
invites-link-label = Lien d’invitation
invites-created-share-single = Transmettez ce lien comme vous le souhaitez : message, e-mail, SMS, sur papier… La personne qui l’ouvre peut créer un compte sur { $domain } jusqu’au { $until }.
invites-created-share-multi = Transmettez ce lien comme vous le souhaitez : message, e-mail, SMS, sur papier… Jusqu’à { $max } personnes peuvent créer un compte sur { $domain } avec ce lien jusqu’au { $until }.
invites-created-email = Un e-mail contenant ce lien part à { $email }.
invites-qr-alt = QR code du lien d’invitation
invites-qr-caption = Ou faites scanner ce code avec un téléphone.

invites-list-heading = Toutes les invitations
invites-empty = Aucune invitation pour l’instant.
invites-none-pending = Aucune invitation n’attend d’être utilisée.
invites-group-pending = En attente ({ $count })
invites-group-used = { $count ->
    [one] Utilisée (1)
   *[other] Utilisées ({ $count })
}
invites-group-expired = { $count ->
    [one] Expirée (1)
   *[other] Expirées ({ $count })
}
invites-group-revoked = { $count ->
    [one] Retirée (1)
   *[other] Retirées ({ $count })
}
invites-state-pending = en attente
invites-state-used = utilisée
invites-state-expired = expirée
invites-state-revoked = retirée
invites-title-single = Invitation à usage unique
invites-title-multi = Invitation pour { $max } personnes au plus
invites-title-for = Invitation pour { $jid }
invites-fact-created = Créée
invites-created-by = le { $date } par { $who }
invites-fact-valid-until = Valable jusqu’au
invites-fact-uses = Utilisations
invites-fact-accounts = Comptes créés
invites-accounts-none = aucun pour l’instant
invites-fact-username = Nom d’utilisateur
invites-fact-note = Note
invites-fact-contact = Devient contact de
invites-fact-email = Envoyée par e-mail à
invites-mail-queued = en attente d’envoi
invites-mail-queued-first = Envoi en cours.
invites-mail-queued-retrying = { $attempts ->
    [one] Une tentative a échoué ; nouvel essai bientôt. Dernière erreur : { $error }
   *[other] { $attempts } tentatives ont échoué ; nouvel essai bientôt. Dernière erreur : { $error }
}
invites-mail-queued-retrying-unknown = { $attempts ->
    [one] Une tentative a échoué ; nouvel essai bientôt.
   *[other] { $attempts } tentatives ont échoué ; nouvel essai bientôt.
}
invites-mail-sent = envoyé
invites-mail-sent-at = Envoyé le { $date }.
invites-mail-failed = non envoyé
invites-mail-failed-after = { $attempts ->
    [one] Non envoyé après une tentative : { $error }
   *[other] Non envoyé après { $attempts } tentatives : { $error }
}
invites-mail-retry = Réessayer l’envoi
invites-qr-show = Afficher le QR code
invites-email-show = Envoyer par e-mail
invites-email-address = Adresse e-mail
invites-email-submit = Envoyer l’invitation
invites-revoke-show = Retirer…
invites-revoke-confirm = Son lien cessera aussitôt de fonctionner. Les comptes déjà créés avec elle sont conservés.
invites-revoke-submit = Retirer cette invitation

# Liens de réinitialisation du mot de passe, sur la page des comptes d’un domaine.
accounts-reset-link = Créer un lien de réinitialisation du mot de passe
accounts-done-reset-link = Un lien de réinitialisation du mot de passe de { $jid } est prêt : copiez-le maintenant dans « Liens de réinitialisation » (il n’est affiché qu’une fois) et transmettez-le à la personne.
accounts-reset-links-heading = Liens de réinitialisation du mot de passe
accounts-reset-links-explained = Chaque lien ne sert qu’une fois et reste valable 24 heures. Transmettez-le à la personne qui utilise le compte, par le moyen de votre choix : elle choisira elle-même son nouveau mot de passe.
accounts-reset-links-for = Pour { $jid }
accounts-reset-links-until = Valable jusqu’au { $date }.
accounts-reset-links-once = Copiez-le maintenant : il n’est affiché que cette fois, le portail n’en garde pas de copie.
accounts-reset-links-hidden = Son adresse a été affichée une seule fois, à sa création ; si elle est perdue, créez un nouveau lien.

## Members inviting people
members-invites-heading = Invitations par les membres
members-invites-explained = Permettez aux membres de ce domaine d’inviter des proches depuis leur propre page. Chaque invitation vaut pour une personne et dure une semaine ; la page des invitations montre qui a invité qui.
members-invites-per-member = Invitations par membre sur 30 jours
members-invites-per-member-hint = 0 empêche les membres d’inviter. { $max } au plus.
members-invites-contact-only = Invitations de contact seulement (le membre devient le contact de la nouvelle personne)
members-invites-submit = Enregistrer
members-invites-off = Les membres ne peuvent pas inviter.
members-invites-on = Chaque membre peut faire { $count } invitations sur 30 jours.
invites-fact-invited-by = Invité par un membre
me-invite-heading = Inviter quelqu’un
me-invite-explained = Invitez un proche sur { $domain } : l’invitation vaut pour une personne et dure une semaine. Vous pouvez faire { $cap } invitations sur 30 jours ({ $used } faites). Un compte créé par une invitation peut inviter à son tour un jour après sa création.
me-invite-off = Les propriétaires de { $domain } ne permettent pas aux membres d’inviter.
me-invite-wait = Votre compte a été créé par une invitation : vous pourrez inviter à partir du { $date }.
me-invite-add-contact = M’ajouter à ses contacts
me-invite-contact-only = Vous devenez son contact : votre domaine n’autorise que les invitations de contact.
me-invite-email = L’envoyer par e-mail (facultatif)
me-invite-submit = Créer l’invitation
me-invite-created = Votre invitation a été créée. Partagez son lien ou faites scanner le code.
me-invite-list-heading = Mes invitations
me-invite-none = Vous n’avez encore invité personne.
me-invite-accounts = Comptes créés : { $accounts }
