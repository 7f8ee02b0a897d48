package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.TenantScope;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SCIM 2.0 endpoints of a tenant (RFC 7644 §3): Users and Groups with create, read, list
 * (filter, sort, page), replace, PATCH and delete, and the discovery documents. Answers are
 * {@code application/scim+json} with the resource's version as a weak ETag; errors are in the
 * SCIM error schema ({@link ScimErrors}). Left out of /v3/api-docs: SCIM describes itself through
 * its own discovery documents (RFC 7644 §4), and its bodies are SCIM resources, not the API's.
 */
@Hidden
@RestController
@RequestMapping("/scim/v2/{tenant}")
class ScimController {

    static final MediaType SCIM = MediaType.parseMediaType("application/scim+json");

    private final ScimCallers callers;
    private final ScimUsers users;
    private final ScimGroups groups;
    private final ScimDiscovery discovery;

    ScimController(ScimCallers callers, ScimUsers users, ScimGroups groups, ScimDiscovery discovery) {
        this.callers = callers;
        this.users = users;
        this.groups = groups;
        this.discovery = discovery;
    }

    @PostMapping("/Users")
    ResponseEntity<JsonNode> createUser(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestBody JsonNode body, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return created(users.create(caller, scoped, body, origin));
    }

    @GetMapping("/Users")
    ResponseEntity<JsonNode> listUsers(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestParam(required = false) @Nullable String filter,
            @RequestParam(required = false) @Nullable String sortBy,
            @RequestParam(required = false) @Nullable String sortOrder,
            @RequestParam(required = false) @Nullable Integer startIndex,
            @RequestParam(required = false) @Nullable Integer count,
            @RequestParam(required = false) @Nullable String attributes,
            @RequestParam(required = false) @Nullable String excludedAttributes) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(ScimResources.list(users.all(caller, scoped), filter, sortBy, sortOrder, startIndex, count,
                attributes, excludedAttributes));
    }

    @GetMapping("/Users/{id}")
    ResponseEntity<JsonNode> getUser(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestParam(required = false) @Nullable String attributes,
            @RequestParam(required = false) @Nullable String excludedAttributes) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(users.get(caller, scoped, ScimUsers.id(id)), attributes, excludedAttributes);
    }

    @PutMapping("/Users/{id}")
    ResponseEntity<JsonNode> replaceUser(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestBody JsonNode body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(users.replace(caller, scoped, ScimUsers.id(id), body, ifMatch, origin), null, null);
    }

    @PatchMapping("/Users/{id}")
    ResponseEntity<JsonNode> patchUser(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestBody JsonNode body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(users.patch(caller, scoped, ScimUsers.id(id), body, ifMatch, origin), null, null);
    }

    @DeleteMapping("/Users/{id}")
    ResponseEntity<Void> deleteUser(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        users.delete(caller, scoped, ScimUsers.id(id), ifMatch, origin);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/Groups")
    ResponseEntity<JsonNode> createGroup(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestBody JsonNode body, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return created(groups.create(caller, scoped, body, origin));
    }

    @GetMapping("/Groups")
    ResponseEntity<JsonNode> listGroups(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestParam(required = false) @Nullable String filter,
            @RequestParam(required = false) @Nullable String sortBy,
            @RequestParam(required = false) @Nullable String sortOrder,
            @RequestParam(required = false) @Nullable Integer startIndex,
            @RequestParam(required = false) @Nullable Integer count,
            @RequestParam(required = false) @Nullable String attributes,
            @RequestParam(required = false) @Nullable String excludedAttributes) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(ScimResources.list(groups.all(caller, scoped), filter, sortBy, sortOrder, startIndex, count,
                attributes, excludedAttributes));
    }

    @GetMapping("/Groups/{id}")
    ResponseEntity<JsonNode> getGroup(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestParam(required = false) @Nullable String attributes,
            @RequestParam(required = false) @Nullable String excludedAttributes) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(groups.get(caller, scoped, ScimUsers.id(id)), attributes, excludedAttributes);
    }

    @PutMapping("/Groups/{id}")
    ResponseEntity<JsonNode> replaceGroup(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestBody JsonNode body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(groups.replace(caller, scoped, ScimUsers.id(id), body, ifMatch, origin), null, null);
    }

    @PatchMapping("/Groups/{id}")
    ResponseEntity<JsonNode> patchGroup(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id, @RequestBody JsonNode body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return versioned(groups.patch(caller, scoped, ScimUsers.id(id), body, ifMatch, origin), null, null);
    }

    @DeleteMapping("/Groups/{id}")
    ResponseEntity<Void> deleteGroup(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch, Origin origin) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        groups.delete(caller, scoped, ScimUsers.id(id), ifMatch, origin);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/ServiceProviderConfig")
    ResponseEntity<JsonNode> serviceProviderConfig(@AuthenticationPrincipal @Nullable Caller caller,
            @PathVariable String tenant) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(discovery.serviceProviderConfig(users.base(scoped)));
    }

    @GetMapping("/ResourceTypes")
    ResponseEntity<JsonNode> resourceTypes(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(discovery.resourceTypes(users.base(scoped)));
    }

    @GetMapping("/ResourceTypes/{name}")
    ResponseEntity<JsonNode> resourceType(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String name) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(discovery.resourceType(users.base(scoped), name));
    }

    @GetMapping("/Schemas")
    ResponseEntity<JsonNode> schemas(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(discovery.schemas(users.base(scoped)));
    }

    @GetMapping("/Schemas/{id}")
    ResponseEntity<JsonNode> schema(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @PathVariable String id) {
        TenantScope.Scoped scoped = callers.require(caller, tenant);
        return ok(discovery.schema(users.base(scoped), id));
    }

    private static ResponseEntity<JsonNode> ok(JsonNode body) {
        return ResponseEntity.ok().contentType(SCIM).body(body);
    }

    private static ResponseEntity<JsonNode> created(ObjectNode resource) {
        return ResponseEntity.created(URI.create(resource.get("meta").get("location").asString())).contentType(SCIM)
                .eTag(ScimResources.version(resource)).body(resource);
    }

    private static ResponseEntity<JsonNode> versioned(ObjectNode resource, @Nullable String attributes,
            @Nullable String excludedAttributes) {
        return ResponseEntity.ok().contentType(SCIM).eTag(ScimResources.version(resource))
                .body(ScimResources.project(resource, attributes, excludedAttributes));
    }
}
