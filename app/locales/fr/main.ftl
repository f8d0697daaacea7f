skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-admin = Administration
nav-login = Se connecter
nav-logout = Se déconnecter
lang-switch-label = Langue
footer-text = Domaine — libre-service pour domaines XMPP hébergés
loading = Chargement…

home-title = Votre domaine XMPP, géré par vous
home-lead = Gérez les comptes, les invitations et les inscriptions des domaines XMPP hébergés ici.
home-go-admin = Aller à l’administration

login-title = Connexion
login-username = Adresse XMPP ou nom d’utilisateur
login-password = Mot de passe
login-submit = Se connecter
login-error-invalid = Nom d’utilisateur ou mot de passe incorrect.

not-found-title = Page introuvable
not-found-text = Cette page n’existe pas, ou plus.
not-found-home = Retour à l’accueil

admin-title = Domaines hébergés
admin-domains-heading = Domaines
admin-no-domains = Aucun domaine n’est encore hébergé.
admin-domain-name = Domaine
admin-domain-created = Ajouté le

create-account-heading = Créer un compte
create-account-domain = Domaine
create-account-username = Nom d’utilisateur
create-account-username-hint = Lettres, chiffres et . _ - uniquement ; l’adresse sera nom@domaine.
create-account-password = Mot de passe
create-account-submit = Créer le compte
account-created = Le compte { $jid } a été créé.

error-not-logged-in = Veuillez d’abord vous connecter.
error-forbidden = Vous n’avez pas le droit de faire cela.
error-stale-form = Ce formulaire a expiré. Rechargez la page et réessayez.
error-invalid-username = Ce nom d’utilisateur n’est pas valide : utilisez des lettres, des chiffres et . _ - (sans espace ni @).
error-password-too-short = Le mot de passe doit comporter au moins { $min } caractères.
error-password-too-long = Le mot de passe doit comporter au plus { $max } caractères.
error-password-rejected = Le serveur XMPP a refusé ce mot de passe ; choisissez-en un autre.
error-account-exists = Ce compte existe déjà.
error-unknown-domain = Ce domaine n’est pas hébergé ici.
error-xmpp-unavailable = Le serveur XMPP est injoignable pour le moment. Rien n’a été modifié ; réessayez dans un instant.
error-xmpp-refused = Le serveur XMPP a refusé cette modification.
error-invitation-not-found = Cette invitation ne peut pas être utilisée : elle a peut-être expiré, déjà servi ou été retirée. Demandez-en une nouvelle à la personne qui vous a invité·e.
error-reset-link-not-found = Ce lien ne peut pas être utilisé : il a peut-être expiré ou déjà servi. Demandez-en un nouveau avec « Mot de passe oublié ? » sur la page de connexion, ou à l’administrateur de votre domaine.
error-invalid-max-uses = Indiquez un nombre d’utilisations entre 1 et { $max }.
error-fixed-username-multi-use = Un nom d’utilisateur imposé ne fonctionne qu’avec une invitation à usage unique.
error-username-not-invited = Cette invitation est prévue pour un autre nom d’utilisateur.
error-contact-not-hosted = Seule une adresse hébergée par ce fournisseur peut être ajoutée en contact.
error-member-invitations-off = Les propriétaires de votre domaine ne permettent pas aux membres d’inviter.
error-member-invitation-cap = Vous avez fait { $cap } invitations ces 30 derniers jours, autant que votre domaine le permet. Vous pourrez inviter de nouveau quand la plus ancienne aura 30 jours.
error-inviter-too-new = Votre compte a été créé par une invitation il y a moins d’un jour : vous pourrez inviter un jour après sa création.
error-invalid-invitation-cap = Saisissez un nombre d’invitations entre 0 et { $max }.
error-registration-closed = Ce domaine n’accepte pas de nouveaux comptes pour le moment.
error-password-mismatch = Les deux mots de passe sont différents.
error-invalid-email = Indiquez une adresse e-mail valide, comme nom@exemple.org.
error-request-not-found = Ce lien ne mène à aucune demande. Il est peut-être mal recopié, ou la demande a été retirée.
error-domain-already-hosted = Ce domaine est déjà hébergé ici.
error-domain-already-requested = Quelqu’un a déjà demandé ce domaine. Si c’est vous, consultez votre boîte mail.
error-provider-domain = Ce nom appartient à l’hébergeur lui-même : choisissez votre propre domaine.
error-required = Ce champ est obligatoire.
error-invalid-choice = Choisissez l’une des options proposées.
error-invalid-text = Ceci contient des caractères qui ne sont pas du texte (le formulaire a été envoyé dans un autre encodage que l’UTF-8). Veuillez le saisir à nouveau.
error-too-long = C’est trop long : { $max } caractères au maximum.
error-too-many-requests = Trop de demandes de votre part pour le moment. Réessayez dans une heure.
error-membership-required = Cet hébergeur n’héberge que les domaines des membres de son association : cochez la case si vous en êtes membre.
error-already-decided = Cette demande a déjà été traitée.
error-cannot-remove-admin = Vous ne pouvez retirer ni votre propre compte, ni le dernier administrateur.
error-admin-exists = Un administrateur porte déjà ce nom.
error-network = Le portail est injoignable. Vérifiez votre connexion et réessayez.
error-internal = Un problème est survenu de notre côté. Rien n’a été perdu ; réessayez.
login-error-throttled = Trop de tentatives échouées. Réessayez dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}.
error-invalid-jid = Ce n’est pas une adresse XMPP valide (elle ressemble à nom@exemple.org).
error-already-owner = Cette adresse possède déjà le domaine.
error-last-owner = Un domaine garde toujours au moins un propriétaire : ajoutez d’abord un autre propriétaire.
error-invalid-quota = Le quota doit être un nombre entier de comptes, ou vide pour aucune limite.
error-quota-reached = Ce domaine a atteint son quota de { $quota } comptes.

