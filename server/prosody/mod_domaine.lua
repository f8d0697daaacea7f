-- mod_domaine: the administration commands the Domaine portal needs and
-- Prosody 0.12 lacks, as XEP-0050 ad-hoc commands for admins of the host.
--
-- Load it on every virtual host, with mod_register_ibr and
-- mod_invites_register (registration_invite_only = false: this module is the
-- only gate). Commands (FORM_TYPE = the node; failures are completed commands
-- with an error note, like mod_admin_adhoc's, and a machine-readable <failure/>
-- condition: see domaine_util.lib.lua, which must sit next to this file):
--
--   urn:domaine:registration#get-mode   -> mode
--   urn:domaine:registration#set-mode   mode (open | invite-only | closed)
--   urn:domaine:registration#get-quota  -> quota (a number, or "unlimited")
--   urn:domaine:registration#set-quota  quota (a number >= 0, or "unlimited")
--   urn:domaine:accounts#count          -> total
--   urn:domaine:accounts#list           query, offset, limit, order
--                                       (username | activity),
--                                       inactive-before (unix time)
--                                       -> total, offset, limit, accounts
--   urn:domaine:accounts#count-hosts    -> counts (global admins)
--   urn:domaine:accounts#figures-hosts  active-since (unix time) -> figures
--                                       (global admins; HOST<TAB>ACCOUNTS<TAB>ACTIVE
--                                       lines, ACTIVE: seen since that time)
--   urn:domaine:accounts#lock           accountjid
--   urn:domaine:accounts#unlock         accountjid
--   urn:domaine:accounts#exists         accountjid -> exists ("1" or "0")
--   urn:domaine:invitations#create          username, max-uses, expires, contact
--                                       -> token, uri, expires
--   urn:domaine:invitations#revoke          token
--   urn:domaine:invitations#usage           -> invites
--   urn:domaine:invitations#status          token -> invites (its line only, or none)
--   urn:domaine:invitations#redeem          token, username, password -> accountjid
--   urn:domaine:announcements#send          body, after, limit -> sent, last, remaining
--       A chat message from the host itself (no person) to the next `limit`
--       accounts (up to 200) after the username `after` ("" : from the
--       first), in username order: online resources get it at once,
--       mod_offline keeps it for the others. `last` is the last username sent
--       to (the cursor of the next call), `remaining` how many accounts come
--       after it. The portal paces the calls.
--   urn:domaine:certificates#install        host, certificate (PEM chain), key (PEM)
--       Checks that the pair loads for this host, writes HOST.crt and HOST.key
--       (mode 600) into Prosody's certificates directory (`certificates`,
--       default certs/ next to the config file) and makes Prosody use them
--       without a restart (config-reloaded: certmanager re-indexes the
--       directory, mod_tls and portmanager make new contexts).
--
-- accounts is a text-multi field, one <value/> per account, sorted by
-- username: "USERNAME<TAB>LAST_ACTIVE<TAB>LOCKED", LAST_ACTIVE in unix
-- seconds or empty if never seen, LOCKED "1" or "0". (Usernames are
-- nodeprepped, so they never contain tabs or line breaks.)
--
-- invites is a text-multi field, one <value/> per invite this module created
-- on the host, oldest first: "TOKEN<TAB>USES<TAB>STATE<TAB>USERNAMES", STATE
-- valid, used-up, expired or revoked, USERNAMES the accounts registered with
-- it, comma-separated. (Tokens are base64url.)
--
-- Invites are mod_invites tokens, so that XMPP apps redeem them in-band
-- (XEP-0401 preauth, then XEP-0077); #redeem does the same for the portal's
-- web page. Both go through the user-registering gate below, which checks
-- the invite again at registration time: mod_invites_register checks it only
-- at the preauth IQ, which may come long before.
--
-- Storage: host-level keyval record "domaine_settings" { mode, quota };
-- per-user keyval records "domaine_account" { locked, last_active }, so that
-- deleting an account (which purges its per-user stores) forgets them too;
-- host-level map "domaine_invites", token -> { created, expires, max_uses,
-- uses, username, contact, accounts, revoked }, kept after the invite is
-- used up, expired or revoked.

local jid = require "util.jid";
local st = require "util.stanza";
local dataforms_new = require "util.dataforms".new;
local nodeprep = require "util.encodings".stringprep.nodeprep;
local usermanager = require "core.usermanager";
local rostermanager = require "core.rostermanager";

module:depends("adhoc");
local util = module:require "domaine_util";
local fail, done, form_type = util.fail, util.done, util.form_type;
local invites = module:depends("invites");

local host = module.host;
local host_session = prosody.hosts[host];

