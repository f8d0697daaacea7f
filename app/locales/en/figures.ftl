# The charts of a domain's dashboard (daily figures the portal records).
figures-heading = The last twelve months
figures-none = No figures yet: the portal records them once a day.
figures-accounts-title = Accounts and weekly active accounts, { $span }
figures-accounts-description = Accounts now: { $accounts }; active in the last seven days: { $active }. Days without figures are gaps in the lines.
figures-invitations-title = Invitations made and used by month, { $span }
figures-invitations-description = Invitations made: { $made }; used: { $used }.
figures-accounts = Accounts
figures-active = Active in the last 7 days
figures-made = Invitations made
figures-used = Invitations used
figures-table = The figures as a table
figures-month = Month
figures-accounts-at-end = Accounts (last figure)
figures-active-at-end = Active in the last 7 days (last figure)
