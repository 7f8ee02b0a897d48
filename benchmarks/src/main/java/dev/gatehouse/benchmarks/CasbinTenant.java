package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;

/**
 * A generated tenant's policy as jCasbin RBAC with domains, where a domain is a location.
 *
 * <ul>
 *   <li>A role held at a location holds there and at every location below it; a tenant-wide
 *       assignment holds at every location: one {@code g} line per user, role and such location.
 *   <li>Role inheritance holds in every domain: one {@code g} line per role, parent and location.
 *   <li>A location-scope grant: one {@code p} line per role, permission and location.
 *   <li>A tenant-scope grant reaches the whole tenant from wherever the role is held, which RBAC with
 *       domains cannot say with {@code g} alone (it would take a line per assignment and location for
 *       every role). It is written once in the domain {@value #WHOLE_TENANT} and matched through
 *       {@code g2}, "holds the role somewhere": one {@code g2} line per user and role, and per role
 *       and parent.
 *   <li>{@code resource.*} grants become the action {@code *}.
 *   <li>Own- and assigned-scope grants are left out: the benchmark's resources have no owner and no
 *       assignees, so Gatehouse never allows through them either, and jCasbin would need ABAC for them.
 * </ul>
 * Setup checks that both engines decide every benchmarked request alike.
 */
public final class CasbinTenant {

    /** The domain of tenant-scope grants; the matcher spells it out. */
    static final String WHOLE_TENANT = "*";

    /**
     * The matcher, in two orders that decide alike. jCasbin evaluates it once per {@code p} line, so
     * the order of its tests sets the cost of a check. Public because JMH's generated code, in another
     * package, sets it as a benchmark parameter.
     */
    public enum Matcher {
        /** Role membership first, as jCasbin's RBAC-with-domains example writes it. */
        ROLE_FIRST("(g(r.sub, p.sub, r.dom) && r.dom == p.dom || g2(r.sub, p.sub) && p.dom == \"*\")"
                + " && r.obj == p.obj && (r.act == p.act || p.act == \"*\")"),
        /** String comparisons first, so most lines fail before any role lookup: jCasbin at its best here. */
        FIELDS_FIRST("r.obj == p.obj && (r.act == p.act || p.act == \"*\")"
                + " && (r.dom == p.dom && g(r.sub, p.sub, r.dom) || p.dom == \"*\" && g2(r.sub, p.sub))");

        private final String expression;

        Matcher(String expression) {
            this.expression = expression;
        }

        String model() {
            return """
                    [request_definition]
                    r = sub, dom, obj, act

                    [policy_definition]
                    p = sub, dom, obj, act

                    [role_definition]
                    g = _, _, _
                    g2 = _, _

                    [policy_effect]
                    e = some(where (p.eft == allow))

                    [matchers]
                    m = %s
                    """.formatted(expression);
        }
    }

    private CasbinTenant() {
    }

    /** Counts of what was loaded, for the benchmark's log. */
    record Size(int policies, int roleLinks, int anywhereLinks) {}

    static Enforcer enforcer(GeneratedTenant tenant, Matcher matcher) {
        return loaded(new Enforcer(Model.newModelFromString(matcher.model())), tenant);
    }

    /**
     * jCasbin's own answer to repeated requests: a {@link CachedEnforcer} remembers each request's
     * decision by a key joined from its fields, until its policy is edited through it. Nothing tells
     * it when the policy changes elsewhere, which is the staleness the Java SDK's change stream removes.
     */
    static CachedEnforcer cachedEnforcer(GeneratedTenant tenant, Matcher matcher) {
        return loaded(new CachedEnforcer(Model.newModelFromString(matcher.model())), tenant);
    }

    private static <E extends Enforcer> E loaded(E enforcer, GeneratedTenant tenant) {
        TenantPolicy policy = tenant.policy();
        List<String> everywhere = policy.locations().locations().stream().map(Location::id).toList();
        Set<List<String>> policies = new LinkedHashSet<>();
        Set<List<String>> roleLinks = new LinkedHashSet<>();
        Set<List<String>> anywhereLinks = new LinkedHashSet<>();
        for (Role role : policy.roles()) {
            for (Grant grant : role.grants()) {
                String[] objectAndAction = split(grant.permission());
                switch (grant.scope()) {
                    case TENANT -> policies.add(List.of(role.key(), WHOLE_TENANT, objectAndAction[0],
                            objectAndAction[1]));
                    case LOCATION -> {
                        for (String location : everywhere) {
                            policies.add(List.of(role.key(), location, objectAndAction[0], objectAndAction[1]));
                        }
                    }
                    case ASSIGNED, OWN -> {
                        // Left out: see the class comment.
                    }
                }
            }
            for (String parent : role.inherits()) {
                anywhereLinks.add(List.of(role.key(), parent));
                for (String location : everywhere) {
                    roleLinks.add(List.of(role.key(), parent, location));
                }
            }
        }
        for (Subject subject : tenant.subjects()) {
            for (Assignment assignment : subject.assignments()) {
                anywhereLinks.add(List.of(subject.id(), assignment.role()));
                List<String> holds = assignment.isTenantWide() ? everywhere
                        : policy.locations().subtree(assignment.location());
                for (String location : holds) {
                    roleLinks.add(List.of(subject.id(), assignment.role(), location));
                }
            }
        }

        enforcer.enableLog(false);
        // Bulk load: build the role graph once at the end rather than after every line.
        enforcer.enableAutoBuildRoleLinks(false);
        enforcer.addPolicies(new ArrayList<>(policies));
        enforcer.addNamedGroupingPolicies("g", new ArrayList<>(roleLinks));
        enforcer.addNamedGroupingPolicies("g2", new ArrayList<>(anywhereLinks));
        enforcer.buildRoleLinks();
        return enforcer;
    }

    static Size size(Enforcer enforcer) {
        return new Size(enforcer.getPolicy().size(), enforcer.getNamedGroupingPolicy("g").size(),
                enforcer.getNamedGroupingPolicy("g2").size());
    }

    /** The jCasbin request for a Gatehouse one: user, the resource's location, resource type, action. */
    static Object[] request(String subject, String permission, Resource resource) {
        String[] objectAndAction = split(permission);
        return new Object[] {subject, resource.location(), objectAndAction[0], objectAndAction[1]};
    }

    /** {@code patients.read} → {@code patients}, {@code read}; {@code patients.*} → {@code patients}, {@code *}. */
    private static String[] split(String permission) {
        int dot = permission.indexOf('.');
        return new String[] {permission.substring(0, dot), permission.substring(dot + 1)};
    }
}
