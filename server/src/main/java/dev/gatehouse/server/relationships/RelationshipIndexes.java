package dev.gatehouse.server.relationships;

import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.server.access.RelationshipSource;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Builds one user's relationship index for the engine from the stored tuples, in one query; access
 * keeps it per node until a tuple of the user, or of a care team they are in, changes.
 */
@Component
class RelationshipIndexes implements RelationshipSource {

    private final RelationshipStore store;

    RelationshipIndexes(RelationshipStore store) {
        this.store = store;
    }

    // No transaction: the index is one statement, one snapshot; a read-only transaction around it cost a
    // COMMIT round trip on every cold check (docs/benchmarks.md, "Branch cold17").
    @Override
    public SubjectRelations load(TenantId tenant, String policyTenant, UUID user) {
        SubjectRelations.Builder index = SubjectRelations.builder(policyTenant, user.toString());
        store.loadIndex(tenant, user, into(index));
        return index.build();
    }

    @Override
    public Part part(String policyTenant, UUID user) {
        return new Part(RelationshipStore.INDEX, rs -> {
            SubjectRelations.Builder index = SubjectRelations.builder(policyTenant, user.toString());
            RelationshipStore.IndexRows rows = into(index);
            while (rs.next()) {
                RelationshipStore.indexRow(rs, rows);
            }
            return index.build();
        });
    }

    private static RelationshipStore.IndexRows into(SubjectRelations.Builder index) {
        return new RelationshipStore.IndexRows() {
            @Override
            public void own(String relation, String objectType, String objectId, @Nullable Instant until) {
                index.tuple(relation, objectType, objectId, until);
            }

            @Override
            public void throughTeam(UUID team, String teamName, @Nullable Instant memberUntil, String relation,
                    String objectType, String objectId, @Nullable Instant until) {
                index.throughCareTeam(team.toString(), teamName, memberUntil, relation, objectType, objectId, until);
            }
        };
    }
}
