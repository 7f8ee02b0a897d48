package dev.gatehouse.server.access;

import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Loads one user's stored relationships for the engine (docs/access-model.md, "Relationship"). The
 * relationships feature owns the tuples and implements this; access asks it on the first check of a
 * user that could need them and keeps the answer until {@link AccessChanges#relationshipsChanged}.
 */
public interface RelationshipSource {

    /** The user's relationships, built for the tenant's policy {@code policyTenant} (its tenant key). */
    SubjectRelations load(TenantId tenant, String policyTenant, UUID user);

    /**
     * {@link #load} as a statement for access to send in the round trip that reads a cold profile's user and
     * assignments (issue 17: a cold check was three round trips): the relationships feature keeps its SQL, which
     * reads that round trip's {@code :tenant} and {@code :user}, and builds the index from its rows.
     */
    Part part(String policyTenant, UUID user);

    /** A statement's SQL and how its rows become the user's relationships. */
    record Part(String sql, Rows rows) {}

    /** Reads every row of {@link Part#sql}'s result. */
    @FunctionalInterface
    interface Rows {
        SubjectRelations read(ResultSet rows) throws SQLException;
    }
}
