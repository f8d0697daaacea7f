# Owner tasks (app/src/pages/owner/tasks.rs): one page for every kind.
task-page-title = Task
task-back = Back to the domain
task-progress-heading = Progress
task-progress = { $done } of { $total }
task-progress-unknown = { $done } done so far
task-refreshes = This page updates itself every few seconds until the task is over.
task-retrying = Attempt { $attempts } did not finish; the task goes on from where it stopped at { $date }.
task-gave-up = The task was given up.
task-domain = Domain
task-started-by = Started by
task-started-at = Started
task-finished-at = Finished
task-report-heading = Report
task-failures-heading = What failed
task-failures-more = The first { $shown } of { $failed } failures.
task-failure-line = line { $line }: { $item }
task-state-queued = waiting
task-state-running = in progress
task-state-done = done
task-state-failed = given up
# Each kind: its title and its report's line ($succeeded, $failed, $total).
task-kind-announcement = Announcement
task-summary-announcement = { $succeeded ->
    [0] Sent to no account.
    [one] Sent to one account.
   *[other] Sent to { $succeeded } accounts.
}
