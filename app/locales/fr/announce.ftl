# Annonces (app/src/pages/owner/announce.rs).
announce-title = Annonce
announce-back = Retour au domaine
announce-lead = Un court message de discussion à tous les comptes du domaine, de la part du domaine lui-même : les personnes connectées le reçoivent tout de suite, les autres à leur prochaine connexion.
announce-form-heading = Message
announce-message = Votre message
announce-message-hint = Jusqu’à { $max } caractères. Vous le verrez avant qu’il parte.
announce-preview = Aperçu
announce-preview-heading = Tel qu’il arrivera
announce-from = De { $from } :
announce-recipients = { $count ->
    [0] Le domaine n’a encore aucun compte.
    [one] Il ira au seul compte du domaine.
   *[other] Il ira aux { $count } comptes du domaine.
}
announce-recipients-unknown = Le nombre de comptes ne peut pas être lu pour l’instant ; le message ira à tous les comptes dès que le serveur XMPP sera revenu.
announce-send = { $count ->
    [0] Envoyer à aucun compte
    [one] Envoyer à 1 compte
   *[other] Envoyer à { $count } comptes
}
announce-send-all = Envoyer à tous les comptes
domain-announce-heading = Annonce
domain-announce-intro = Écrire à tous les comptes du domaine d’un coup.
domain-announce-link = Écrire une annonce
audit-action-announce = Annonce envoyée
