-- mod_domaine: the administration commands the Domaine portal needs and
-- Prosody 0.12 lacks, as XEP-0050 ad-hoc commands for admins of the host.
--
-- Load it on every virtual host, with mod_register_ibr and
-- mod_invites_register (registration_invite_only = false: this module is the
-- only gate). Commands (FORM_TYPE = the node; failures are completed commands
-- with an error note, like mod_admin_adhoc's):
--
--   urn:domaine:registration#get-mode   -> mode
--   urn:domaine:registration#set-mode   mode (open | invite-only | closed)
--   urn:domaine:registration#get-quota  -> quota (a number, or "unlimited")
--   urn:domaine:registration#set-quota  quota (a number >= 0, or "unlimited")
--   urn:domaine:accounts#count          -> total
--   urn:domaine:accounts#list           query, offset, limit
--                                       -> total, offset, limit, accounts
--   urn:domaine:accounts#lock           accountjid
--   urn:domaine:accounts#unlock         accountjid
--
-- accounts is a text-multi field, one <value/> per account, sorted by
-- username: "USERNAME<TAB>LAST_ACTIVE<TAB>LOCKED", LAST_ACTIVE in unix
-- seconds or empty if never seen, LOCKED "1" or "0". (Usernames are
-- nodeprepped, so they never contain tabs or line breaks.)
--
-- Storage: host-level keyval record "domaine_settings" { mode, quota };
-- per-user keyval records "domaine_account" { locked, last_active }, so that
-- deleting an account (which purges its per-user stores) forgets them too.

local jid = require "util.jid";
local dataforms_new = require "util.dataforms".new;
local adhoc_simple = require "util.adhoc".new_simple_form;
local nodeprep = require "util.encodings".stringprep.nodeprep;
local usermanager = require "core.usermanager";

module:depends("adhoc");
local adhoc_new = module:require "adhoc".new;

local host = module.host;
local host_session = prosody.hosts[host];

local settings_store = module:open_store("domaine_settings");
local account_store = module:open_store("domaine_account");

local MODES = { ["open"] = true, ["invite-only"] = true, ["closed"] = true };
-- Never configured: the safe choice (the admin can still create invites).
local DEFAULT_MODE = "invite-only";
local DEFAULT_LIMIT, MAX_LIMIT = 50, 200;

local STORAGE_READ_ERROR = "Failed to read data from disk";
local STORAGE_WRITE_ERROR = "Failed to write data to disk";

local function fail(message)
	return { status = "completed", error = { message = message } };
end

-- Same wording as mod_admin_adhoc, which the portal already maps.
local function form_errors(errors)
	local lines = {};
	for name, err in pairs(errors) do
		lines[#lines + 1] = name .. ": " .. err;
	end
	table.sort(lines);
	return fail(table.concat(lines, "\n"));
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
	end
end

---------------------------------------------------------------------------
-- Registration gate: mod_register_ibr fires user-registering before it
-- creates an account, so the stored mode and quota apply at once.

module:hook("user-registering", function (event)
	if event.allowed == false then return; end -- already refused elsewhere
	local settings, err = get_settings();
	if not settings then
		module:log("error", "Cannot read the registration settings: %s", err);
		event.allowed = false;
		event.error_type, event.error_condition = "wait", "internal-server-error";
		event.reason = "Registration is temporarily unavailable";
		return;
	end
	local mode = registration_mode(settings);
	local invite = event.validated_invite or (event.session and event.session.validated_invite);
	if mode == "closed" then
		event.allowed = false;
		event.error_type, event.error_condition = "cancel", "not-allowed";
		event.reason = "Registration on this server is closed";
		return;
	elseif mode == "invite-only" and not invite then
		event.allowed = false;
		event.error_type, event.error_condition = "auth", "forbidden";
		event.reason = "Registration on this server is through invitation only";
		return;
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
local NODE_LOCK = "urn:domaine:accounts#lock";
local NODE_UNLOCK = "urn:domaine:accounts#unlock";

local function form_type(node)
	return { name = "FORM_TYPE", type = "hidden", value = node };
end

-- Commands without input complete at once, like mod_admin_adhoc's reload.
local function result_command(layout, compute)
	return function (self, data, state) -- luacheck: ignore 212
		local values, err = compute(data);
		if not values then return fail(err); end
		return { status = "completed", result = { layout = layout, values = values } };
	end
end

local mode_result = dataforms_new {
	form_type(NODE_GET_MODE);
	{ name = "mode", type = "list-single", label = "Registration mode",
		options = { "open", "invite-only", "closed" } };
};

local get_mode_handler = result_command(mode_result, function ()
	local settings = get_settings();
	if not settings then return nil, STORAGE_READ_ERROR; end
	return { mode = registration_mode(settings) };
end);

local set_mode_layout = dataforms_new {
	title = "Set the registration mode";
	instructions = "open: anyone may register; invite-only: only with an invitation; closed: no in-band registration.";
	form_type(NODE_SET_MODE);
	{ name = "mode", type = "list-single", label = "Registration mode", required = true,
		options = { "open", "invite-only", "closed" } };
};

local set_mode_handler = adhoc_simple(set_mode_layout, function (fields, err, data)
	if err then return form_errors(err); end
	if not MODES[fields.mode] then
		return fail("Invalid registration mode: " .. fields.mode);
	end
	if not update_settings("mode", fields.mode) then
		return fail(STORAGE_WRITE_ERROR);
	end
	module:log("info", "Registration mode of %s set to %s by %s", host, fields.mode, jid.bare(data.from));
	return { status = "completed", info = "Registration mode set to " .. fields.mode };
end);

local quota_result = dataforms_new {
	form_type(NODE_GET_QUOTA);
	{ name = "quota", type = "text-single", label = "Maximum number of accounts" };
};

local get_quota_handler = result_command(quota_result, function ()
	local settings = get_settings();
	if not settings then return nil, STORAGE_READ_ERROR; end
	return { quota = settings.quota and ("%d"):format(settings.quota) or "unlimited" };
end);

local set_quota_layout = dataforms_new {
	title = "Set the account quota";
	instructions = "Maximum number of accounts for in-band registration, or \"unlimited\".";
	form_type(NODE_SET_QUOTA);
	{ name = "quota", type = "text-single", label = "Maximum number of accounts", required = true };
};

local set_quota_handler = adhoc_simple(set_quota_layout, function (fields, err, data)
	if err then return form_errors(err); end
	local quota;
	if fields.quota ~= "unlimited" then
		quota = fields.quota:match("^%d+$") and math.tointeger(tonumber(fields.quota));
		if not quota then
			return fail("Invalid quota: " .. fields.quota);
		end
	end
	if not update_settings("quota", quota) then
		return fail(STORAGE_WRITE_ERROR);
	end
	module:log("info", "Account quota of %s set to %s by %s", host, fields.quota, jid.bare(data.from));
	return { status = "completed", info = "Quota set to " .. fields.quota };
end);

local count_result = dataforms_new {
	form_type(NODE_COUNT);
	{ name = "total", type = "text-single", label = "Number of accounts" };
};

local count_handler = result_command(count_result, function ()
	return { total = ("%d"):format(count_accounts()) };
end);

local list_layout = dataforms_new {
	title = "List accounts";
	form_type(NODE_LIST);
	{ name = "query", type = "text-single", label = "Username contains (any case)" };
	{ name = "offset", type = "text-single", label = "Skip this many accounts" };
	{ name = "limit", type = "text-single", label = "At most this many accounts (up to 200)" };
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
	if not n then return nil, "Invalid " .. name .. ": " .. value; end
	return n;
end

local list_handler = adhoc_simple(list_layout, function (fields, err)
	if err then return form_errors(err); end
	local offset, offset_err = parse_count(fields.offset, 0, "offset");
	if not offset then return fail(offset_err); end
	local limit, limit_err = parse_count(fields.limit, DEFAULT_LIMIT, "limit");
	if not limit then return fail(limit_err); end
	limit = math.min(limit, MAX_LIMIT);

	-- Usernames are nodeprepped (case-folded): fold the query the same way.
	-- A query nodeprep refuses has characters no username can contain.
	local query = fields.query;
	if query == "" then query = nil; end
	local needle = query and (nodeprep(query) or query:lower());

	-- One directory listing and one sort; per-account state is read only for
	-- the page.
	local names = {};
	for username in usermanager.users(host) do
		if not needle or username:find(needle, 1, true) then
			names[#names + 1] = username;
		end
	end
	table.sort(names);

	local lines = {};
	for i = offset + 1, math.min(offset + limit, #names) do
		local username = names[i];
		local account = get_account(username) or {};
		lines[#lines + 1] = ("%s\t%s\t%s"):format(username,
			account.last_active and ("%d"):format(account.last_active) or "",
			account.locked and "1" or "0");
	end
	return { status = "completed", result = { layout = list_result, values = {
		total = ("%d"):format(#names);
		offset = ("%d"):format(offset);
		limit = ("%d"):format(limit);
		accounts = table.concat(lines, "\n");
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
	return adhoc_simple(account_layout[node], function (fields, err, data)
		if err then return form_errors(err); end
		local username, account_host = jid.split(fields.accountjid);
		if account_host ~= host then
			return fail("Trying to " .. verb .. " a user on " .. account_host .. " but command was sent to " .. host);
		end
		if not username or not usermanager.user_exists(username, host) then
			return fail("User does not exist");
		end
		-- The portal must not lock itself out.
		if locked and jid.bare(data.from) == username .. "@" .. host then
			return fail("You cannot lock your own account");
		end
		local account, get_err = get_account(username);
		if not account and get_err then return fail(STORAGE_READ_ERROR); end
		account = account or {};
		account.locked = locked or nil;
		if not account_store:set(username, account) then
			return fail(STORAGE_WRITE_ERROR);
		end
		if locked then
			local user = host_session.sessions[username];
			for _, session in pairs(user and user.sessions or {}) do
				session:close({ condition = "not-authorized", text = "This account is locked" });
			end
		end
		module:log("info", "Account %s %sed by %s", fields.accountjid, verb, jid.bare(data.from));
		return { status = "completed", info = "Account " .. verb .. "ed" };
	end);
end

local commands = {
	{ "Get registration mode", NODE_GET_MODE, get_mode_handler };
	{ "Set registration mode", NODE_SET_MODE, set_mode_handler };
	{ "Get account quota", NODE_GET_QUOTA, get_quota_handler };
	{ "Set account quota", NODE_SET_QUOTA, set_quota_handler };
	{ "Count accounts", NODE_COUNT, count_handler };
	{ "List accounts", NODE_LIST, list_handler };
	{ "Lock account", NODE_LOCK, set_locked_handler(NODE_LOCK, true) };
	{ "Unlock account", NODE_UNLOCK, set_locked_handler(NODE_UNLOCK, false) };
};

for _, command in ipairs(commands) do
	-- "admin": admins of this host, global admins included (mod_adhoc checks).
	module:provides("adhoc", adhoc_new(command[1], command[2], command[3], "admin"));
end