domain-title = Domaine
domain-accounts-heading = Comptes
domain-accounts = { $count ->
    [one] Un compte
   *[other] { $count } comptes
}
domain-accounts-of-quota = { $count } comptes sur { $quota }
domain-accounts-unknown = Le serveur XMPP est injoignable : le nombre de comptes est inconnu pour l’instant.
domain-pending = Enregistré, en attente du serveur XMPP (appliqué dès qu’il répond) :
domain-registration-heading = Inscriptions
domain-registration-save = Enregistrer
mode-open = Ouvertes
mode-open-explained = tout le monde peut créer un compte depuis une application XMPP.
mode-invite-only = Sur invitation
mode-invite-only-explained = seules les personnes ayant un lien d’invitation peuvent créer un compte.
mode-closed = Fermées
mode-closed-explained = personne ne peut créer de compte depuis une application ; vous créez les comptes ici.
owners-heading = Propriétaires
owners-address = Adresse XMPP
owners-actions = Actions
owners-remove = Retirer
owners-remove-label = Retirer { $jid } des propriétaires
owners-add-label = Ajouter un propriétaire (adresse XMPP)
owners-add = Ajouter
quota-heading = Quota
quota-label = Nombre maximal de comptes
quota-hint = Laissez vide pour ne fixer aucune limite.
quota-save = Enregistrer le quota
audit-heading = Modifications récentes
audit-empty = Aucune modification pour l’instant.
audit-when = Quand
audit-who = Qui
audit-what = Quoi
audit-target = Sur
audit-outcome = Résultat
audit-detail = Détail
audit-done = fait
audit-pending = en attente
audit-failed = échec
audit-action-registration-mode = Mode d’inscription
audit-action-quota = Quota de comptes
audit-action-member-invites = Invitations par les membres
audit-action-add-owner = Propriétaire ajouté
audit-action-remove-owner = Propriétaire retiré
audit-action-add-domain = Domaine ajouté
audit-action-create-account = Compte créé
audit-action-delete-account = Compte supprimé
audit-action-set-password = Nouveau mot de passe
audit-action-lock = Compte bloqué
audit-action-unlock = Compte débloqué
audit-action-end-sessions = Sessions fermées
audit-action-create-reset-link = Lien de réinitialisation créé
audit-action-reset-password = Mot de passe réinitialisé
audit-action-create-invite = Invitation créée
audit-action-revoke-invite = Invitation révoquée
audit-action-email-invite = Invitation envoyée par courriel
audit-action-redeem-invite = Invitation utilisée sur le web
audit-action-change-own-password = Son mot de passe changé
audit-action-end-own-sessions = Ses sessions fermées
audit-action-delete-own-account = Son compte supprimé
audit-action-suspend-domain = Domaine suspendu
audit-action-resume-domain = Domaine rétabli
audit-action-add-provider-admin = Administrateur ajouté
audit-action-remove-provider-admin = Administrateur retiré
audit-action-request-hosting = Hébergement demandé
audit-action-confirm-request = Demande confirmée
audit-action-approve-request = Demande acceptée
audit-action-reject-request = Demande refusée
audit-action-check-health = État vérifié
audit-action-health-changed = État changé
audit-action-issue-certificate = Certificat demandé
audit-action-install-certificate = Certificat installé
audit-action-alert = Alerte envoyée
change-registration-mode = mode d’inscription
change-quota = quota de comptes
change-lock = blocage ou déblocage de
change-revoke-invite = retrait de l’invitation
change-provision-host = mise en place du domaine sur le serveur XMPP
change-suspension = suspension ou rétablissement du domaine
change-certificate = certificat du domaine
change-state-queued = en attente
change-state-running = en cours
change-state-failed = abandonné
domain-change-retrying = { $attempts ->
    [one] Une tentative a échoué ; prochaine le { $date }. Dernière erreur : { $error }
   *[other] { $attempts } tentatives ont échoué ; prochaine le { $date }. Dernière erreur : { $error }
}
domain-change-failed = Le serveur XMPP a refusé ce changement : { $error }. Une fois la cause corrigée, relancez-le.
domain-change-retry = Réessayer maintenant
domain-change-retry-label = Réessayer maintenant : { $change }
login-username-hint = Votre adresse XMPP (nom@exemple.org) et son mot de passe, ou votre nom d’administrateur de l’hébergeur.
login-error-unavailable = Le serveur XMPP est injoignable pour le moment, votre mot de passe ne peut pas être vérifié. Réessayez dans un instant.
login-error-unreadable = Le formulaire n’a pas pu être lu : un champ contient des caractères qui ne sont pas du texte (il a été envoyé dans un autre encodage que l’UTF-8), ou il manque. Veuillez saisir à nouveau votre adresse et votre mot de passe.
home-my-account = Mon compte
home-my-domains = Vos domaines
me-title = Mon compte
me-password-heading = Changer mon mot de passe
me-current-password = Mot de passe actuel
me-new-password = Nouveau mot de passe
me-password-submit = Changer le mot de passe
me-password-changed = Votre mot de passe a été changé. Vos applications XMPP vous demanderont le nouveau.
me-sessions-heading = Applications connectées
me-sessions-explained = Déconnectez toutes les applications connectées à votre compte, par exemple après la perte d’un téléphone.
me-sessions-submit = Déconnecter toutes mes applications
me-sessions-ended = Toutes vos applications ont été déconnectées.
me-delete-heading = Supprimer mon compte
me-delete-explained = Votre compte, vos contacts et les messages conservés sur le serveur sont supprimés définitivement.
me-delete-confirm = Pour confirmer, tapez votre adresse { $jid }
me-delete-submit = Supprimer définitivement mon compte
me-deleted = Le compte a été supprimé.
error-wrong-password = Le mot de passe actuel est incorrect.
error-confirmation-mismatch = Le texte tapé ne correspond pas : rien n’a été supprimé.
domain-manage-accounts = Gérer les comptes
accounts-title = Comptes
accounts-heading = Comptes de { $domain }
accounts-back = Retour au domaine
accounts-list-heading = Tous les comptes
accounts-count = { $count ->
    [one] Un compte
   *[other] { $count } comptes
}
accounts-count-of-quota = { $count } comptes sur { $quota } (quota)
accounts-count-unknown = Le nombre de comptes est inconnu pour le moment.
accounts-count-unknown-quota = Le nombre de comptes est inconnu pour le moment (quota : { $quota }).
accounts-unavailable = Le serveur XMPP est injoignable pour le moment : impossible d’afficher les comptes. Les verrouillages et déverrouillages sont enregistrés et appliqués dès son retour.
accounts-pending = Enregistré, en attente du serveur XMPP (appliqué dès qu’il répond) :
accounts-pending-lock = verrouillage de { $jid }…
accounts-pending-unlock = déverrouillage de { $jid }…
accounts-search-label = Rechercher par nom d’utilisateur
accounts-search-submit = Rechercher
accounts-search-clear = Afficher tous les comptes
accounts-matching = { $count ->
    [one] Un compte correspond à « { $query } ».
   *[other] { $count } comptes correspondent à « { $query } ».
}
accounts-sort-label = Ordre
accounts-sort-username = Par nom d’utilisateur
accounts-sort-activity = Les moins actifs d’abord
accounts-inactive-label = Pas vu depuis
accounts-inactive-any = Peu importe
accounts-inactive-months = { $months ->
    [one] 1 mois ou plus
    [12] 1 an ou plus
   *[other] { $months } mois ou plus
}
accounts-matching-inactive = { $count ->
    [one] Un compte pas vu depuis { $months } mois ou plus (ou jamais).
   *[other] { $count } comptes pas vus depuis { $months } mois ou plus (ou jamais).
}
accounts-empty = Aucun compte pour l’instant.
accounts-no-match = Aucun compte ne correspond à cette recherche.
accounts-col-address = Adresse
accounts-col-last-active = Dernière activité
accounts-col-status = État
accounts-col-actions = Actions
accounts-never = jamais
accounts-badge-active = actif
accounts-badge-locked = verrouillé
accounts-badge-locking = verrouillage…
accounts-badge-unlocking = déverrouillage…
accounts-badge-service = compte du portail
accounts-service-hint = Utilisé par le portail lui-même
accounts-manage = Gérer
accounts-end-sessions = Fermer les sessions
accounts-lock = Verrouiller
accounts-unlock = Déverrouiller
accounts-password-legend = Nouveau mot de passe
accounts-password-generate = Générer un mot de passe (affiché une seule fois)
accounts-password-choose = Choisir le mot de passe
accounts-password-label = Mot de passe (si vous le choisissez)
accounts-password-submit = Définir le mot de passe
accounts-delete-confirm = Pour supprimer définitivement ce compte et ses données, tapez son nom d’utilisateur : { $username }
accounts-delete-submit = Supprimer
accounts-pagination = Pages
accounts-previous = Précédente
accounts-next = Suivante
accounts-page-label = Page { $page }
accounts-page-of = Page { $page } sur { $pages }
accounts-create-heading = Créer un compte
accounts-create-username = Nom d’utilisateur
accounts-create-username-hint = Lettres, chiffres et . _ - uniquement ; l’adresse sera nom@{ $domain }.
accounts-create-password-legend = Mot de passe
accounts-create-submit = Créer le compte
accounts-shown-password = Voici le mot de passe de { $jid }. Notez-le ou transmettez-le maintenant : il ne sera plus affiché.
accounts-row-error = { $username } : { $message }
accounts-done-created = Le compte { $jid } a été créé.
accounts-done-deleted = Le compte { $jid } a été supprimé.
accounts-done-password = Le mot de passe de { $jid } a été changé ; ses applications doivent se reconnecter avec le nouveau.
accounts-done-locked = Le compte { $jid } est verrouillé : il ne peut plus se connecter.
accounts-done-lock-pending = Le verrouillage de { $jid } est enregistré ; il s’applique dès que le serveur XMPP répond.
accounts-done-unlocked = Le compte { $jid } est déverrouillé.
accounts-done-unlock-pending = Le déverrouillage de { $jid } est enregistré ; il s’applique dès que le serveur XMPP répond.
accounts-done-sessions = Toutes les sessions de { $jid } ont été fermées.
error-unknown-account = Ce compte n’existe pas (ou plus).
error-cannot-lock-own-account = Vous ne pouvez pas verrouiller le compte avec lequel vous êtes connecté.
error-service-account = C’est le compte du portail lui-même : il ne peut pas être modifié ici.
error-invalid-domain-name = Ce n’est pas un nom de domaine valide (il ressemble à exemple.org).
error-host-not-served = Le serveur XMPP ne sert pas encore ce domaine : ajoutez d’abord l’hôte virtuel à Prosody (avec le module de Domaine).
error-domain-exists = Ce domaine est déjà hébergé ici.
add-domain-heading = Ajouter un domaine hébergé
add-domain-explained = L’hôte virtuel doit déjà exister sur le serveur XMPP, avec le module de Domaine.
add-domain-name = Nom de domaine
add-domain-owner = Premier propriétaire (adresse XMPP, facultatif)
add-domain-submit = Ajouter le domaine
audit-all = Tout l’historique
audit-page-title = Historique des modifications
audit-filter-domain = Domaine
audit-filter-action = Action
audit-filter-any-action = Toutes les actions
audit-filter-submit = Filtrer

