## Demandes d’hébergement : le formulaire public, le lien de confirmation, la file des
## administrateurs, et la console de l’hébergeur.

home-request-heading = Faites héberger votre domaine chez nous
home-request-text = Vous avez un nom de domaine et aimeriez vos propres adresses XMPP dessus ? Demandez-nous de l’héberger.
home-request-link = Faire héberger mon domaine

request-title = Demander l’hébergement de votre domaine
request-heading = Faites héberger votre domaine XMPP par { $provider }
request-lead = Votre propre nom de domaine pour vos adresses XMPP (vous@votre-domaine.org), géré par vous : comptes, invitations, inscriptions.
request-step-form = Remplissez le formulaire ci-dessous.
request-step-mail = Confirmez votre demande avec le lien que nous vous envoyons par e-mail.
request-step-review = Les administrateurs de l’hébergeur étudient votre demande et vous annoncent leur décision par e-mail.
request-form-heading = Votre demande
request-domain = Nom de domaine
request-domain-hint = Le domaine dont vous êtes titulaire, comme exemple.org. Les noms accentués (café.exemple) sont les bienvenus. Il faudra ajouter quelques enregistrements à sa zone DNS.
request-name = Votre nom
request-email = Votre adresse e-mail
request-email-hint = Nous y envoyons le lien de confirmation, puis la décision.
request-xmpp = Votre adresse XMPP (facultatif)
request-xmpp-hint = Si vous en avez une (nom@exemple.org), elle devient l’administratrice de votre domaine. Sinon, vous recevrez une invitation à créer votre compte sur votre nouveau domaine.
request-member = Je suis membre de l’association
request-member-hint = Certains hébergeurs n’hébergent que les membres de leur association ; si c’est le cas ici, le formulaire vous le dira.
request-message = Message aux administrateurs (facultatif)
request-message-hint = Pour qui est ce domaine, combien de comptes vous prévoyez… { $max } caractères au maximum.
request-honeypot = Laissez ce champ vide (il sert à piéger les robots)
request-submit = Envoyer ma demande

request-sent-title = Consultez votre boîte mail
request-sent-text = Nous vous avons envoyé un e-mail : cliquez sur le lien qu’il contient pour confirmer votre demande. Rien n’est transmis aux administrateurs avant votre confirmation.
request-sent-spam = Pas d’e-mail après quelques minutes ? Regardez dans vos indésirables, ou renvoyez le formulaire avec la bonne adresse.

request-confirm-title = Votre demande d’hébergement
request-confirm-heading = Votre demande d’hébergement de { $domain }
request-status = État :
request-confirm-step = Une dernière étape
request-confirm-explained = Confirmez que vous avez demandé l’hébergement de { $domain } : votre demande part alors chez les administrateurs de l’hébergeur.
request-confirm-submit = Confirmer ma demande
request-confirmed-queue = Votre demande est confirmée et dans la file des administrateurs. Ils vous annonceront leur décision par e-mail.
request-confirmed-approved = Votre demande a été acceptée. Consultez votre boîte mail pour la suite.
request-confirmed-rejected = Votre demande n’a pas été retenue ; le motif vous a été envoyé par e-mail.
request-dns-heading = Préparez la zone DNS de votre domaine
request-dns-explained = Pour que les applications et serveurs XMPP trouvent { $domain } ici, ajoutez ces enregistrements à sa zone DNS (chez votre registraire ou votre hébergeur DNS). Vous pouvez le faire dès maintenant : les administrateurs les vérifient avant d’accepter.
request-gone-title = Demande inconnue
request-gone-new = Faire une nouvelle demande

dns-records-srv = Les enregistrements SRV (recommandé) :
dns-records-srv-label = Enregistrements SRV
dns-records-alternative = Ou bien, si votre domaine ne sert qu’à XMPP, cet enregistrement CNAME à la place :
dns-records-cname-label = Enregistrement CNAME
dns-records-hint = Copiez ces lignes dans votre zone DNS ; certains hébergeurs DNS demandent chaque champ séparément (nom, type, priorité, poids, port, cible).

requests-status-unconfirmed = Non confirmées
requests-status-to-review = À examiner
requests-status-approved = Acceptées
requests-status-rejected = Refusées

