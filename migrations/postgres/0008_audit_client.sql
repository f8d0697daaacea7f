-- The address of the client that asked for a change (behind trusted proxies, the proxy's
-- client: see server/src/web/client_ip.rs); NULL for what the portal does by itself and for
-- entries made before this column.
ALTER TABLE audit_log ADD COLUMN client_addr TEXT;
