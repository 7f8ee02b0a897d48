package dev.gatehouse.server.access;

import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;

/**
 * Loads one user's stored relationships for the engine (docs/access-model.md, "Relationship"). The
 * relationships feature owns the tuples and implements this; access asks it on the first check of a
 * user that could need them and keeps the answer until {@link AccessChanges#relationshipsChanged}.
 */
public interface RelationshipSource {

    /** The user's relationships, built for the tenant's policy {@code policyTenant} (its tenant key). */
    SubjectRelations load(TenantId tenant, String policyTenant, UUID user);
}