requests-title = Demandes d’hébergement
requests-detail-title = Demande d’hébergement
requests-back-console = Retour à la console
requests-back-queue = Retour aux demandes
requests-tabs-label = Demandes par état
requests-empty = Aucune demande ici.
requests-col-domain = Domaine
requests-col-requester = Demandeur
requests-col-email = E-mail
requests-col-xmpp = Adresse XMPP
requests-col-member = Membre
requests-col-dates = Dates
requests-yes = oui
requests-no = non
requests-date-created = envoyée le { $date }
requests-date-confirmed = confirmée le { $date }
requests-date-decided = traitée le { $date }
requests-provisioning-pending = en attente du serveur XMPP
requests-provisioning-pending-explained = Le serveur XMPP était injoignable : le domaine y sera créé dès qu’il répondra.
requests-facts-heading = La demande
requests-fact-created = Envoyée le
requests-fact-confirmed = Confirmée le
requests-no-xmpp = aucune (une invitation de propriétaire est envoyée par e-mail à l’acceptation)
requests-message-heading = Message
requests-no-message = Aucun message.
requests-unconfirmed-explained = Le demandeur n’a pas encore confirmé son adresse e-mail : la demande pourra être traitée une fois confirmée.

requests-dns-heading = État du DNS
requests-dns-ready = prêt
requests-dns-ready-explained = Le domaine pointe vers notre serveur.
requests-dns-partial = en partie prêt
requests-dns-partial-explained = Certains enregistrements existent, mais ils ne pointent pas tous vers notre serveur.
requests-dns-not-ready = pas prêt
requests-dns-not-ready-explained = Le domaine ne pointe pas encore vers notre serveur.
requests-dns-unavailable = inconnu
requests-dns-unavailable-explained = Le DNS n’a pas pu être interrogé pour le moment ; rechargez la page pour vérifier à nouveau.
requests-dns-findings = Ce que dit le DNS
requests-dns-no-findings = Aucun enregistrement trouvé.
requests-dns-records = Les enregistrements que le demandeur doit ajouter

requests-approve-heading = Accepter
requests-approve-explained = Le domaine est créé avec ce quota et mis en place sur le serveur XMPP ; le demandeur est prévenu par e-mail.
requests-approve-submit = Accepter et créer le domaine
requests-reject-heading = Refuser
requests-reject-reason = Motif
requests-reject-hint = Obligatoire. Il est envoyé par e-mail au demandeur tel que vous l’écrivez.
requests-reject-submit = Refuser la demande
requests-done-approved = La demande a été acceptée.
requests-done-rejected = La demande a été refusée et le demandeur en a reçu le motif.
requests-decided-approved = Acceptée
requests-decided-approved-by = Acceptée par { $who } le { $date }.
requests-decided-rejected = Refusée
requests-decided-rejected-by = Refusée par { $who } le { $date }.
requests-decided-reason = Motif donné
requests-open-domain = Ouvrir le domaine

admin-requests-link = { $count ->
    [0] Demandes d’hébergement
    [one] Demandes d’hébergement (une à examiner)
   *[other] Demandes d’hébergement ({ $count } à examiner)
}
admin-domain-owners = Propriétaires
admin-domain-no-owner = aucun
admin-domain-accounts = Comptes
admin-domain-accounts-unlimited = { $count } (sans quota)
admin-domain-accounts-unknown = inconnu
admin-domain-accounts-unknown-quota = inconnu / { $quota }
admin-domain-mode = Inscriptions
admin-domain-status = État
admin-domain-active = actif
admin-domain-suspended = suspendu
admin-domain-pending = en attente du serveur XMPP
admin-domain-actions = Actions
admin-suspend = Suspendre
admin-suspend-confirm = Suspendre { $domain } : les connexions sont refusées, les données sont conservées. Vous pourrez le réactiver à tout moment.
admin-suspend-submit = Suspendre le domaine
admin-resume = Réactiver

admin-admins-heading = Administrateurs de l’hébergeur
admin-admins-configured = Adresses XMPP
admin-admins-configured-none = Aucune.
admin-admins-configured-hint = Ces adresses figurent dans le fichier de configuration (provider_admins) : c’est là qu’on les modifie, pas ici.
admin-admins-local = Comptes du portail
admin-admins-local-none = Aucun.
admin-admins-username = Nom d’utilisateur
admin-admins-username-hint = Lettres, chiffres et . _ - uniquement.
admin-admins-password = Mot de passe
admin-admins-you = vous
admin-admins-remove = Retirer
admin-admins-add-heading = Ajouter un administrateur
admin-admins-add-submit = Ajouter l’administrateur