local settings_store = module:open_store("domaine_settings");
local account_store = module:open_store("domaine_account");
local invite_store = module:open_store("domaine_invites", "map");
-- The same records, read all at once (for #usage).
local invite_list_store = module:open_store("domaine_invites");
-- Usernames, last activity and locks of the host, in memory (see the file).
local account_index = module:require "domaine_index";

local MODES = { ["open"] = true, ["invite-only"] = true, ["closed"] = true };
-- Never configured: the safe choice (the admin can still create invites).
local DEFAULT_MODE = "invite-only";
local DEFAULT_LIMIT, MAX_LIMIT = 50, 200;

-- One answer for unknown, expired, revoked and used-up tokens: whoever tries
-- a token learns nothing about it.
local INVALID_INVITATION = "Invalid invitation";
local USERNAME_NOT_INVITED = "This invitation is for another username";
local UNAVAILABLE = "Registration is temporarily unavailable";

local function account_exists()
	return fail("account-exists", "Account already exists");
end

local function invalid_username(input)
	return fail("invalid-username", "Invalid username: " .. input, "username", input);
end

---------------------------------------------------------------------------
-- Settings

local function get_settings()
	local settings, err = settings_store:get(nil);
	if not settings and err then
		return nil, err;
	end
	return settings or {};
end

local function update_settings(key, value)
	local settings, err = get_settings();
	if not settings then return nil, err; end
	settings[key] = value;
	return settings_store:set(nil, settings);
end

local function registration_mode(settings)
	return MODES[settings.mode] and settings.mode or DEFAULT_MODE;
end

local function count_accounts()
	local indexed = account_index.count();
	if indexed then return indexed; end
	local n = 0;
	for _ in usermanager.users(host) do
		n = n + 1;
	end
	return n;
end

---------------------------------------------------------------------------
-- Per-account state

local function get_account(username)
	return account_store:get(username);
end

local function is_locked(username)
	username = username and nodeprep(username);
	if not username then return false; end
	local account = get_account(username);
	return account ~= nil and account.locked == true;
end

local function touch(username)
	-- A session of a just-deleted account may close after the deletion:
	-- do not leave a record behind for it.
	if not usermanager.user_exists(username, host) then return; end
	local account, err = get_account(username);
	if not account then
		if err then
			module:log("warn", "Cannot read the state of %s: %s", username, err);
			return;
		end
		account = {};
	end
	account.last_active = os.time();
	local ok, set_err = account_store:set(username, account);
	if not ok then
		module:log("warn", "Cannot record the last activity of %s: %s", username, set_err);
		return;
	end
	account_index.update(username, account.last_active, nil);
end

---------------------------------------------------------------------------
-- Invites

local function invite_state(record, now)
	if record.revoked then return "revoked"; end
	if record.uses >= record.max_uses then return "used-up"; end
	if (now or os.time()) > record.expires then return "expired"; end
	return "valid";
end

-- Whether an invite (from mod_invites' get(), maybe validated long ago at a
-- preauth IQ) may still create the account `username`: nil, the reason, the
-- stanza error condition and our failure condition if not. The caller must
-- not yield between this check and counting the use in user-registered, so
-- that no other registration can slip in between (Prosody runs one handler
-- at a time; storage and account creation do not yield).
local function check_invite(invite, username)
	-- Revoked and used-up tokens are gone from mod_invites' storage.
	if not invite.token or not invites.get(invite.token) then
		return nil, INVALID_INVITATION, "forbidden", "invitation-invalid";
	end
	local record, err = invite_store:get(nil, invite.token);
	if not record then
		if err then
			module:log("error", "Cannot read invite %s: %s", invite.token, err);
			return nil, UNAVAILABLE, "internal-server-error", "unavailable";
		end
		return true; -- not one of ours (mod_invites_adhoc's, say)
	end
	if invite_state(record) ~= "valid" then
		return nil, INVALID_INVITATION, "forbidden", "invitation-invalid";
	end
	if record.username and record.username ~= username then
		return nil, USERNAME_NOT_INVITED, "not-allowed", "username-not-invited";
	end
	return true;
end

-- mod_invites_register's subscribe(), for users on any two local hosts:
-- user asks contact, contact approves.
local function subscribe(user, user_host, contact, contact_host)
	local user_jid, contact_jid = user .. "@" .. user_host, contact .. "@" .. contact_host;
	rostermanager.set_contact_pending_out(user, user_host, contact_jid);
	rostermanager.set_contact_pending_in(contact, contact_host, user_jid);
	rostermanager.subscribed(contact, contact_host, user_jid);
	rostermanager.process_inbound_subscription_approval(user, user_host, contact_jid);
end

local function make_mutual_contacts(username, contact_jid)
	local contact, contact_host = jid.split(contact_jid);
	-- Checked when the invite was created, but it may be gone since.
	if not (contact and prosody.hosts[contact_host] and usermanager.user_exists(contact, contact_host)) then
		module:log("warn", "Invite contact %s does not exist: %s@%s gets no contact", contact_jid, username, host);
		return;
	end
	subscribe(username, host, contact, contact_host);
	subscribe(contact, contact_host, username, host);
	rostermanager.roster_push(username, host, contact_jid);
	rostermanager.roster_push(contact, contact_host, username .. "@" .. host);
end

-- Counts the use of one of our invites, whether the account came from
-- in-band registration or #redeem; the last use deletes the token.
module:hook("user-registered", function (event)
	local invite = event.validated_invite or (event.session and event.session.validated_invite);
	local token = invite and invite.token;
	if not token then return; end
	local record, err = invite_store:get(nil, token);
	if not record then
		if err then
			-- Fail closed: without the count, the invite could go over its limit.
			module:log("error", "Cannot read invite %s, deleting it: %s", token, err);
			invites.delete_account_invite(token);
		end
		return;
	end
	record.uses = record.uses + 1;
	record.accounts[#record.accounts + 1] = event.username;
	local ok, set_err = invite_store:set(nil, token, record);
	if record.uses >= record.max_uses or not ok then
		if not ok then
			module:log("error", "Cannot count a use of invite %s, deleting it: %s", token, set_err);
		end
		invites.delete_account_invite(token);
	end
	module:log("info", "Account %s@%s registered with invite %s (%d/%d)", event.username, host, token,
		record.uses, record.max_uses);
	if record.contact then
		make_mutual_contacts(event.username, record.contact);
	end
end, 10); -- mod_invites_register's :use() (priority 0) comes after

---------------------------------------------------------------------------
-- Registration gate: mod_register_ibr fires user-registering before it
-- creates an account, so the stored mode and quota apply at once. It also
-- checks the invite again (see check_invite). A refusal sets, besides
-- Prosody's fields, event.domaine_condition: #redeem's failure condition.

module:hook("user-registering", function (event)
	if event.allowed == false then return; end -- already refused elsewhere
	local settings, err = get_settings();
	if not settings then
		module:log("error", "Cannot read the registration settings: %s", err);
		event.allowed = false;
		event.error_type, event.error_condition = "wait", "internal-server-error";
		event.reason, event.domaine_condition = UNAVAILABLE, "unavailable";
		return;
	end
	local mode = registration_mode(settings);
	local invite = event.validated_invite or (event.session and event.session.validated_invite);
	if mode == "closed" then
		event.allowed = false;
		event.error_type, event.error_condition = "cancel", "not-allowed";
		event.reason = "Registration on this server is closed";
		event.domaine_condition = "registration-closed";
		return;
	elseif mode == "invite-only" and not invite then
		event.allowed = false;
		event.error_type, event.error_condition = "auth", "forbidden";
		event.reason = "Registration on this server is through invitation only";
		event.domaine_condition = "invitation-only";
		return;
	end
	if invite then
		local ok, reason, condition, domaine_condition = check_invite(invite, event.username);
		if not ok then
			event.allowed = false;
			event.error_type = condition == "internal-server-error" and "wait" or "cancel";
			event.error_condition, event.reason = condition, reason;
			event.domaine_condition = domaine_condition;
			return;
		end
	end
	-- A password reset through an invite (mod_invites_register sets
	-- allow_reset) creates no account, so the quota does not apply.
	if event.allow_reset and event.allow_reset == event.username then
		return;
	end
	if settings.quota and count_accounts() >= settings.quota then
		event.allowed = false;
		event.error_type, event.error_condition = "wait", "resource-constraint";
		event.reason = "This domain is full: no new accounts can be created";
		event.domaine_condition = "quota-reached";
	end
end, -10); -- after mod_invites_register, which sets allow_reset

---------------------------------------------------------------------------
-- Locking. A locked account fails SASL with <account-disabled/>: every SASL
-- handler of the host comes from the auth provider's get_sasl_handler, which
-- we wrap so that a successful exchange for a locked user turns into a
-- failure before Prosody marks the session authenticated. The check happens
-- only after the password proved right, so the lock reveals nothing to
-- someone without the password.

local function lock_aware(handler)
	local process, clean_clone = handler.process, handler.clean_clone;
	function handler:process(message)
		local status, ret, err_msg = process(self, message);
		if status == "success" and is_locked(self.username) then
			module:log("info", "Refusing login of locked account %s@%s", self.username, host);
			return "failure", "account-disabled", "This account is locked";
		end
		return status, ret, err_msg;
	end
	-- mod_saslauth starts over with a clean clone after a failure.
	function handler:clean_clone()
		return lock_aware(clean_clone(self));
	end
	return handler;
end

local wrapped_provider, own_get_sasl_handler;

local function unwrap_provider()
	if wrapped_provider then
		wrapped_provider.get_sasl_handler = own_get_sasl_handler;
		wrapped_provider, own_get_sasl_handler = nil, nil;
	end
end

local function wrap_provider()
	local provider = host_session.users;
	if not provider or provider == wrapped_provider then return; end
	unwrap_provider();
	local get_sasl_handler = provider.get_sasl_handler;
	wrapped_provider, own_get_sasl_handler = provider, rawget(provider, "get_sasl_handler");
	provider.get_sasl_handler = function (...)
		return lock_aware(get_sasl_handler(...));
	end
end

-- The auth module may be (re)loaded after us: wrap its new provider once
-- usermanager has installed it (usermanager's handler runs at priority 0).
module:hook("item-added/auth-provider", wrap_provider, -1);
wrap_provider();

function module.unload()
	unwrap_provider();
	account_index.unload();
end

-- Safety net for any other way in (a SASL handler from elsewhere, or a
-- stream authenticated just before the lock): no resource for a locked user.
module:hook("pre-resource-bind", function (event)
	if is_locked(event.session.username) then
		event.error = { type = "auth", condition = "not-authorized", text = "This account is locked" };
		return false;
	end
end, 100);

---------------------------------------------------------------------------
-- Last activity: at each login and each end of a session.

module:hook("authentication-success", function (event)
	local session = event.session;
	if session.username then touch(session.username); end
end);

module:hook("resource-unbind", function (event)
	local session = event.session;
	if session.username then touch(session.username); end
end);

---------------------------------------------------------------------------
-- Commands

local NODE_GET_MODE = "urn:domaine:registration#get-mode";
local NODE_SET_MODE = "urn:domaine:registration#set-mode";
local NODE_GET_QUOTA = "urn:domaine:registration#get-quota";
local NODE_SET_QUOTA = "urn:domaine:registration#set-quota";
local NODE_COUNT = "urn:domaine:accounts#count";
local NODE_LIST = "urn:domaine:accounts#list";
local NODE_COUNT_HOSTS = "urn:domaine:accounts#count-hosts";
local NODE_FIGURES_HOSTS = "urn:domaine:accounts#figures-hosts";
local NODE_LOCK = "urn:domaine:accounts#lock";
local NODE_UNLOCK = "urn:domaine:accounts#unlock";
local NODE_EXISTS = "urn:domaine:accounts#exists";
local NODE_INVITE_CREATE = "urn:domaine:invitations#create";
local NODE_INVITE_REVOKE = "urn:domaine:invitations#revoke";
local NODE_INVITE_USAGE = "urn:domaine:invitations#usage";
local NODE_INVITE_STATUS = "urn:domaine:invitations#status";
local NODE_INVITE_REDEEM = "urn:domaine:invitations#redeem";
local NODE_CERT_INSTALL = "urn:domaine:certificates#install";
local NODE_ANNOUNCE = "urn:domaine:announcements#send";

local result_command = util.result_command;

-- "Trying to lock a user on B but command was sent to A", mod_admin_adhoc's words.
local function wrong_host(verb, account_host)
	return fail("wrong-host", "Trying to " .. verb .. " a user on " .. account_host .. " but command was sent to " .. host,
		"accountjid", account_host);
end

local mode_result = dataforms_new {
	form_type(NODE_GET_MODE);
	{ name = "mode", type = "list-single", label = "Registration mode",
		options = { "open", "invite-only", "closed" } };
};

local get_mode_handler = result_command(mode_result, function ()
	local settings = get_settings();
	if not settings then return nil, util.read_failure(); end
	return { mode = registration_mode(settings) };
end);

local set_mode_layout = dataforms_new {
	title = "Set the registration mode";
	instructions = "open: anyone may register; invite-only: only with an invitation; closed: no in-band registration.";
	form_type(NODE_SET_MODE);
	{ name = "mode", type = "list-single", label = "Registration mode", required = true,
		options = { "open", "invite-only", "closed" } };
};

local set_mode_handler = util.form_command(set_mode_layout, function (fields, data)
	if not MODES[fields.mode] then
		return fail("invalid-value", "Invalid registration mode: " .. fields.mode, "mode", fields.mode);
	end
	if not update_settings("mode", fields.mode) then
		return util.write_failure();
	end
	module:log("info", "Registration mode of %s set to %s by %s", host, fields.mode, jid.bare(data.from));
	return done("Registration mode set to " .. fields.mode);
end);

local quota_result = dataforms_new {
	form_type(NODE_GET_QUOTA);
	{ name = "quota", type = "text-single", label = "Maximum number of accounts" };
};

local get_quota_handler = result_command(quota_result, function ()
	local settings = get_settings();
	if not settings then return nil, util.read_failure(); end
	return { quota = settings.quota and ("%d"):format(settings.quota) or "unlimited" };
end);

local set_quota_layout = dataforms_new {
	title = "Set the account quota";
	instructions = "Maximum number of accounts for in-band registration, or \"unlimited\".";
	form_type(NODE_SET_QUOTA);
	{ name = "quota", type = "text-single", label = "Maximum number of accounts", required = true };
};

local set_quota_handler = util.form_command(set_quota_layout, function (fields, data)
	local quota;
	if fields.quota ~= "unlimited" then
		quota = fields.quota:match("^%d+$") and math.tointeger(tonumber(fields.quota));
		if not quota then
			return util.invalid_value("quota", fields.quota);
		end
	end
	if not update_settings("quota", quota) then
		return util.write_failure();
	end
	module:log("info", "Account quota of %s set to %s by %s", host, fields.quota, jid.bare(data.from));
	return done("Quota set to " .. fields.quota);
end);

local count_result = dataforms_new {
	form_type(NODE_COUNT);
	{ name = "total", type = "text-single", label = "Number of accounts" };
};

local count_handler = result_command(count_result, function ()
	return { total = ("%d"):format(count_accounts()) };
end);

-- Every host's count in one round trip (the provider console lists them
-- all), from the in-memory indexes: for global admins only.
local count_hosts_result = dataforms_new {
	form_type(NODE_COUNT_HOSTS);
	{ name = "counts", type = "text-multi", label = "host<TAB>number of accounts" };
};

local count_hosts_handler = result_command(count_hosts_result, function ()
	local lines = {};
	for name, n in pairs(account_index.counts()) do
		lines[#lines + 1] = ("%s\t%d"):format(name, n);
	end
	table.sort(lines);
	return { counts = table.concat(lines, "\n") };
end);

-- Every host's accounts and how many were active since a time (the portal's
-- daily figures), in one round trip from the indexes: global admins only.
local figures_hosts_layout = dataforms_new {
	title = "Account figures of every host";
	form_type(NODE_FIGURES_HOSTS);
	{ name = "active-since", type = "text-single", label = "Active since (unix time)", required = true };
};

local figures_hosts_result = dataforms_new {
	form_type(NODE_FIGURES_HOSTS);
	{ name = "figures", type = "text-multi", label = "host<TAB>accounts<TAB>active since then" };
};

local figures_hosts_handler = util.form_command(figures_hosts_layout, function (fields)
	local text = fields["active-since"];
	local since = text:match("^%-?%d+$") and math.tointeger(tonumber(text));
	if not since then return util.invalid_value("active-since", text); end
	local lines = {};
	for name, figures in pairs(account_index.figures(since)) do
		lines[#lines + 1] = ("%s\t%d\t%d"):format(name, figures.accounts, figures.active);
	end
	table.sort(lines);
	return { status = "completed",
		result = { layout = figures_hosts_result, values = { figures = table.concat(lines, "\n") } } };
end);

local list_layout = dataforms_new {
	title = "List accounts";
	form_type(NODE_LIST);
	{ name = "query", type = "text-single", label = "Username contains (any case)" };
	{ name = "offset", type = "text-single", label = "Skip this many accounts" };
	{ name = "limit", type = "text-single", label = "At most this many accounts (up to 200)" };
	{ name = "order", type = "list-single", label = "Order",
		options = { "username", "activity" } };
	{ name = "inactive-before", type = "text-single", label = "Only accounts not seen since (unix time)" };
};

local list_result = dataforms_new {
	form_type(NODE_LIST);
	{ name = "total", type = "text-single", label = "Matching accounts" };
	{ name = "offset", type = "text-single", label = "Offset" };
	{ name = "limit", type = "text-single", label = "Limit" };
	{ name = "accounts", type = "text-multi", label = "username<TAB>last active<TAB>locked" };
};

local function parse_count(value, default, name)
	if value == nil or value == "" then return default; end
	local n = value:match("^%d+$") and math.tointeger(tonumber(value));
	if not n then return nil, util.invalid_value(name, value); end
	return n;
end

local list_handler = util.form_command(list_layout, function (fields)
	local offset, offset_err = parse_count(fields.offset, 0, "offset");
	if not offset then return offset_err; end
	local limit, limit_err = parse_count(fields.limit, DEFAULT_LIMIT, "limit");
	if not limit then return limit_err; end
	limit = math.min(limit, MAX_LIMIT);

	-- Usernames are nodeprepped (case-folded): fold the query the same way.
	-- A query nodeprep refuses has characters no username can contain.
	local query = fields.query;
	if query == "" then query = nil; end
	local needle = query and (nodeprep(query) or query:lower());
	local order = fields.order or "username";
	if order ~= "username" and order ~= "activity" then
		return util.invalid_value("order", order);
	end
	local before;
	local before_text = fields["inactive-before"];
	if before_text and before_text ~= "" then
		before = before_text:match("^%-?%d+$") and math.tointeger(tonumber(before_text));
		if not before then return util.invalid_value("inactive-before", before_text); end
	end

	local total, page = account_index.list(needle, order, before, offset, limit);
	if not total then
		-- The index is still being built (the first seconds after a start):
		-- one directory listing and one sort; per-account state is read only
		-- for the page.
		if order ~= "username" or before then
			return fail("unavailable", "The account index is being built, try again in a few seconds");
		end
		local names = {};
		for username in usermanager.users(host) do
			if not needle or username:find(needle, 1, true) then
				names[#names + 1] = username;
			end
		end
		table.sort(names);
		total, page = #names, {};
		for i = offset + 1, math.min(offset + limit, #names) do
			local account = get_account(names[i]) or {};
			page[#page + 1] = { username = names[i], last_active = account.last_active, locked = account.locked };
		end
	end
	local lines = {};
	for i, account in ipairs(page) do
		lines[i] = ("%s\t%s\t%s"):format(account.username,
			account.last_active and ("%d"):format(account.last_active) or "",
			account.locked and "1" or "0");
	end
	return { status = "completed", result = { layout = list_result, values = {
		total = ("%d"):format(total);
		offset = ("%d"):format(offset);
		limit = ("%d"):format(limit);
		accounts = table.concat(lines, "\n");
	} } };
end);

local announce_layout = dataforms_new {
	title = "Send a message to the host's accounts";
	instructions = "A chat message from the host to the next accounts after a username, in username order.";
	form_type(NODE_ANNOUNCE);
	{ name = "body", type = "text-multi", label = "Message", required = true };
	{ name = "after", type = "text-single", label = "Only accounts after this username (empty: from the first)" };
	{ name = "limit", type = "text-single", label = "At most this many accounts (up to 200)" };
};

local announce_result = dataforms_new {
	form_type(NODE_ANNOUNCE);
	{ name = "sent", type = "text-single", label = "Accounts sent to" };
	{ name = "last", type = "text-single", label = "The last username sent to" };
	{ name = "remaining", type = "text-single", label = "Accounts after it" };
};

local announce_handler = util.form_command(announce_layout, function (fields, data)
	local limit, limit_err = parse_count(fields.limit, DEFAULT_LIMIT, "limit");
	if not limit then return limit_err; end
	limit = math.min(limit, MAX_LIMIT);
	local names, remaining = account_index.after(fields.after or "", limit);
	if not names then
		return fail("unavailable", "The account index is being built, try again in a few seconds");
	end
	for _, username in ipairs(names) do
		-- From the host: mod_message delivers to the bare JID's online
		-- resources, or mod_offline keeps it.
		module:send(st.message({ type = "chat", from = host, to = username .. "@" .. host,
			id = ("domaine-announce-%x"):format(math.random(0, 0x7fffffff)) })
			:text_tag("body", fields.body));
	end
	module:log("info", "Announcement from %s sent to %d accounts of %s", jid.bare(data.from), #names, host);
	return { status = "completed", result = { layout = announce_result, values = {
		sent = ("%d"):format(#names);
		last = names[#names] or "";
		remaining = ("%d"):format(remaining);
	} } };
end);

local account_layout = {
	[NODE_LOCK] = dataforms_new {
		title = "Lock an account";
		instructions = "A locked account cannot log in; its sessions are ended and its data kept.";
		form_type(NODE_LOCK);
		{ name = "accountjid", type = "jid-single", required = true, label = "The account to lock" };
	};
	[NODE_UNLOCK] = dataforms_new {
		title = "Unlock an account";
		form_type(NODE_UNLOCK);
		{ name = "accountjid", type = "jid-single", required = true, label = "The account to unlock" };
	};
};

local function set_locked_handler(node, locked)
	local verb = locked and "lock" or "unlock";
	return util.form_command(account_layout[node], function (fields, data)
		local username, account_host = jid.split(fields.accountjid);
		if account_host ~= host then
			return wrong_host(verb, account_host);
		end
		if not username or not usermanager.user_exists(username, host) then
			return fail("user-not-found", "User does not exist");
		end
		-- The portal must not lock itself out.
		if locked and jid.bare(data.from) == username .. "@" .. host then
			return fail("own-account", "You cannot lock your own account");
		end
		local account, get_err = get_account(username);
		if not account and get_err then return util.read_failure(); end
		account = account or {};
		account.locked = locked or nil;
		if not account_store:set(username, account) then
			return util.write_failure();
		end
		account_index.update(username, nil, locked);
		if locked then
			local user = host_session.sessions[username];
			for _, session in pairs(user and user.sessions or {}) do
				session:close({ condition = "not-authorized", text = "This account is locked" });
			end
		end
		module:log("info", "Account %s %sed by %s", fields.accountjid, verb, jid.bare(data.from));
		return done("Account " .. verb .. "ed");
	end);
end

local exists_layout = dataforms_new {
	title = "Check whether an account exists";
	form_type(NODE_EXISTS);
	{ name = "accountjid", type = "jid-single", required = true, label = "The account" };
};

local exists_result = dataforms_new {
	form_type(NODE_EXISTS);
	{ name = "exists", type = "boolean", label = "The account exists" };
};

local exists_handler = util.form_command(exists_layout, function (fields)
	local username, account_host = jid.split(fields.accountjid);
	if account_host ~= host then
		return wrong_host("check", account_host);
	end
	-- user_exists answers nil for no, which would leave the field empty.
	local exists = username ~= nil and usermanager.user_exists(username, host) == true;
	return { status = "completed", result = { layout = exists_result, values = { exists = exists } } };
end);

local create_invite_layout = dataforms_new {
	title = "Create an invitation";
	instructions = "An invitation to register accounts on this host, with an XMPP app (XEP-0401) or the portal.";
	form_type(NODE_INVITE_CREATE);
	{ name = "username", type = "text-single", label = "The only username it may register (optional)" };
	{ name = "max-uses", type = "text-single", label = "How many accounts it may create (default 1)" };
	{ name = "expires", type = "text-single", required = true, label = "Expiry (unix time)" };
	{ name = "contact", type = "jid-single", label = "A local account the new accounts become contacts of (optional)" };
};

local create_invite_result = dataforms_new {
	form_type(NODE_INVITE_CREATE);
	{ name = "token", type = "text-single", label = "Token" };
	{ name = "uri", type = "text-single", label = "Invitation URI" };
	{ name = "expires", type = "text-single", label = "Expiry (unix time)" };
};

local create_invite_handler = util.form_command(create_invite_layout, function (fields, data)
	local username;
	if fields.username and fields.username ~= "" then
		username = nodeprep(fields.username);
		if not username or username == "" then
			return invalid_username(fields.username);
		end
		-- It could never be redeemed.
		if usermanager.user_exists(username, host) then
			return account_exists();
		end
	end
	local max_uses, max_err = parse_count(fields["max-uses"], 1, "max-uses");
	if not max_uses then return max_err; end
	if max_uses < 1 then return util.invalid_value("max-uses", fields["max-uses"]); end
	if username and max_uses > 1 then
		return fail("fixed-username-multi-use", "An invitation for a fixed username can be used only once", "max-uses",
			fields["max-uses"]);
	end
	-- In the past is allowed: a dead invite (tests use it).
	local expires = fields.expires:match("^%-?%d+$") and math.tointeger(tonumber(fields.expires));
	if not expires then return util.invalid_value("expires", fields.expires); end
	local contact = fields.contact;
	if contact then
		local contact_user, contact_host, resource = jid.split(contact);
		if not contact_user or resource then
			return fail("invalid-contact", "Invalid contact: " .. contact, "contact", contact);
		end
		local contact_host_session = prosody.hosts[contact_host];
		if not (contact_host_session and contact_host_session.type == "local"
			and usermanager.user_exists(contact_user, contact_host)) then
			return fail("contact-not-found", "Contact does not exist: " .. contact, "contact", contact);
		end
	end

	-- A real mod_invites token, so that XMPP apps can redeem it in-band.
	-- mod_invites deletes a single-use one at its first use; a reusable one
	-- (create_group with a ttl) is deleted by user-registered above.
	local now = os.time();
	local invite, create_err;
	if max_uses == 1 then
		invite, create_err = invites.create_account(username, nil, expires - now);
	else
		invite, create_err = invites.create_group(nil, nil, expires - now);
	end
	if not invite then
		module:log("error", "Cannot create an invite: %s", create_err);
		return util.write_failure();
	end
	local record = {
		created = now, expires = expires, max_uses = max_uses, uses = 0,
		username = username, contact = contact, accounts = {},
	};
	if not invite_store:set(nil, invite.token, record) then
		invites.delete_account_invite(invite.token);
		return util.write_failure();
	end
	module:log("info", "Invite %s for %d account(s) on %s created by %s", invite.token, max_uses, host, jid.bare(data.from));
	return { status = "completed", result = { layout = create_invite_result, values = {
		token = invite.token;
		uri = invite.uri;
		expires = ("%d"):format(expires);
	} } };
end);

local revoke_invite_layout = dataforms_new {
	title = "Revoke an invitation";
	form_type(NODE_INVITE_REVOKE);
	{ name = "token", type = "text-single", required = true, label = "Token" };
};

local revoke_invite_handler = util.form_command(revoke_invite_layout, function (fields, data)
	local token = fields.token;
	local record, get_err = invite_store:get(nil, token);
	if not record and get_err then return util.read_failure(); end
	-- Any invite of the host, ours or not; unknown tokens too (idempotent).
	if not invites.delete_account_invite(token) then
		return util.write_failure();
	end
	if record and not record.revoked and record.uses < record.max_uses then
		record.revoked = os.time();
		if not invite_store:set(nil, token, record) then
			return util.write_failure();
		end
		module:log("info", "Invite %s on %s revoked by %s", token, host, jid.bare(data.from));
	end
	return done("Invitation revoked");
end);

local usage_result = dataforms_new {
	form_type(NODE_INVITE_USAGE);
	{ name = "invites", type = "text-multi", label = "token<TAB>uses<TAB>state<TAB>usernames" };
};

local function usage_line(token, record, now)
	return ("%s\t%d\t%s\t%s"):format(token, record.uses, invite_state(record, now),
		table.concat(record.accounts, ","));
end

local usage_handler = result_command(usage_result, function ()
	local records, err = invite_list_store:get(nil);
	if not records and err then return nil, util.read_failure(); end
	records = records or {};
	local tokens = {};
	for token in pairs(records) do
		tokens[#tokens + 1] = token;
	end
	table.sort(tokens, function (a, b)
		local created_a, created_b = records[a].created, records[b].created;
		if created_a ~= created_b then return created_a < created_b; end
		return a < b;
	end);
	local now, lines = os.time(), {};
	for i, token in ipairs(tokens) do
		lines[i] = usage_line(token, records[token], now);
	end
	return { invites = table.concat(lines, "\n") };
end);

-- One invite's line of #usage: a single read, whatever the number of
-- invites (the portal's landing page asks it at every view).
local status_layout = dataforms_new {
	title = "Invitation status";
	form_type(NODE_INVITE_STATUS);
	{ name = "token", type = "text-single", required = true, label = "Token" };
};

local status_handler = util.form_command(status_layout, function (fields)
	local record, get_err = invite_store:get(nil, fields.token);
	if not record and get_err then return util.read_failure(); end
	return { status = "completed", result = { layout = usage_result, values = {
		invites = record and usage_line(fields.token, record, os.time()) or "";
	} } };
end);

local redeem_layout = dataforms_new {
	title = "Create an account with an invitation";
	instructions = "As an in-band registration with this invitation would.";
	form_type(NODE_INVITE_REDEEM);
	{ name = "token", type = "text-single", required = true, label = "Token" };
	{ name = "username", type = "text-single", required = true, label = "Username" };
	{ name = "password", type = "text-private", required = true, label = "Password" };
};

local redeem_result = dataforms_new {
	form_type(NODE_INVITE_REDEEM);
	{ name = "accountjid", type = "jid-single", label = "The new account" };
};

-- mod_register_ibr's steps, with the invite in the events instead of a
-- session, so that the same gates apply and the same hooks count the use.
-- Nothing here yields: the check in user-registering and the count in
-- user-registered happen with no other registration in between.
local redeem_handler = util.form_command(redeem_layout, function (fields, data)
	local invite = invites.get(fields.token);
	-- A password reset link is no invitation to register.
	if not invite or (invite.additional_data and invite.additional_data.allow_reset) then
		return fail("invitation-invalid", INVALID_INVITATION);
	end
	local username = nodeprep(fields.username, true);
	if not username or username == "" then
		return invalid_username(fields.username);
	end
	local event = {
		username = username, password = fields.password, host = host, additional = {},
		allowed = true, validated_invite = invite, source = module.name,
	};
	module:fire_event("user-registering", event);
	if not event.allowed then
		local reason = event.error and event.error.text or event.reason or "Registration refused";
		module:log("debug", "Redeeming invite %s refused: %s", fields.token, reason);
		return fail(event.domaine_condition or "registration-refused", reason);
	end
	if usermanager.user_exists(username, host) then
		return account_exists();
	end
	local created, create_err = usermanager.create_user(username, fields.password, host);
	if not created then
		module:log("error", "Cannot create account %s@%s: %s", username, host, create_err);
		return util.write_failure();
	end
	module:log("info", "Account %s@%s created with invite %s by %s", username, host, fields.token, jid.bare(data.from));
	module:fire_event("user-registered", {
		username = username, host = host, source = module.name, validated_invite = invite,
	});
	return { status = "completed", result = { layout = redeem_result, values = {
		accountjid = username .. "@" .. host;
	} } };
end);

---------------------------------------------------------------------------
-- Certificates

local install_cert_layout = dataforms_new {
	title = "Install a certificate";
	instructions = "A certificate (PEM, leaf first, with its chain) and its private key for this host.";
	form_type(NODE_CERT_INSTALL);
	{ name = "host", type = "text-single", required = true, label = "The host" };
	{ name = "certificate", type = "text-multi", required = true, label = "Certificate chain (PEM)" };
	{ name = "key", type = "text-multi", required = true, label = "Private key (PEM)" };
};

local function invalid_certificate(message)
	return fail("invalid-certificate", "Invalid certificate: " .. message, "certificate");
end

local function invalid_key(message)
	return fail("invalid-key", "Invalid key: " .. message, "key");
end

local function write_failed(message)
	module:log("error", "Could not install the certificate of %s: %s", host, message);
	return fail("certificate-write-failed", "Could not write the certificate: " .. message, nil, host);
end

-- Where certmanager looks: `certificates`, relative to the config file's directory.
local function certificates_dir()
	local configmanager = require "core.configmanager";
	local resolve = require "util.paths".resolve_relative_path;
	return resolve(prosody.paths.config or ".", configmanager.get("*", "certificates") or "certs");
end

-- Writes `text` to `path` readable by Prosody's user only, whatever the process umask.
local function write_private(path, text)
	local pposix = require "util.pposix";
	local old_umask = pposix.umask("077");
	local file, err = io.open(path, "w");
	pposix.umask(old_umask);
	if not file then return nil, err; end
	local ok, write_err = file:write(text);
	local closed, close_err = file:close();
	if not ok or not closed then
		os.remove(path);
		return nil, write_err or close_err;
	end
	return true;
end

local install_cert_handler = util.form_command(install_cert_layout, function (fields, data)
	local ssl = require "ssl";
	local x509 = require "util.x509";
	if fields.host ~= host then
		return fail("wrong-host", "Trying to install a certificate for " .. fields.host
			.. " but command was sent to " .. host, "host", fields.host);
	end
	local cert_pem = fields.certificate .. "\n";
	local key_pem = fields.key .. "\n";
	local cert = ssl.loadcertificate(cert_pem);
	if not cert then return invalid_certificate("not a PEM certificate"); end
	if not cert:validat(os.time()) then return invalid_certificate("not valid now"); end
	if not x509.verify_identity(host, nil, cert) then
		return invalid_certificate("not for " .. host);
	end
	if not key_pem:find("PRIVATE KEY-----", 1, true) then
		return invalid_key("not a PEM private key");
	end
	local dir = certificates_dir();
	local lfs = require "lfs";
	if lfs.attributes(dir, "mode") ~= "directory" then
		local made, mkdir_err = lfs.mkdir(dir);
		if not made then return write_failed(dir .. ": " .. tostring(mkdir_err)); end
	end
	local crt_path, key_path = dir .. "/" .. host .. ".crt", dir .. "/" .. host .. ".key";
	local new_crt, new_key = crt_path .. ".new", key_path .. ".new";
	local function discard()
		os.remove(new_crt);
		os.remove(new_key);
	end
	local ok, err = write_private(new_crt, cert_pem);
	if ok then ok, err = write_private(new_key, key_pem); end
	if not ok then
		discard();
		return write_failed(tostring(err));
	end
	-- The pair as Prosody will load it: LuaSec reads both files and checks that they match.
	local ctx, ctx_err = ssl.newcontext({ mode = "server", protocol = "sslv23", certificate = new_crt, key = new_key });
	if not ctx then
		discard();
		ctx_err = tostring(ctx_err);
		if ctx_err:find("private key") or ctx_err:find("key values") then
			return invalid_key(ctx_err);
		end
		return invalid_certificate(ctx_err);
	end
	-- The key first: certmanager takes a .crt only with its .key next to it.
	local renamed, rename_err = os.rename(new_key, key_path);
	if renamed then renamed, rename_err = os.rename(new_crt, crt_path); end
	if not renamed then
		discard();
		return write_failed(tostring(rename_err));
	end
	-- Re-index first: handlers of the same priority run in no set order, and mod_tls must
	-- find the new files. Then what `prosodyctl reload` fires after reading the file
	-- (unchanged here): mod_tls and portmanager make new TLS contexts.
	require "core.certmanager".reload_ssl_config();
	local configmanager = require "core.configmanager";
	prosody.events.fire_event("config-reloaded", {
		filename = prosody.config_file;
		config = configmanager.getconfig();
	});
	-- Never the key, nor the certificate: their file names say enough.
	module:log("info", "Certificate %s installed by %s", crt_path, jid.bare(data.from));
	return done("Certificate installed");
end);

local commands = {
	{ "Get registration mode", NODE_GET_MODE, get_mode_handler };
	{ "Set registration mode", NODE_SET_MODE, set_mode_handler };
	{ "Get account quota", NODE_GET_QUOTA, get_quota_handler };
	{ "Set account quota", NODE_SET_QUOTA, set_quota_handler };
	{ "Count accounts", NODE_COUNT, count_handler };
	{ "List accounts", NODE_LIST, list_handler };
	{ "Lock account", NODE_LOCK, set_locked_handler(NODE_LOCK, true) };
	{ "Unlock account", NODE_UNLOCK, set_locked_handler(NODE_UNLOCK, false) };
	{ "Check account exists", NODE_EXISTS, exists_handler };
	{ "Create invitation", NODE_INVITE_CREATE, create_invite_handler };
	{ "Revoke invitation", NODE_INVITE_REVOKE, revoke_invite_handler };
	{ "Invitation usage", NODE_INVITE_USAGE, usage_handler };
	{ "Invitation status", NODE_INVITE_STATUS, status_handler };
	{ "Redeem invitation", NODE_INVITE_REDEEM, redeem_handler };
	{ "Install certificate", NODE_CERT_INSTALL, install_cert_handler };
	{ "Send an announcement", NODE_ANNOUNCE, announce_handler };
};

-- "admin": admins of this host, global admins included (mod_adhoc checks).
util.provide_commands(module, commands, "admin");
-- Every host's count: global admins only (it covers hosts the sender may not administer).
util.provide_commands(module, {
	{ "Count accounts of every host", NODE_COUNT_HOSTS, count_hosts_handler };
	{ "Account figures of every host", NODE_FIGURES_HOSTS, figures_hosts_handler };
}, "global_admin");

-- urn:domaine:version -> version, missing
-- The protocol version of these commands, which the portal compares with the
-- one it speaks (`domaine check`), and which of the modules the portal relies
-- on are not loaded on this host. Raise DOMAINE_PROTOCOL_VERSION with any
-- change the portal must know about.
do
	local DOMAINE_PROTOCOL_VERSION = "5";
	local NODE_VERSION = "urn:domaine:version";
	local REQUIRED_MODULES = { "admin_adhoc", "invites", "invites_adhoc", "register_ibr", "invites_register" };
	local modulemanager = require "core.modulemanager";
	local version_result = dataforms_new {
		form_type(NODE_VERSION);
		{ name = "version", type = "text-single", label = "Protocol version" };
		{ name = "missing", type = "text-multi", label = "Required modules not loaded" };
	};
	local version_handler = result_command(version_result, function ()
		local missing = {};
		for _, name in ipairs(REQUIRED_MODULES) do
			if not modulemanager.is_loaded(host, name) then
				missing[#missing + 1] = name;
			end
		end
		-- util.dataforms writes a text-multi value from a string, a line per value.
		return { version = DOMAINE_PROTOCOL_VERSION, missing = table.concat(missing, "\n") };
	end);
	util.provide_commands(module, { { "Domaine protocol version", NODE_VERSION, version_handler } }, "admin");
end
