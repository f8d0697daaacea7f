-- What an existing, production Prosody (0.12) needs for Domaine. Merge into
-- /etc/prosody/prosody.cfg.lua (or drop in /etc/prosody/conf.d/ and include it), then
-- `prosodyctl check config` and `systemctl reload prosody` (new modules need a restart).

-- Domaine's companion modules, copied from the portal's server/prosody/ folder.
plugin_paths = { "/usr/local/lib/domaine/prosody" }

-- The portal's own account: an admin of every host it manages (create it with
-- `prosodyctl adduser portal@example.org` and put its password in domaine.toml).
admins = { "portal@example.org" }

-- Add to your existing global modules_enabled (keep your own entries):
modules_enabled = {
    "admin_adhoc";        -- XEP-0133 commands the portal uses
    "invites";            -- invitation tokens
    "invites_adhoc";
    "invites_register";
    "register_ibr";       -- in-band registration, which mod_domaine gates per host (use
                          -- it instead of "register", which would also load
                          -- mod_watchregistrations and message the portal about each one)
    "domaine";            -- registration modes, quotas, locks, account lists, invitations
    "domaine_hosts";      -- hosts the portal provisions at run time (hosting requests)
    "tls";                -- STARTTLS on those hosts too (they get the global modules only)
}

-- Where the portal's certificates (`[acme]` in domaine.toml) are written, HOST.crt and
-- HOST.key, readable by Prosody's user only; Prosody picks them up without a restart.
certificates = "/etc/prosody/certs"

-- Registration is decided per host by mod_domaine (open / invite-only / closed); the invites
-- module must not refuse it on its own.
registration_invite_only = false

-- Keep TLS required for clients; the portal connects with STARTTLS when it is not on
-- loopback (and checks the certificate).
c2s_require_encryption = true

-- Hosts you already serve: nothing is lost. Each starts in the registration mode it had
-- (`domaine add-domain NAME` on the portal makes it managed); to keep registration closed
-- everywhere until an owner opens it, set the mode from the portal after adding the domain.

-- Optional, for a server with many hosts or accounts (Lua 5.4 only, which Debian 12's
-- Prosody runs on): Prosody's default collector (incremental, pause 105%) starts a full
-- marking of the whole Lua heap after every 5% of growth, so every stanza pays in proportion
-- to the server's total memory (here: 290 MB with 502 hosts, 2.3 ms of Prosody per accounts
-- page, 5 ms per view of Prosody's own invitation page). The generational collector looks
-- mostly at young objects: 0.6-1.5 ms and 0.5-1.5 ms for the same views in two runs, a third
-- less CPU for account creation, for 50-80% more memory (454-542 MB instead of 294-299). Measured
-- with `PROSODY_GC=generational scripts/bench.sh` (BENCHMARKS.md, 2026-12-03, "Prosody's
-- garbage collector"). Watch the memory for a day after turning it on.
-- gc = { mode = "generational" }