domain-invites-heading = Invitations
domain-invites-pending = { $count ->
    [0] Aucune invitation en attente.
    [one] Une invitation en attente.
   *[other] { $count } invitations en attente.
}
domain-manage-invites = Gérer les invitations

# Request bodies over the form limit (server/src/web/body_limit.rs).
error-too-large = Ce formulaire est trop volumineux (plus de 64 Ko) : rien n’a été enregistré. Revenez en arrière, raccourcissez le texte saisi et réessayez.
too-large-home = Page d’accueil

# Connexion à deux facteurs
login-code = Code de votre application d’authentification
login-code-hint = Les 6 chiffres que votre application affiche en ce moment pour ce portail.
login-recovery-code = Code de secours
login-recovery-code-hint = L’un des codes de secours conservés lors de l’activation de la connexion à deux facteurs. Chacun ne sert qu’une fois.
login-use-recovery-code = Utiliser plutôt un code de secours
login-use-app-code = Utiliser plutôt un code de l’application
login-code-submit = Continuer
login-error-code = Code incorrect, ou déjà utilisé. Saisissez le code que votre application affiche maintenant.
login-error-expired = La connexion a pris trop de temps. Saisissez à nouveau votre adresse et votre mot de passe.
me-two-factor-heading = Connexion à deux facteurs
me-two-factor-explained = En plus de votre mot de passe, la connexion demande alors un code d’une application d’authentification sur votre téléphone (par exemple Aegis, FreeOTP ou Google Authenticator) : un mot de passe volé ne suffit plus.
me-two-factor-start = Activer la connexion à deux facteurs
me-two-factor-required = Votre hébergeur exige la connexion à deux facteurs pour votre compte : activez-la pour continuer.
me-two-factor-scan = Scannez ce code QR avec votre application d’authentification, puis saisissez le code qu’elle affiche.
me-two-factor-qr = Code QR à scanner avec une application d’authentification
me-two-factor-secret = Ou saisissez cette clé dans l’application :
me-two-factor-code = Code de votre application
me-two-factor-confirm = Activer la connexion à deux facteurs
me-two-factor-recovery-codes = Gardez ces codes de secours en lieu sûr : chacun permet de vous connecter une fois sans votre téléphone. Ils ne sont affichés que maintenant.
me-two-factor-on = La connexion à deux facteurs est active. { $left ->
    [one] Il reste un code de secours.
   *[other] Il reste { $left } codes de secours.
}
me-two-factor-remove-explained = Pour la désactiver, donnez un code de votre application (ou un code de secours), ou votre mot de passe.
me-two-factor-remove = Désactiver la connexion à deux facteurs
me-two-factor-turned-on = La connexion à deux facteurs est active.
me-two-factor-turned-off = La connexion à deux facteurs est désactivée.
error-wrong-code = Code incorrect, ou déjà utilisé.
audit-action-enable-two-factor = Connexion à deux facteurs activée
audit-action-disable-two-factor = Connexion à deux facteurs désactivée
audit-action-use-recovery-code = Connexion avec un code de secours à deux facteurs
