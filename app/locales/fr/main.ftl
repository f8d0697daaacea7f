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
login-username = Nom d’utilisateur
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
