# What new users see: the invitation's landing page, the welcome page, password reset links.
invite-title = Your invitation
invite-gone-title = This invitation is not valid
invite-heading = { $inviter } invites you to { $domain }
invite-lead = Your chat account will be hosted by { $provider }. This invitation is valid until { $until }.
invite-step-app = 1. Install an app
invite-step-open = 2. Open the invitation in the app
invite-open-explained = Once the app is installed, this button opens it with your invitation: the app creates your account and you can start chatting.
invite-open-app = Open in my app
invite-other-device = Continue on another device
invite-scan = Scan this code with your phone's camera to open this page there.
invite-qr-alt = QR code of this invitation page
invite-step-web = Or create your account on the web
invite-web-explained = If your app cannot open the invitation, create your account here, then log in to the app with your address and password.
invite-username = Username
invite-username-available = { $jid } is available.
invite-create-account = Create my account

password-new = Password
password-confirm = Password again
password-hint = At least { $min } characters. A few random words make a strong password that is easy to remember.
password-strength-weak = Strength: weak.
password-strength-fair = Strength: fair.
password-strength-strong = Strength: strong.

welcome-title = Welcome
welcome-heading = Your account is ready
welcome-reset-heading = Your new password is set
welcome-address = Your chat address:
welcome-next = Start chatting
welcome-next-explained = Open your XMPP app and log in with this address and your password. No app yet? Pick one below.
welcome-open-app = Open my app

reset-title = New password
reset-gone-title = This link is not valid
reset-heading = Choose a new password
reset-valid-until = This link works until { $until }.
reset-explained = Your old password stops working and your apps are disconnected: log in again with the new one.
reset-submit = Set my new password

apps-for-platform = Recommended for { $platform }:
apps-other-platforms = Apps for other devices
apps-all-platforms = Apps for every device
apps-get = Get { $app }
app-conversations = Easy and secure, the reference app on Android.
app-conversations-fdroid = The same app, from the free software store F-Droid.
app-monocles = Based on Conversations, with a few extras.
app-monal = For iPhone, iPad and Mac.
app-siskin = Another good app for iPhone and iPad.
app-dino = Modern and simple, for Linux.
app-gajim = Full-featured, for Windows and Linux.
app-beagle = A native app for macOS.
app-movim = In your web browser, on a Movim instance.
