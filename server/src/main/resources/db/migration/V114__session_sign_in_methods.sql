-- How the user proved who they are for each session (PASSWORD, TOTP, EMAIL_CODE, RECOVERY_CODE), so
-- that an ID token's amr (RFC 8176) says what happened at this sign-in, not what the account holds now.
-- Sessions older than this column were all opened with a password, and a second factor only when the
-- account had one then, which is no longer known: they read as a password alone, the claim they can
-- prove. An impersonation session proved nothing of the user's.
alter table sessions add column sign_in_methods text[] not null default '{PASSWORD}';
alter table sessions alter column sign_in_methods set default '{}';
update sessions set sign_in_methods = '{}' where impersonator_id is not null;
