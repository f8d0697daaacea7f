-- mod_domaine_hosts: virtual hosts the Domaine portal brings up at run time,
-- kept up across restarts, and suspended or resumed by a provider admin.
--
-- A global module (module:set_global()): list it in the global
-- modules_enabled, next to mod_domaine. Its commands are offered on every
-- host (module.add_host), to global admins only, like Prosody's own
-- http://prosody.im/protocol/hosts#activate; send them to any host, the
-- portal sends them to the host of its own account. FORM_TYPE = the node;
-- failures are completed commands with an error note and a machine-readable
-- <failure/> condition (see domaine_util.lib.lua, which must sit next to this
-- file):
--
--   urn:domaine:hosts#provision  host
--       Records the host as provisioned and active and activates it
--       (hostmanager.activate, as hosts#activate does: a host without a
--       config section gets the global settings and modules, mod_domaine
--       included). Idempotent: an active or configured host stays as it is.
--       A suspended host stays suspended (only #resume lifts a suspension).
--   urn:domaine:hosts#suspend    host
--       Records the host as suspended and deactivates it: its sessions end
--       (stream error host-gone), new streams for it are refused
--       (host-unknown), its data stays. Hosts of the config file can be
--       suspended too. Idempotent. Not the host of the sender's own account.
--   urn:domaine:hosts#resume     host
--       Records the host as active again and activates it. Idempotent.
--   urn:domaine:hosts#list       -> hosts
--       text-multi, one value per recorded host, sorted:
--       "HOST<TAB>STATE<TAB>UP", STATE active or suspended, UP "1" if the
--       host is activated right now, else "0".
--
-- At start-up (server-started, or at once when the module is loaded into a
-- running server) every recorded active host that is not up is activated,
-- and every recorded suspended host that is up (from the config file) is
-- deactivated. Nothing runs in between: Prosody serves no connection before
-- server-started.
--
-- Storage: Prosody 0.12's storagemanager cannot open stores for a global
-- module (it fires store-opened on hosts["*"], which does not exist), and a
-- host's store would tie the list to one host. The record therefore lives in
-- Prosody's file storage (util.datamanager, what storage = "internal" uses,
-- reached as storagemanager.olddm)
-- at DATA_PATH/_global/domaine_hosts.dat, whatever the storage setting:
-- { [host] = { state = "active" | "suspended", provisioned = true | nil,
-- since = unix time } }. provisioned is nil for a config-file host that was
-- only suspended; resuming it removes its record.

module:set_global();

local jid = require "util.jid";
local nameprep = require "util.encodings".stringprep.nameprep;
local dataforms_new = require "util.dataforms".new;
-- The file storage itself: once storagemanager is loaded, require
-- "util.datamanager" answers its shim, which opens stores per host.
local datamanager = require "core.storagemanager".olddm;
local hostmanager = require "core.hostmanager";
local configmanager = require "core.configmanager";
local util = module:require "domaine_util";
local fail, done, form_type = util.fail, util.done, util.form_type;

local hosts = prosody.hosts;

local STORE = "domaine_hosts";
local SUSPENDED_REASON = { condition = "host-gone", text = "This domain is suspended" };

local NODE_PROVISION = "urn:domaine:hosts#provision";
local NODE_SUSPEND = "urn:domaine:hosts#suspend";
local NODE_RESUME = "urn:domaine:hosts#resume";
local NODE_LIST = "urn:domaine:hosts#list";

---------------------------------------------------------------------------
-- The record

local function load_registry()
	local registry, err = datamanager.load(nil, nil, STORE);
	if not registry and err then
		return nil, err;
	end
	return registry or {};
end

local function save_registry(registry)
	return datamanager.store(nil, nil, STORE, registry);
end

-- A domain name as Prosody would serve it: nameprepped, and (stricter than
-- nameprep) only letters, digits, hyphens and dots in its ASCII part, so
-- that "*", "a b" or "[::1]" are refused. Non-ASCII (IDN) labels pass.
local function prep_host(input)
	if type(input) ~= "string" then return nil; end
	local host = nameprep(input, true);
	if not host or host == "" or #host > 253 then return nil; end
	if host:find("[\0-\44\47\58-\96\123-\127]") then return nil; end -- anything ASCII but [a-z0-9.-]
	for label in (host .. "."):gmatch("(.-)%.") do
		if label == "" or #label > 63 or label:sub(1, 1) == "-" or label:sub(-1) == "-" then
			return nil;
		end
	end
	return host;
