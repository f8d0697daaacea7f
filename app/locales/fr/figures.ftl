# Les graphiques du tableau de bord d’un domaine (chiffres quotidiens relevés par le portail).
figures-heading = Les douze derniers mois
figures-none = Pas encore de chiffres : le portail les relève une fois par jour.
figures-accounts-title = Comptes et comptes actifs dans la semaine, { $span }
figures-accounts-description = Comptes aujourd’hui : { $accounts } ; actifs ces sept derniers jours : { $active }. Les jours sans chiffres sont des trous dans les courbes.
figures-invitations-title = Invitations faites et utilisées par mois, { $span }
figures-invitations-description = Invitations faites : { $made } ; utilisées : { $used }.
figures-accounts = Comptes
figures-active = Actifs ces 7 derniers jours
figures-made = Invitations faites
figures-used = Invitations utilisées
figures-table = Les chiffres sous forme de tableau
figures-month = Mois
figures-accounts-at-end = Comptes (dernier relevé)
figures-active-at-end = Actifs ces 7 derniers jours (dernier relevé)
