-- domaine_util: what mod_domaine and mod_domaine_hosts share. Not a module:
-- each loads it with module:require "domaine_util", which finds this file on
-- plugin_paths next to them and runs it in the calling module's environment.
--
-- How a command fails. A failed command completes (status='completed') like
-- mod_admin_adhoc's, and carries two things in <command/>:
--
--   <note type='error'>English text</note>       for people and logs
--   <failure xmlns='urn:domaine:error' condition='CONDITION' field='FIELD'>VALUE</failure>
--
-- The portal reads only <failure/>: CONDITION always, FIELD (the form field
-- at fault) and VALUE (the rejected input, or the host or JID concerned)
-- where given. The conditions:
--
--   missing-field         a required field is empty (FIELD)
--   invalid-jid           a JID field does not prep (FIELD, VALUE)
--   invalid-value         a field's value is out of range or unknown (FIELD, VALUE)
--   storage-failure       Prosody's storage could not be read or written
--   unavailable           registration cannot be decided now (settings or invite unreadable)
--   user-not-found        the account does not exist
--   account-exists        the account exists already
--   wrong-host            the account is on another host (VALUE: its host)
--   own-account           the sender may not lock its own account
--   invalid-username      not a valid local part (VALUE)
--   invitation-invalid    unknown, expired, revoked or used-up token (never says which)
--   username-not-invited  the invitation is for another username
--   fixed-username-multi-use  a fixed username with max-uses > 1
--   invalid-contact       the contact is not a bare JID (VALUE)
--   contact-not-found     the contact is not an account here (VALUE)
--   registration-closed   the host's registration mode is closed
--   invitation-only       the host registers with an invitation only
--   quota-reached         the host has as many accounts as its quota
--   registration-refused  another module refused the registration
--   invalid-host          not a domain name (VALUE)
--   host-not-found        the host is neither served nor recorded (VALUE)
--   not-virtual-host      the host is a component (VALUE)
--   own-host              the sender may not suspend its own host
--   activation-failed     Prosody could not bring the host up (VALUE: the host)
--   deactivation-failed   Prosody could not take the host down (VALUE: the host)
--   invalid-certificate   not a PEM certificate valid now for the host (FIELD)
--   invalid-key           not a PEM private key, or not the certificate's (FIELD)
--   certificate-write-failed  the files could not be written (VALUE: the host)

local st = require "util.stanza";
local adhoc_simple = require "util.adhoc".new_simple_form;
local adhoc_new = module:require "adhoc".new;

local ERROR_NS = "urn:domaine:error";

local util = {};

-- A failed command: `message` for people, `condition` (and the optional
-- `field` and `value`) for the portal.
function util.fail(condition, message, field, value)
	local failure = st.stanza("failure", { xmlns = ERROR_NS, condition = condition, field = field });
	if value then failure:text(value); end
	return { status = "completed", error = { message = message }, other = failure };
end

function util.read_failure()
	return util.fail("storage-failure", "Failed to read data from disk");
end

function util.write_failure()
	return util.fail("storage-failure", "Failed to write data to disk");
end

function util.invalid_value(field, value)
	return util.fail("invalid-value", "Invalid " .. field .. ": " .. value, field, value);
end

function util.done(message)
	return { status = "completed", info = message };
end

function util.form_type(node)
	return { name = "FORM_TYPE", type = "hidden", value = node };
end

-- The value a field was submitted with, before util.dataforms refused it.
local function submitted(form, name)
	if not form then return nil; end
	for tag in form:childtags("field") do
		if tag.attr.var == name then return tag:get_child_text("value"); end
	end
end

local jid_types = { ["jid-single"] = true, ["jid-multi"] = true };

-- util.dataforms' errors (a required field missing, a JID that does not
-- prep): one "field: message" line per field, as mod_admin_adhoc words them;
-- the condition is the first invalid JID, else the first missing field.
local function form_errors(layout, form, errors)
	local names, lines = {}, {};
	for name in pairs(errors) do names[#names + 1] = name; end
	table.sort(names);
	local is_jid = {};
	for _, field in ipairs(layout) do
		is_jid[field.name] = jid_types[field.type];
	end
	local invalid, invalid_value, missing;
	for _, name in ipairs(names) do
		lines[#lines + 1] = name .. ": " .. errors[name];
		local value = submitted(form, name);
		if is_jid[name] and value and value ~= "" then
			if not invalid then invalid, invalid_value = name, value; end
		elseif not missing then
			missing = name;
		end
	end
	local message = table.concat(lines, "\n");
	if invalid then return util.fail("invalid-jid", message, invalid, invalid_value); end
	return util.fail("missing-field", message, missing);
end

-- A command with a form: `handler(fields, data)` runs once the form is
-- submitted and valid; an invalid one fails with the form's errors.
function util.form_command(layout, handler)
	return adhoc_simple(layout, function (fields, err, data)
		if err then return form_errors(layout, data.form, err); end
		return handler(fields, data);
	end);
end

-- A command without input, which completes at once like mod_admin_adhoc's
-- reload: `compute(data)` answers the result's values, or nil and a failure.
function util.result_command(layout, compute)
	return function (self, data, state) -- luacheck: ignore 212
		local values, failure = compute(data);
		if not values then return failure; end
		return { status = "completed", result = { layout = layout, values = values } };
	end
end

-- Offers `commands` ({ name, node, handler } each) on `target` (a module
-- object), to senders with `permission` ("admin", "global_admin").
function util.provide_commands(target, commands, permission)
	for _, command in ipairs(commands) do
		target:provides("adhoc", adhoc_new(command[1], command[2], command[3], permission));
	end
end

return util;