end

local function is_up(host)
	return hosts[host] ~= nil;
end

-- Whether the config file has a VirtualHost (or Component) section for it.
local function in_config(host)
	return rawget(configmanager.getconfig(), host) ~= nil;
end

local function activate(host)
	if is_up(host) then return true; end
	return hostmanager.activate(host);
end

local function deactivate(host)
	if not is_up(host) then return true; end
	return hostmanager.deactivate(host, SUSPENDED_REASON);
end

-- nil and the command's failure for a host that cannot be handled here.
local function check_host(fields)
	local host = prep_host(fields.host);
	if not host then
		return nil, fail("invalid-host", "Invalid host: " .. fields.host, "host", fields.host);
	end
	local session = hosts[host];
	if session and session.type ~= "local" then
		return nil, fail("not-virtual-host", "Not a virtual host: " .. host, "host", host);
	end
	return host;
end

local function host_not_found(host)
	return fail("host-not-found", "Host not found: " .. host, "host", host);
end

---------------------------------------------------------------------------
-- Start-up

local function reconcile_now()
	local registry, err = load_registry();
	if not registry then
		module:log("error", "Cannot read the provisioned hosts, none activated or suspended: %s", err);
		return;
	end
	local names = {};
	for host in pairs(registry) do
		names[#names + 1] = host;
	end
	table.sort(names);
	for _, host in ipairs(names) do
		local record = registry[host];
		if record.state == "suspended" then
			if is_up(host) then
				local ok, deactivate_err = deactivate(host);
				if ok then
					module:log("info", "Host %s is suspended: deactivated", host);
				else
					module:log("error", "Cannot deactivate suspended host %s: %s", host, deactivate_err);
				end
			end
		elseif not is_up(host) then
			local ok, activate_err = activate(host);
			if ok then
				module:log("info", "Provisioned host %s activated", host);
			else
				module:log("error", "Cannot activate provisioned host %s: %s", host, activate_err);
			end
		end
	end
end

-- An error in a server-started handler would stop Prosody: log it instead.
local function reconcile()
	local ok, err = pcall(reconcile_now);
	if not ok then
		module:log("error", "Cannot activate or suspend the recorded hosts: %s", err);
	end
end

module:hook("server-started", reconcile);
-- Loaded into a running server (module reload, global-load): reconcile at
-- once, outside the module loader.
if prosody.start_time then
	module:add_timer(0, reconcile);
end

---------------------------------------------------------------------------
-- Commands

local function host_layout(node, title, instructions)
	return dataforms_new {
		title = title;
		instructions = instructions;
		form_type(node);
		{ name = "host", type = "text-single", required = true, label = "Domain" };
	};
end

-- Activates `host`; if that fails, puts its record back as it was and returns the command's
-- failure.
local function activate_or_restore(registry, host, previous)
	local ok, activate_err = activate(host);
	if ok then return nil; end
	registry[host] = previous;
	if not save_registry(registry) then
		module:log("error", "Cannot restore the record of host %s, which failed to activate", host);
	end
	module:log("error", "Cannot activate host %s: %s", host, activate_err);
	return fail("activation-failed", "Cannot activate host " .. host .. ": " .. tostring(activate_err), "host", host);
end

local provision_handler = util.form_command(host_layout(NODE_PROVISION, "Provision a virtual host",
	"Brings the domain up now and at every start of the server."), function (fields, data)
	local host, host_failure = check_host(fields);
	if not host then return host_failure; end
	local registry = load_registry();
	if not registry then return util.read_failure(); end
	local previous = registry[host];
	if previous and previous.state == "suspended" then
		if not previous.provisioned then
			previous.provisioned = true;
			if not save_registry(registry) then return util.write_failure(); end
		end
		return done(host .. " is provisioned but suspended");
	end
	if not (previous and previous.provisioned) then
		registry[host] = { state = "active", provisioned = true, since = os.time() };
		if not save_registry(registry) then return util.write_failure(); end
	end
	if not is_up(host) then
		local failed = activate_or_restore(registry, host, previous);
		if failed then return failed; end
		module:log("info", "Host %s provisioned and activated by %s", host, jid.bare(data.from));
	elseif not previous then
		module:log("info", "Host %s (already up) recorded as provisioned by %s", host, jid.bare(data.from));
	end
	return done(host .. " is provisioned");
end);

local suspend_handler = util.form_command(host_layout(NODE_SUSPEND, "Suspend a virtual host",
	"Takes the domain down and keeps it down across restarts: its users are disconnected and cannot log in; their data is kept."),
	function (fields, data)
	local host, host_failure = check_host(fields);
	if not host then return host_failure; end
	-- The portal must not cut the branch it sits on.
	if jid.host(data.from) == host then
		return fail("own-host", "You cannot suspend your own host", "host", host);
	end
	local registry = load_registry();
	if not registry then return util.read_failure(); end
	local previous = registry[host];
	if not previous and not is_up(host) then
		return host_not_found(host);
	end
	if not (previous and previous.state == "suspended") then
		registry[host] = { state = "suspended", provisioned = previous and previous.provisioned, since = os.time() };
		if not save_registry(registry) then return util.write_failure(); end
	end
	if is_up(host) then
		local ok, deactivate_err = deactivate(host);
		if not ok then
			module:log("error", "Cannot deactivate host %s: %s", host, deactivate_err);
			return fail("deactivation-failed", "Cannot deactivate host " .. host .. ": " .. tostring(deactivate_err),
				"host", host);
		end
		module:log("info", "Host %s suspended by %s", host, jid.bare(data.from));
	end
	return done(host .. " is suspended");
end);

local resume_handler = util.form_command(host_layout(NODE_RESUME, "Resume a suspended virtual host",
	"Brings a suspended domain up again."), function (fields, data)
	local host, host_failure = check_host(fields);
	if not host then return host_failure; end
	local registry = load_registry();
	if not registry then return util.read_failure(); end
	local previous = registry[host];
	if not previous then
		if is_up(host) then return done(host .. " is active"); end -- a config-file host
		return host_not_found(host);
	end
	if previous.state == "suspended" then
		-- A config-file host needs no record once active.
		registry[host] = previous.provisioned and { state = "active", provisioned = true, since = os.time() } or nil;
		if not save_registry(registry) then return util.write_failure(); end
	end
	-- A config-file host that left the config file while suspended is gone.
	if not is_up(host) and (previous.provisioned or in_config(host)) then
		local failed = activate_or_restore(registry, host, previous);
		if failed then return failed; end
		module:log("info", "Host %s resumed by %s", host, jid.bare(data.from));
	end
	return done(host .. " is active");
end);

local list_result = dataforms_new {
	form_type(NODE_LIST);
	{ name = "hosts", type = "text-multi", label = "host<TAB>state<TAB>up" };
};

local list_handler = util.result_command(list_result, function ()
	local registry = load_registry();
	if not registry then return nil, util.read_failure(); end
	local names = {};
	for host in pairs(registry) do
		names[#names + 1] = host;
	end
	table.sort(names);
	local lines = {};
	for i, host in ipairs(names) do
		lines[i] = ("%s\t%s\t%s"):format(host, registry[host].state, is_up(host) and "1" or "0");
	end
	return { hosts = table.concat(lines, "\n") };
end);

local commands = {
	{ "Provision virtual host", NODE_PROVISION, provision_handler };
	{ "Suspend virtual host", NODE_SUSPEND, suspend_handler };
	{ "Resume virtual host", NODE_RESUME, resume_handler };
	{ "List provisioned and suspended hosts", NODE_LIST, list_handler };
};

-- On every host, including those activated later (by these commands too).
function module.add_host(host_module)
	host_module:depends("adhoc");
	util.provide_commands(host_module, commands, "global_admin");
end
