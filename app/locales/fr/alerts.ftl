# Alertes sur la santé d'un domaine hébergé (server/src/alerts/).
alert-subject = [{ $provider }] { $domain } : { $summary }
alert-summary-check = { $check } est en échec
alert-summary-expiring = { $days ->
    [one] le certificat de { $name } expire dans { $days } jour
   *[other] le certificat de { $name } expire dans { $days } jours
}
alert-summary-expired = le certificat de { $name } a expiré
alert-summary-renewal = le certificat de { $name } ne peut pas être renouvelé
alert-intro = { $provider } surveille { $domain } et y a trouvé un problème à régler :
alert-check-found = Trouvé : { $found }
alert-check-expected = Attendu : { $expected }
alert-expiring-detail = Une fois expiré, les applications et les autres serveurs refusent de se connecter à { $name }. La page de santé du domaine montre ce qui empêche son renouvellement.
alert-renewal-detail = La dernière tentative a échoué : { $error }
alert-reminder = Ceci est un rappel : le problème dure depuis une semaine.
alert-button = Voir la santé du domaine
alert-footer = Vous recevez ce message parce que vous êtes propriétaire de { $domain } ou que vous gérez { $provider }. Vous ne serez prévenu à nouveau que si la situation change, ou dans une semaine si elle dure.
alert-chat = { $sign } { $domain } : { $summary }. { $link }
