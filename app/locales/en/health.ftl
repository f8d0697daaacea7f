health-status-ok = OK
health-status-warning = Warning
health-status-failing = Failing
