package dev.gatehouse.server.shared;

import java.util.UUID;

/**
 * Published (as a Spring application event, inside the transaction that makes the change) when a
 * user of {@code tenant} is disabled or deleted, so that features holding credentials for them
 * (API keys, OAuth clients of a service account) end those in the same transaction and audit it as
 * done by {@code by} from {@code origin}. {@code kind} is {@code HUMAN} or {@code SERVICE};
 * {@code how} is {@code DISABLED} or {@code DELETED}.
 */
public record AccountClosed(TenantId tenant, UUID user, String kind, String how, Caller by, Origin origin) {}
