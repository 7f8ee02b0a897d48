package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A platform operator renames a tenant ({@code PATCH /api/v1/tenants/{tenant}} {@code {name}}, our
 * extension of docs/api.md; the platform pack's {@code tenants.edit}, seed 002 §3.2 "organization
 * management"). The slug stays: it is in every sign-in and every URL. Recorded as
 * {@code TENANT_UPDATED} in the tenant's own trail, where its admins see who renamed them.
 */
@Service
public class TenantEdits {

    static final int MAX_NAME = 200;

    private final Tenants tenants;
    private final Access access;
    private final AuditLog audit;
    private final JsonMapper json = JsonMapper.builder().build();

    TenantEdits(Tenants tenants, Access access, AuditLog audit) {
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
    }

    /**
     * Renames from the API's JSON body {@code {name}}.
     *
     * @throws ApiException 404 for an unknown tenant, and for any tenant but their own to a
     *     tenant's user (who on their own is told 403: only operators manage tenants); 403 without
     *     {@code tenants.edit} or on the platform tenant; 400 naming the field at fault
     */
    @Transactional
    public Tenant rename(Caller caller, String tenant, @Nullable String body, AuditLog.Actor actor, Origin origin) {
        return apply(caller, tenant, () -> name(body), actor, origin);
    }

    /** Renames from the console's form field {@code name}; refusals as {@link #rename}. */
    @Transactional
    public Tenant renameTo(Caller caller, String tenant, @Nullable String name, AuditLog.Actor actor, Origin origin) {
        return apply(caller, tenant, () -> validName(name == null ? "" : name), actor, origin);
    }

    /** The checks in order — operator, permission, input, tenant — so no one but an operator learns more. */
    private Tenant apply(Caller caller, String tenant, Supplier<String> input, AuditLog.Actor actor, Origin origin) {
        if (!caller.isPlatformOperator()) {
            boolean own = tenant.equals(caller.tenantSlug()) || tenant.equals(caller.tenant().value().toString());
            throw own ? ApiException.forbidden("only platform operators manage tenants")
                    : ApiException.notFound("tenant " + tenant);
        }
        access.require(caller, "tenants.edit", null);
        String name = input.get();
        Tenant found = tenants.find(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        if (found.slug().equals(Caller.PLATFORM)) {
            throw ApiException.forbidden("the platform tenant is the operators' own and is not renamed through the API");
        }
        Tenant current = tenants.findForUpdate(found.id()).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        if (current.name().equals(name)) {
            return current;
        }
        tenants.rename(current.id(), name);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", Map.of("name", current.name()));
        details.put("after", Map.of("name", name));
        audit.record(current.id(), "TENANT_UPDATED", actor,
                new AuditLog.Target("tenant", current.id().toString(), current.slug()), origin.ip(), origin.userAgent(),
                details);
        return tenants.find(current.id()).orElseThrow();
    }

    /** The body's {@code name}: the only field, a non-blank string of at most {@value #MAX_NAME} characters. */
    private String name(@Nullable String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("name", "is required");
        }
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("body", "is not valid JSON");
        }
        if (!document.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object {\"name\": \"...\"}");
        }
        for (String field : document.propertyNames()) {
            if (!field.equals("name")) {
                throw ApiException.badRequest(field, "is not a field of a tenant that can be changed; the slug stays");
            }
        }
        JsonNode name = document.path("name");
        if (!name.isString()) {
            throw ApiException.badRequest("name", name.isMissingNode() || name.isNull() ? "is required" : "must be a string");
        }
        return validName(name.asString());
    }

    private static String validName(String given) {
        String text = given.strip();
        if (text.isEmpty()) {
            throw ApiException.badRequest("name", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > MAX_NAME) {
            throw ApiException.badRequest("name", "must be at most " + MAX_NAME + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("name", "must not contain control characters");
        }
        return text;
    }
}
