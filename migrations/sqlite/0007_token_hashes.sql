-- Tokens only the portal knows are kept as their SHA-256 (hex), as session tokens are
-- (server/src/auth/tokens.rs `token_hash`): a copy of the database opens no reset link and
-- confirms no hosting request. SQLite cannot hash the tokens already stored (and PostgreSQL
-- could only with a function not every installation has), so they stop working instead:
-- reset links last a day and an owner makes a new one from the console; an unconfirmed hosting
-- request can be sent again (its confirmation link then says it is not found).
DELETE FROM password_resets;
ALTER TABLE password_resets RENAME COLUMN token TO token_hash;
-- A value no SHA-256 in hex can equal, and unique as the column must be.
UPDATE hosting_requests SET confirm_token = 'invalidated-' || CAST(id AS TEXT);
ALTER TABLE hosting_requests RENAME COLUMN confirm_token TO confirm_token_hash;
