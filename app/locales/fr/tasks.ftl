# Tâches des propriétaires (app/src/pages/owner/tasks.rs) : une page pour toutes.
task-page-title = Tâche
task-back = Retour au domaine
task-progress-heading = Avancement
task-progress = { $done } sur { $total }
task-progress-unknown = { $done } pour l’instant
task-refreshes = Cette page se met à jour toute seule toutes les quelques secondes jusqu’à la fin de la tâche.
task-retrying = La tentative { $attempts } n’a pas abouti ; la tâche reprendra là où elle s’est arrêtée à { $date }.
task-gave-up = La tâche a été abandonnée.
task-domain = Domaine
task-started-by = Lancée par
task-started-at = Lancée le
task-finished-at = Terminée le
task-report-heading = Compte rendu
task-failures-heading = Ce qui a échoué
task-failures-more = Les { $shown } premiers échecs sur { $failed }.
task-failure-line = ligne { $line } : { $item }
task-state-queued = en attente
task-state-running = en cours
task-state-done = terminée
task-state-failed = abandonnée
# Chaque sorte : son titre et la ligne de son compte rendu ($succeeded, $failed, $total).
task-kind-announcement = Annonce
task-summary-announcement = { $succeeded ->
    [0] Envoyée à aucun compte.
    [one] Envoyée à un compte.
   *[other] Envoyée à { $succeeded } comptes.
}
