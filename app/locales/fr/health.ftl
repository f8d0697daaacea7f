health-status-ok = Bon
health-status-warning = Attention
health-status-failing = En panne
