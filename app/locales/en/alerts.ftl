# Alerts about a hosted domain's health (server/src/alerts/).
alert-subject = [{ $provider }] { $domain }: { $summary }
alert-summary-check = { $check } is failing
alert-summary-expiring = { $days ->
    [one] the certificate of { $name } expires in { $days } day
   *[other] the certificate of { $name } expires in { $days } days
}
alert-summary-expired = the certificate of { $name } has expired
alert-summary-renewal = the certificate of { $name } cannot be renewed
alert-intro = { $provider } watches { $domain } and found a problem that needs attention:
alert-check-found = Found: { $found }
alert-check-expected = Expected: { $expected }
alert-expiring-detail = Once it has expired, apps and other servers refuse to connect to { $name }. The domain's health page shows what stands in the way of its renewal.
alert-renewal-detail = The last attempt failed: { $error }
alert-reminder = This is a reminder: the problem has lasted for a week.
alert-button = See the domain's health
alert-footer = You receive this because you own { $domain } or run { $provider }. You will be told again only if it changes, or in a week if it lasts.
alert-chat = { $sign } { $domain }: { $summary }. { $link }
