## Actions groupées sur les comptes : erreurs
error-cannot-delete-own-account = Le compte avec lequel vous êtes connecté est laissé de côté : supprimez-le depuis votre propre page.
error-nothing-selected = Cochez au moins un compte, ou choisissez tous les comptes correspondants.
error-too-many-addresses = Une liste peut compter jusqu’à { $max } adresses : découpez-la et envoyez la suite ensuite.
error-duplicate-address = La même adresse qu’à la ligne { $line } : invitée une seule fois.

## L’avis de suppression
mail-bulk-deleted-subject = Votre compte { $jid } a été supprimé
mail-bulk-deleted-intro = Les propriétaires de { $domain } ont supprimé votre compte { $jid } chez { $provider }, avec ses contacts et les messages gardés sur le serveur.
mail-bulk-deleted-why = Vous recevez ce message car cette adresse était l’adresse de récupération du compte ; elle est oubliée avec lui.
audit-action-start-bulk = Action groupée lancée

## Le formulaire groupé de la console des comptes
accounts-col-select = Sélection
accounts-select = Sélectionner { $jid }
bulk-heading = Plusieurs comptes à la fois
bulk-explained = Bloquez ou supprimez les comptes cochés dans le tableau, ou tous ceux que la recherche et le filtre retiennent, sur toutes les pages. Le travail se fait en arrière-plan : sa page montre où il en est, puis ce qui a été fait.
bulk-scope-legend = Quels comptes
bulk-scope-ticked = Les comptes cochés sur cette page
bulk-scope-all-matching = Les { $count } comptes correspondants, sur toutes les pages
bulk-scope-all = Les { $count } comptes du domaine
bulk-action-legend = Que faire
bulk-action-lock = Les bloquer (ils ne peuvent plus se connecter ; leurs données restent)
bulk-action-delete = Les supprimer, avec leurs données
bulk-action-invite = Inviter
bulk-confirm-label = Pour supprimer, tapez le nom du domaine : { $domain }
bulk-notify = En cas de suppression, prévenir par e-mail les comptes qui ont une adresse de récupération
bulk-submit = Appliquer

## Le formulaire groupé de la page des invitations
bulk-invite-heading = Inviter une liste de personnes
bulk-invite-explained = Chaque adresse reçoit sa propre invitation à usage unique par e-mail, valable une semaine ; jusqu’à { $max } adresses à la fois. Les lignes qui ne sont pas une adresse sont signalées avec leur numéro.
bulk-invite-addresses = Adresses, une par ligne
bulk-invite-addresses-hint = Collez-les depuis un tableur ou un carnet d’adresses ; les lignes vides sont ignorées.
bulk-invite-file = Ou un fichier (CSV ou texte)
bulk-invite-file-hint = La colonne des adresses est celle intitulée « email » (ou « courriel »), sinon la première cellule avec un @. Un fichier remplace la liste collée.
bulk-invite-submit = Envoyer les invitations

## La page de tâche des actions groupées (voir tasks.ftl)
task-kind-bulk-lock = Blocage de comptes
task-summary-bulk-lock = { $succeeded ->
    [0] Aucun compte bloqué
    [one] Un compte bloqué
   *[other] { $succeeded } comptes bloqués
}, { $failed ->
    [0] aucun laissé de côté.
    [one] un laissé de côté.
   *[other] { $failed } laissés de côté.
}
task-kind-bulk-delete = Suppression de comptes
task-summary-bulk-delete = { $succeeded ->
    [0] Aucun compte supprimé
    [one] Un compte supprimé
   *[other] { $succeeded } comptes supprimés
}, { $failed ->
    [0] aucun laissé de côté.
    [one] un laissé de côté.
   *[other] { $failed } laissés de côté.
}
task-kind-bulk-invite = Invitation d’une liste
task-summary-bulk-invite = { $succeeded ->
    [0] Aucune invitation envoyée
    [one] Une invitation envoyée par e-mail
   *[other] { $succeeded } invitations envoyées par e-mail
} ; { $failed ->
    [0] chaque ligne était une adresse.
    [one] une ligne laissée de côté.
   *[other] { $failed } lignes laissées de côté.
}
