-- Published by passkeys (a read model, as V148's): who holds a passkey. A proved password step asks
-- whether the user has a passkey, a confirmed authenticator and a known device in one query (issue 17),
-- and authentication may not depend on passkeys (passkeys depends on it). Only read: registering and
-- removing passkeys stay passkeys.PasskeyStore's.
create view passkey_holders as
    select tenant_id, user_id
    from passkeys;
