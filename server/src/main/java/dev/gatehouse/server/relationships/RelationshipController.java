package dev.gatehouse.server.relationships;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code …/relationships} (docs/api.md, "Relationships, care teams, conditions, fields"). */
@RestController
class RelationshipController {

    record PartyView(String type, String id) {
        static PartyView of(Relationship.Party party) {
            return new PartyView(party.type(), party.id());
        }
    }

    record RelationshipView(String id, PartyView subject, String relation, PartyView object,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Instant expiresAt, Instant createdAt) {
        static RelationshipView of(Relationship relationship) {
            return new RelationshipView(relationship.id().toString(), PartyView.of(relationship.subject()),
                    relationship.relation(), PartyView.of(relationship.object()), relationship.expiresAt(),
                    relationship.createdAt());
        }
    }

    private final Relationships relationships;
    private final Actors actors;

    RelationshipController(Relationships relationships, Actors actors) {
        this.relationships = relationships;
        this.actors = actors;
    }

    @Operation(summary = "Writes a relationship", description = """
            {subject: {type: "user"|"careteam", id}, relation, object: {type, id}, expiresAt?}: user:9 \
            assigned_provider patient:123, user:12 shared_with patient:123 (expiring), user:9 member careteam:5, \
            careteam:5 care_team patient:123. Requires relationships.write tenant-wide (an API key with that \
            scope). A user subject must be a user of the tenant, a care team one of its teams. Idempotent: \
            writing an existing tuple answers 200 with it, its expiry replaced; a new one is 201. Checks then \
            resolve ASSIGNED from it when they name no assignees.""")
    @PostMapping("/api/v1/tenants/{tenant}/relationships")
    ResponseEntity<RelationshipView> write(@AuthenticationPrincipal Caller caller,
            @RequestBody Relationships.NewRelationship body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        Relationships.Written written = relationships.write(caller, tenant.id(), body, actors.actor(caller), origin);
        RelationshipView view = RelationshipView.of(written.relationship());
        if (!written.created()) {
            return ResponseEntity.ok(view);
        }
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/relationships/" + view.id()))
                .body(view);
    }

    /** {@code POST …/relationships/batch}'s body. */
    record BatchRequest(@Nullable List<Relationships.NewRelationship> items) {}

    /** What a batch wrote: how many tuples it created, and each item as stored, in the order asked. */
    record BatchView(long created, List<RelationshipView> items) {}

    @Operation(summary = "Writes many relationships at once", description = """
            {items: [{subject, relation, object, expiresAt?}, …]}, 1 to 10,000 items, each as POST \
            …/relationships takes it, with the same permission (relationships.write tenant-wide). One \
            transaction: a bad item (400 naming items[i].field, or items[i] for a tuple named twice) writes \
            nothing. Each new tuple, and each existing one whose expiry changes, is audited as its single \
            write would be; existing tuples with the same expiry are left as they are. Answers 200 \
            {created, items} with the items in the order asked.""")
    @PostMapping("/api/v1/tenants/{tenant}/relationships/batch")
    BatchView writeAll(@AuthenticationPrincipal Caller caller,
            @RequestBody BatchRequest body, Origin origin, @PathTenant TenantId tenantId) {
        List<Relationships.Written> written = relationships.writeAll(caller, tenantId, body.items(),
                actors.actor(caller), origin);
        return new BatchView(written.stream().filter(Relationships.Written::created).count(),
                written.stream().map(one -> RelationshipView.of(one.relationship())).toList());
    }

    @Operation(summary = "The tenant's relationships", description = "Requires relationships.read tenant-wide."
            + " Filters: subject (user:<id> or careteam:<id>), relation, object (type:id, such as patient:123);"
            + " oldest first. An expired tuple never counts in a check; it is listed for 30 days after its expiry, then"
            + " removed.")
    @GetMapping("/api/v1/tenants/{tenant}/relationships")
    Page<RelationshipView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String subject,
            @RequestParam(required = false) @Nullable String relation,
            @RequestParam(required = false) @Nullable String object,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        Page<Relationship> found = relationships.list(caller, tenantId, subject, relation, object, page, size);
        return new Page<>(found.items().stream().map(RelationshipView::of).toList(), found.page(), found.size(),
                found.total());
    }

    @GetMapping("/api/v1/tenants/{tenant}/relationships/{id}")
    RelationshipView get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @PathTenant TenantId tenantId) {
        return RelationshipView.of(relationships.get(caller, tenantId, Ids.inPath(id, "relationship")));
    }

    @Operation(summary = "Deletes a relationship", description = "Requires relationships.write tenant-wide.")
    @DeleteMapping("/api/v1/tenants/{tenant}/relationships/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        relationships.delete(caller, tenantId, Ids.inPath(id, "relationship"), actors.actor(caller), origin);
        return ResponseEntity.noContent().build();
    }
}
