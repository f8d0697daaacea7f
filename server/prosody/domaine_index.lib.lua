-- The account index of one host, for mod_domaine (loaded with
-- module:require "domaine_index", in the module's environment).
--
-- Prosody runs every user of the server on one Lua thread: listing a host's
-- account directory and sorting it on every page view of the portal would
-- stall every chat for as long as it takes (24 ms at 10,000 accounts). So
-- the module keeps, in memory, per host:
--   names       usernames, sorted (binary search: a page is O(log n + page))
--   state       username -> { last_active = unix seconds or nil, locked = bool }
--   by_activity usernames sorted by last activity, never seen first, then by
--               username (the same for "not seen since": a prefix of it)
-- built once at load in slices across timer ticks (the server keeps
-- serving; until then the list command falls back to a full listing), then
-- kept current by the auth provider's create_user and delete_user, wrapped
-- here (every way Prosody creates or deletes an account in-process: in-band
-- registration, ad-hoc commands, invitations, the admin shell) and by
-- mod_domaine's own writes of last activity and locks. What happens outside
-- the process (prosodyctl adduser, files copied in) changes the account
-- directory's modification time (internal storage): the next count or list
-- lists the names again first (once per such change; only new accounts'
-- state is read), and a background sweep in slices looks again where the
-- one-second resolution of that time could hide a change. With another
-- storage driver, a background sweep every `domaine_index_sweep_interval`
-- seconds. Nothing is persisted: every start rebuilds from the account
-- store itself, so the index cannot drift across restarts. (The module owns
-- its domaine_account store; writes to it from outside are not watched.)
--
-- Costs on Prosody's thread: counting O(1); a page in username or activity
-- order O(log n + page); an update O(n) memmove inside table.insert/remove
-- (C: an insertion and a removal in the middle of 100,000 took 0.5 ms
-- here). "Not seen since" in username order walks the names from the first
-- to the page, skipping those seen since. A substring search scans the
-- names (O(n), 5 ms at 100,000 here); its result is kept until an account
-- is added or removed, so paging through the matches costs a page.
-- Memory: 219 bytes per account.

local usermanager = require "core.usermanager";
local lfs = require "lfs";

local host = module.host;
local account_store = module:open_store("domaine_account");
-- How many usernames one timer tick reads, so that no tick holds the thread
-- for more than a few milliseconds.
local SLICE = module:get_option_number("domaine_index_slice", 500);
local SWEEP_INTERVAL = module:get_option_number("domaine_index_sweep_interval", 5);
local SEARCH_CACHE_SIZE = 8;

-- Shared, so that any host's #count-hosts reads every host's count.
local index = module:shared("index");
index.ready = false;
index.names, index.state, index.by_activity = {}, {}, {};
-- Search results, valid while no account is added or removed (and, for
-- those that depend on activity, while no activity changes): logins change
-- activity all the time, not the set of names.
local search_cache, names_generation, activity_generation = {}, 0, 0;

local function changed(names)
	if names then names_generation = names_generation + 1; end
	activity_generation = activity_generation + 1;
end

-- First position in sorted `array` whose element is not less than `key`.
local function lower_bound(array, key, less)
	local low, high = 1, #array + 1;
	while low < high do
		local mid = (low + high) // 2;
		if less(array[mid], key) then low = mid + 1; else high = mid; end
	end
	return low;
end

local function name_less(a, b) return a < b; end

-- Never seen (nil) sorts first: those are the first to look at for cleaning up.
local function activity_less(a, b)
	local ta, tb = index.state[a].last_active or -1, index.state[b].last_active or -1;
	if ta ~= tb then return ta < tb; end
	return a < b;
end

local function remove_from(array, username, less)
	local i = lower_bound(array, username, less);
	if array[i] == username then table.remove(array, i); end
end

local function insert_into(array, username, less)
	table.insert(array, lower_bound(array, username, less), username);
end

local function read_state(username)
	local account, err = account_store:get(username);
	if not account and err then
		module:log("warn", "Cannot read the state of %s: %s", username, err);
	end
	account = account or {};
	return { last_active = account.last_active, locked = account.locked == true };
end

-- Accounts whose state a catch-up did not read (it lists names only, so
-- that a bulk import behind Prosody's back does not hold the thread while
-- every new record is read): read when on a page, or in the background.
local unread = {};

local function add(username, state)
	if index.state[username] then return; end
	if state and state.unread then unread[username] = true; end
	index.state[username] = state or read_state(username);
	insert_into(index.names, username, name_less);
	insert_into(index.by_activity, username, activity_less);
	changed(true);
end

local function remove(username)
	if not index.state[username] then return; end
	remove_from(index.by_activity, username, activity_less);
	remove_from(index.names, username, name_less);
	index.state[username] = nil;
	unread[username] = nil;
	changed(true);
end

---------------------------------------------------------------------------
-- Building and sweeping, in slices

-- The directory of the account store when it is on files (internal
-- storage): its modification time says whether a sweep can find anything.
local function accounts_dir()
	local driver = module:get_option_string("storage");
	local storage = module:get_option("storage");
	if type(storage) == "table" then driver = storage.accounts; end
	if driver ~= nil and driver ~= "internal" then return nil; end
	local datamanager = require "util.datamanager";
	local path = datamanager.getpath(nil, host, "accounts", "dat");
	return path and path:gsub("%.dat$", "");
end

local dir = accounts_dir();
local function dir_mtime()
	return lfs.attributes(dir, "modification") or 0;
end
-- The directory's modification time the index reflects; `verified` when no
-- change can hide behind that time: modification times are whole seconds,
-- so only a listing started in a later second proves that nothing else
-- happened in that second (after an own write, say).
local synced_mtime, verified = nil, false;
-- One sweep at a time (a newer one abandons an older one); `touched`: the
-- accounts created or deleted in-process while it runs, which its listing
-- may have passed already, so it leaves them alone.
local sweep_generation, sweeping, touched = 0, false, {};

local function build(found)
	local names = {};
	for name, st in pairs(found) do
		names[#names + 1] = name;
		index.state[name] = st;
	end
	table.sort(names);
	index.names = names;
	index.by_activity = table.move(names, 1, #names, 1, {});
	table.sort(index.by_activity, activity_less);
	index.ready = true;
	for name in pairs(touched) do
		if usermanager.user_exists(name, host) then add(name); else remove(name); end
	end
	changed(true);
	module:log("info", "Account index of %s built: %d accounts", host, #names);
end

local function reconcile(seen, found)
	for name, st in pairs(found) do
		if not touched[name] then add(name, st); end
	end
	for i = #index.names, 1, -1 do
		local name = index.names[i];
		if not seen[name] and not touched[name] then remove(name); end
	end
end

-- Lists the account store, in slices of SLICE names across timer ticks (or
-- all at once if `now`); at the end the first sweep builds the index (one
-- sort, not n insertions), later ones add what is missing and remove what
-- is gone.
local function sweep(now)
	sweep_generation = sweep_generation + 1;
	local generation = sweep_generation;
	sweeping, touched = true, {};
	local started_second, started_mtime = os.time(), dir and dir_mtime();
	local next_name, state = usermanager.users(host);
	local seen, found = {}, {};
	local function slice()
		if module.loaded == false or generation ~= sweep_generation then return; end
		for _ = 1, now and math.huge or SLICE do
			local username = next_name(state);
			if not username then
				if index.ready then reconcile(seen, found); else build(found); end
				sweeping, synced_mtime = false, started_mtime;
				verified = started_mtime ~= nil and started_mtime < started_second;
				return;
			end
			seen[username] = true;
			if not index.state[username] then
				found[username] = now and { unread = true, locked = false } or read_state(username);
			end
		end
		-- A short delay, not 0: the timer loop would run it again at once,
		-- before the server gets to its sockets.
		module:add_timer(0.001, slice);
	end
	slice();
end

local function stale()
	return dir_mtime() ~= synced_mtime or not verified;
end

-- Before answering: if something outside this process may have changed the
-- account directory (prosodyctl, files copied in), list it again now: one
-- listing of the names (no file reads but the new accounts' state). Own
-- writes keep the index in sync but leave their second unverified, so the
-- queries of that second list too; the background sweep below verifies it
-- a second later, after which queries cost a page again.
local function catch_up()
	if index.ready and dir and stale() then
		sweep(true);
	end
end

-- The first build, then background sweeps in slices: every second while
-- the directory is unverified, or every SWEEP_INTERVAL seconds without a
-- directory to watch (another storage driver).
module:add_timer(0, function ()
	if not sweeping and (not index.ready or not dir or stale()) then
		sweep();
	end
	return dir and 1 or SWEEP_INTERVAL;
end);

---------------------------------------------------------------------------
-- Kept current by the auth provider (wrapped like mod_domaine's SASL lock)

local wrapped, own = nil, {};
local WRAPPED = { "create_user", "delete_user", "set_password" };

local function unwrap()
	if wrapped then
		for _, name in ipairs(WRAPPED) do wrapped[name] = own[name]; end
		wrapped, own = nil, {};
	end
end

-- Runs an own write to the account store; if the index was in sync before
-- it, it still is after it (up to what the same second may hide).
local function own_write(write, ...)
	local in_sync = dir and not stale();
	local ok, err = write(...);
	if in_sync then
		synced_mtime, verified = dir_mtime(), false;
	end
	return ok, err;
end

local function wrap()
	local provider = prosody.hosts[host].users;
	if not provider or provider == wrapped then return; end
	local replaced = wrapped ~= nil;
	unwrap();
	wrapped = provider;
	local methods = {};
	for _, name in ipairs(WRAPPED) do
		own[name], methods[name] = rawget(provider, name), provider[name];
	end
	provider.create_user = function (username, ...)
		local ok, err = own_write(methods.create_user, username, ...);
		if ok then
			touched[username] = true;
			-- Before the first build ends, the build itself finds the account.
			if index.ready then add(username); end
		end
		return ok, err;
	end
	provider.delete_user = function (username, ...)
		local ok, err = own_write(methods.delete_user, username, ...);
		if ok then
			touched[username] = true;
			remove(username);
		end
		return ok, err;
	end
	provider.set_password = function (...)
		return own_write(methods.set_password, ...);
	end
	if replaced then
		-- Another auth module: another set of accounts.
		index.ready, index.names, index.state, index.by_activity = false, {}, {}, {};
		sweep();
	end
end

module:hook("item-added/auth-provider", wrap, -1);
wrap();
index.catch_up = catch_up;

---------------------------------------------------------------------------
-- The API mod_domaine uses

local lib = {};

-- For mod_domaine's module.unload.
lib.unload = unwrap;

-- O(1); nil until the first build ends.
function lib.count()
	catch_up();
	return index.ready and #index.names or nil;
end

-- mod_domaine wrote a new last activity or lock for `username`.
function lib.update(username, last_active, locked)
	local st = index.state[username];
	if not st then return; end
	if last_active ~= nil and last_active ~= st.last_active then
		remove_from(index.by_activity, username, activity_less);
		st.last_active = last_active;
		insert_into(index.by_activity, username, activity_less);
		changed(false);
	end
	if locked ~= nil then st.locked = locked; end
end

local function read_unread(username)
	local st = index.state[username];
	unread[username] = nil;
	if not (st and st.unread) then return; end
	st.unread = nil;
	local fresh = read_state(username);
	lib.update(username, fresh.last_active, fresh.locked);
end

-- Until then, the order by activity takes them as never seen.
module:add_timer(1, function ()
	local n = 0;
	for username in pairs(unread) do
		read_unread(username);
		n = n + 1;
		if n >= SLICE then break; end
	end
	return next(unread) and 0.001 or 1;
end);

-- How many accounts were not seen since `before` (or never): a prefix of the
-- activity order, found by binary search.
local function not_seen_count(before)
	return lower_bound(index.by_activity, before, function (name, t)
		return (index.state[name].last_active or -1) < t;
	end) - 1;
end

local function seen_before(name, before)
	return (index.state[name].last_active or -1) < before;
end

-- The usernames matching `needle` (plain substring), in `order`, those not
-- seen since `before` only in activity order (a prefix of it): { source =
-- array, last = how many of it match }. Only a substring search scans (and
-- is kept, see search_cache).
local function matches(needle, order, before)
	local by_activity = order == "activity";
	local source = by_activity and index.by_activity or index.names;
	local last = #source;
	if before and by_activity then last = not_seen_count(before); end
	if not needle then return { source = source, last = last }; end
	local key = ("%s\0%s\0%s"):format(needle, order, before or "");
	local hit = search_cache[key];
	if hit and hit.names_generation == names_generation
		and (not by_activity or hit.activity_generation == activity_generation) then
		return hit;
	end
	local list = {};
	for i = 1, last do
		local name = source[i];
		if name:find(needle, 1, true) then list[#list + 1] = name; end
	end
	hit = { source = list, last = #list, names_generation = names_generation,
		activity_generation = activity_generation };
	-- A few recent queries: a bounded cache.
	local n = 0;
	for _ in pairs(search_cache) do n = n + 1; end
	if n >= SEARCH_CACHE_SIZE then search_cache = {}; end
	search_cache[key] = hit;
	return hit;
end

-- The page of `names` (in username order) not seen since `before`, and, if
-- `count`, how many of them are: a walk skipping those seen since. No copy,
-- no sort and nothing kept, so a login elsewhere (which changes an
-- activity) costs the next page nothing: O((offset + limit) / share kept)
-- without counting, O(#names) with.
local function not_seen_page(names, before, offset, limit, count)
	local page, n = {}, 0;
	for _, name in ipairs(names) do
		if seen_before(name, before) then
			n = n + 1;
			if n > offset and #page < limit then
				page[#page + 1] = name;
			elseif #page >= limit and not count then
				break;
			end
		end
	end
	return page, n;
end

-- total matching, and the page: { username, last_active, locked } each.
-- order "username" (default) or "activity" (least recently seen first);
-- before: only accounts not seen since that unix time (or never).
-- nil if the index is not built yet.
function lib.list(needle, order, before, offset, limit)
	catch_up();
	if not index.ready then return nil; end
	local total, names;
	if before and order ~= "activity" then
		-- The search's matches depend on the names only: kept across logins.
		if needle then
			names, total = not_seen_page(matches(needle, order).source, before, offset, limit, true);
		else
			names, total = not_seen_page(index.names, before, offset, limit, false), not_seen_count(before);
		end
	else
		local hit = matches(needle, order, before);
		total = hit.last;
		names = table.move(hit.source, offset + 1, math.min(offset + limit, hit.last), 1, {});
	end
	local page = {};
	for i, name in ipairs(names) do
		-- (May move it in the activity order: the names were taken first.)
		read_unread(name);
		local st = index.state[name];
		page[i] = { username = name, last_active = st.last_active, locked = st.locked };
	end
	return total, page;
end

-- Up to `limit` usernames after `after` ("": from the first), in username
-- order, and how many come after them: a cursor over the host's accounts that
-- survives additions and removals between two calls, O(log n + limit).
-- nil if the index is not built yet.
function lib.after(after, limit)
	catch_up();
	if not index.ready then return nil; end
	local names = index.names;
	local first = 1;
	if after ~= "" then
		first = lower_bound(names, after, name_less);
		if names[first] == after then first = first + 1; end
	end
	local last = math.min(first + limit - 1, #names);
	return table.move(names, first, last, 1, {}), #names - math.max(last, first - 1);
end

-- `of(index)` for the index of every host that loads mod_domaine (host ->
-- result; a host whose index is still building is left out).
local function every_host(of)
	local results = {};
	for name in pairs(prosody.hosts) do
		local other = module:shared("/" .. name .. "/" .. module.name .. "/index");
		if other.ready then
			other.catch_up();
			results[name] = of(other);
		end
	end
	return results;
end

-- Every host's count.
function lib.counts()
	return every_host(function (other) return #other.names; end);
end

-- Every host's count, and how many of its accounts were active since
-- `since` (unix seconds): a suffix of the activity order, found by binary
-- search. { accounts = n, active = n } per host.
function lib.figures(since)
	return every_host(function (other)
		local order = other.by_activity;
		local first_active = lower_bound(order, since, function (name, t)
			return (other.state[name].last_active or -1) < t;
		end);
		return { accounts = #other.names, active = #order - first_active + 1 };
	end);
end

return lib;
