-- The first characters of a key (`ptl_` and 8 of its 64 hex digits, 32 of
-- its 256 bits), kept so that an operator can tell keys apart in
-- `portalis api-key list` and revoke the right one. NULL for keys made
-- before this version.
ALTER TABLE api_keys ADD COLUMN key_prefix TEXT;
