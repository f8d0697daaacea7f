# Ce que voient les nouveaux venus : la page d’invitation, la page d’accueil, les liens de nouveau mot de passe.
invite-title = Votre invitation
invite-gone-title = Cette invitation n’est pas valable
invite-heading = { $inviter } vous invite sur { $domain }
invite-lead = Votre compte de messagerie sera hébergé par { $provider }. Cette invitation est valable jusqu’au { $until }.
invite-step-app = 1. Installez une application
invite-step-open = 2. Ouvrez l’invitation dans l’application
invite-open-explained = Une fois l’application installée, ce bouton l’ouvre avec votre invitation : l’application crée votre compte et vous pouvez commencer à discuter.
invite-open-app = Ouvrir dans mon application
invite-other-device = Continuer sur un autre appareil
invite-scan = Scannez ce code avec l’appareil photo de votre téléphone pour y ouvrir cette page.
invite-qr-alt = Code QR de cette page d’invitation
invite-step-web = Ou créez votre compte sur le web
invite-web-explained = Si votre application ne sait pas ouvrir l’invitation, créez votre compte ici, puis connectez-vous dans l’application avec votre adresse et votre mot de passe.
invite-username = Nom d’utilisateur
invite-username-available = { $jid } est disponible.
invite-create-account = Créer mon compte

password-new = Mot de passe
password-confirm = Mot de passe (à nouveau)
password-hint = Au moins { $min } caractères. Quelques mots pris au hasard font un mot de passe solide et facile à retenir.
password-strength-weak = Solidité : faible.
password-strength-fair = Solidité : moyenne.
password-strength-strong = Solidité : bonne.

welcome-title = Bienvenue
welcome-heading = Votre compte est prêt
welcome-reset-heading = Votre nouveau mot de passe est enregistré
welcome-address = Votre adresse de messagerie :
welcome-next = Commencez à discuter
welcome-next-explained = Ouvrez votre application XMPP et connectez-vous avec cette adresse et votre mot de passe. Pas encore d’application ? Choisissez-en une ci-dessous.
welcome-open-app = Ouvrir mon application

reset-title = Nouveau mot de passe
reset-gone-title = Ce lien n’est pas valable
reset-heading = Choisissez un nouveau mot de passe
reset-valid-until = Ce lien fonctionne jusqu’au { $until }.
reset-explained = Votre ancien mot de passe cesse de fonctionner et vos applications sont déconnectées : reconnectez-vous avec le nouveau.
reset-submit = Enregistrer mon nouveau mot de passe

apps-for-platform = Recommandées pour { $platform } :
apps-other-platforms = Applications pour d’autres appareils
apps-all-platforms = Applications pour tous les appareils
apps-get = Installer { $app }
app-conversations = Simple et sûre, l’application de référence sur Android.
app-conversations-fdroid = La même application, depuis le magasin de logiciels libres F-Droid.
app-monocles = Basée sur Conversations, avec quelques extras.
app-monal = Pour iPhone, iPad et Mac.
app-siskin = Une autre bonne application pour iPhone et iPad.
app-dino = Moderne et simple, pour Linux.
app-gajim = Complète, pour Windows et Linux.
app-beagle = Une application native pour macOS.
app-movim = Dans votre navigateur web, sur une instance Movim.
