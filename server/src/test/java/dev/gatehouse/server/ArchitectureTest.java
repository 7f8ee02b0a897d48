package dev.gatehouse.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server's feature packages and what each may reach (docs/architecture.md, docs/style.md
 * rule 9). A failure here means a feature reached where it must not; move the code, don't widen
 * the rule without writing why.
 */
class ArchitectureTest {

    private static final String[] FEATURES = {"dev.gatehouse.server.tenancy..", "dev.gatehouse.server.users..",
        "dev.gatehouse.server.access..", "dev.gatehouse.server.authentication..", "dev.gatehouse.server.audit..",
        "dev.gatehouse.server.platform..", "dev.gatehouse.server.database..", "dev.gatehouse.server.console..",
        "dev.gatehouse.server.mail..", "dev.gatehouse.server.audittrail..", "dev.gatehouse.server.alerts..",
        "dev.gatehouse.server.throttling..", "dev.gatehouse.server.outbound..", "dev.gatehouse.server.settings..",
        "dev.gatehouse.server.passkeys.."};

    private static final String[] FEATURES_BUT_OUTBOUND = java.util.Arrays.stream(FEATURES)
            .filter(name -> !name.startsWith("dev.gatehouse.server.outbound")).toArray(String[]::new);

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.server");

    /**
     * Classes still handed the servlet request itself — the filters before MVC and the sign-in,
     * session and check paths they call — read the request's cached origin; everyone else takes
     * the {@link Origin} parameter the edge resolves. Shrink this list, never grow it.
     */
    private static final String[] READ_THE_ORIGIN_OF_A_REQUEST = {
        "dev.gatehouse.server.authentication.NetworkRules", "dev.gatehouse.server.authentication.SessionResolver",
        "dev.gatehouse.server.authentication.SignInService",
        // Kinds of bearer credential (shared.BearerCredentials is handed the request, as SessionResolver is),
        // and the IP rules they share.
        "dev.gatehouse.server.apikeys.KeyBearer", "dev.gatehouse.server.oidc.AccessTokenBearer",
        "dev.gatehouse.server.authentication.CredentialNetworks",
        // The one bearer path throttles unknown tokens per address before and after the lookup.
        "dev.gatehouse.server.authentication.BearerTokenFilter", "dev.gatehouse.server.authentication.ChainShortcut",
        "dev.gatehouse.server.access.RefusalAudit",
        "dev.gatehouse.server.access.CheckController", "dev.gatehouse.server.audittrail.AuditController$Entries",
        // The provider's logout runs in its security chain, ahead of any controller.
        "dev.gatehouse.server.oidc.ProviderLogout", "dev.gatehouse.server.oidc.ClientThrottle",
        // Issue 15: the contract hands the protocols' callbacks' request to the SSO completion, which passes
        // its origin to provisioning as the sign-in step does.
        "dev.gatehouse.server.console.SsoSignInPages"};

    @Test
    void featurePackagesDoNotDependOnEachOtherInCycles() {
        slices().matching("dev.gatehouse.server.(*)..").should().beFreeOfCycles().check(SERVER);
    }

    @Test
    void sharedCodeDependsOnNoFeature() {
        noClasses().that().resideInAPackage("dev.gatehouse.server.shared..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .orShould().dependOnClassesThat().resideOutsideOfPackages("dev.gatehouse.server.shared..",
                        "java..", "jakarta..", "org.springframework..", "org.slf4j..", "org.jspecify..",
                        "tools.jackson..", "com.github.benmanes.caffeine..")
                .because("shared holds only what three or more features need, and needs none of them"
                        + " (Caffeine: the per-node cache of announced rows, shared.NodeCache)")
                .check(SERVER);
    }

    @Test
    void theAuditTrailTheMailOutboxAndTheDatabaseKnowNoFeature() {
        noClasses().that().resideInAnyPackage("dev.gatehouse.server.audit..", "dev.gatehouse.server.database..",
                        "dev.gatehouse.server.mail..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gatehouse.server.users..",
                        "dev.gatehouse.server.tenancy..", "dev.gatehouse.server.authentication..",
                        "dev.gatehouse.server.platform..", "dev.gatehouse.server.alerts..")
                .because("alerts hear of audit events through the AuditRecorded application event")
                .check(SERVER);
    }

    @Test
    void everyOutboundHttpCallGoesThroughTheOutboundGuard() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.outbound..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "org.apache.hc..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.web.client.RestClient")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.web.client.RestTemplate")
                .because("one way out: outbound.OutboundHttp checks every URL and pins the connection (docs/security.md)")
                .check(SERVER);
        noClasses().that().resideInAPackage("dev.gatehouse.server.outbound..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES_BUT_OUTBOUND)
                .because("the guard serves every feature and knows none")
                .check(SERVER);
    }

    @Test
    void theSettingsHomeKnowsNoFeatureButTheAuditRetentionBounds() {
        noClasses().that().resideInAPackage("dev.gatehouse.server.settings..")
                .should().dependOnClassesThat().resideInAnyPackage(java.util.Arrays.stream(FEATURES)
                        .filter(name -> !name.startsWith("dev.gatehouse.server.settings")
                                && !name.startsWith("dev.gatehouse.server.audit.."))
                        .toArray(String[]::new))
                .because("every feature reads its settings from settings.TenantSettingsStore, so the settings may"
                        + " depend on none of them (docs/style.md rule 17)")
                .check(SERVER);
    }

    @Test
    void noFeatureDependsOnTheAlerts() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.alerts..")
                .should().dependOnClassesThat().resideInAPackage("dev.gatehouse.server.alerts..")
                .because("alerts react to committed audit events; nothing calls them")
                .check(SERVER);
    }

    @Test
    void theAccessBridgeDoesNotReachIntoUsersTenantsOrSignIn() {
        noClasses().that().resideInAPackage("dev.gatehouse.server.access..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gatehouse.server.users..",
                        "dev.gatehouse.server.tenancy..", "dev.gatehouse.server.authentication..",
                        "dev.gatehouse.server.platform..")
                .because("every feature asks access; access asks only the engine and its own tables")
                .check(SERVER);
    }

    @Test
    void nothingButThePlatformBootstrapAndItsOwnPackageTouchesThePlatformPackage() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.platform..")
                .and().doNotHaveFullyQualifiedName(GatehouseApplication.class.getName())
                .should().dependOnClassesThat().resideInAPackage("dev.gatehouse.server.platform..")
                .check(SERVER);
    }

    @Test
    void controllersLiveInTheirFeatureNotInShared() {
        classes().that().areAnnotatedWith(RestController.class)
                .should().resideOutsideOfPackages("dev.gatehouse.server.shared..", "dev.gatehouse.server.database..")
                .check(SERVER);
    }

    @Test
    void idsGivenAsTextAreReadByTheOneParser() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.shared..")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.server.access.AccessChangeListener")
                .should().callMethod(java.util.UUID.class, "fromString", String.class)
                .because("shared.Ids reads ids of paths, bodies and queries (only the 36-character spelling);"
                        + " the access listener reads the database's own notifications")
                .check(SERVER);
    }

    @Test
    void theRequestsAddressIsReadOnlyByTheOneOrigin() {
        noClasses().that().doNotHaveFullyQualifiedName(Origin.class.getName())
                // A repository another change is moving; it still reads the address of a sign-in itself.
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.server.authentication.Sessions")
                .should().callMethodWhere(JavaCall.Predicates.target(HasName.Predicates.name("getRemoteAddr")))
                .because("shared.Origin is the one place a request's address (server.forward-headers-strategy"
                        + " applied) and user agent are read (docs/style.md rule 18)")
                .check(SERVER);
    }

    @Test
    void aRequestsOriginIsResolvedAtTheEdgeAndHandedDown() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.edge..")
                .and().doNotHaveFullyQualifiedName(Origin.class.getName())
                .and(DescribedPredicate.describe("are not among the listed readers of the servlet request",
                        (JavaClass c) -> !java.util.List.of(READ_THE_ORIGIN_OF_A_REQUEST).contains(c.getName())))
                .should().callMethod(Origin.class, "of", HttpServletRequest.class)
                .because("a controller takes an Origin parameter (edge.RequestOrigins), resolved once per request")
                .check(SERVER);
    }

    @Test
    void controllersTakeThePathsTenantFromTheOneResolver() {
        noClasses().that().areAnnotatedWith(RestController.class)
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.server.access.CheckController")
                .should().dependOnClassesThat().haveFullyQualifiedName(TenantPaths.class.getName())
                .because("a path's {tenant} is a @PathTenant TenantId parameter (shared.PathTenants); the check"
                        + " API's lean filter hands CheckController the raw path, which it resolves the same way")
                .check(SERVER);
    }

    @Test
    void servicesTakeAResolvedTenantNotThePathsText() {
        noClasses().that().areNotAnnotatedWith(RestController.class)
                .and().areNotAnnotatedWith(org.springframework.stereotype.Controller.class)
                .and().resideOutsideOfPackage("dev.gatehouse.server.shared..")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.server.users.TenantScope")
                .should().callMethodWhere(DescribedPredicate.describe("the method resolves a tenant's name (TenantPaths)",
                        (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(TenantPaths.class)))
                .because("a path's {tenant} is resolved once, at the edge (shared.PathTenants with the path's"
                        + " PathTenant.For: a member's own tenant, an audit trail, what an operator does in a tenant;"
                        + " users.TenantScope), so an unknown or foreign tenant answers the same 404 everywhere and"
                        + " services take a TenantId or a TenantPaths.TenantRef")
                .check(SERVER);
    }

    /**
     * Signed-in controllers that still bind the path's {@code {tenant}} as text: the check API (its lean
     * filter hands CheckController the raw path, resolved through TenantPaths as the resolver does) and
     * SCIM (it answers a caller without an API key in SCIM's own error document before any tenant is
     * looked up, then resolves through users.TenantScope). Shrink this list, never grow it.
     */
    private static final Set<String> BIND_THE_PATHS_TENANT_AS_TEXT = Set.of(
            "dev.gatehouse.server.access.CheckController", "dev.gatehouse.server.scim.ScimController");

    @Test
    void signedInControllersTakeThePathsTenantResolvedNotAsText() {
        classes().that().areAnnotatedWith(RestController.class)
                .or().areAnnotatedWith(org.springframework.stereotype.Controller.class)
                .should(new ArchCondition<JavaClass>("bind no {tenant} path variable as text in a handler a"
                        + " signed-in caller reaches") {
                    @Override
                    public void check(JavaClass controller, ConditionEvents events) {
                        if (!BIND_THE_PATHS_TENANT_AS_TEXT.contains(controller.getName())) {
                            for (Method method : tenantAsText(controller)) {
                                events.add(SimpleConditionEvent.violated(method, controller.getName() + "."
                                        + method.getName() + " binds the path's {tenant} as text"));
                            }
                        }
                    }
                })
                .because("a signed-in path's {tenant} is a @PathTenant TenantId or TenantPaths.TenantRef parameter"
                        + " (shared.PathTenants): its variant decides which tenants it may name, and links and"
                        + " messages read the resolved slug, so no controller holds the path's text to resolve,"
                        + " compare or echo")
                .check(SERVER);
    }

    /**
     * The calls that turn a tenant's name (a slug, or an id given as text) into a tenant: the
     * directory's, and the tenants table's own lookup by either.
     */
    private static final Set<String> NAME_TO_TENANT = Set.of("named", "namedCached", "idOf", "activeBySlug",
            "activeBySlugCached", "isSuspended", "find");

    /**
     * Who may still turn a name into a tenant themselves, and why: none of them reads it from a path.
     * A path's {@code {tenant}} is resolved by shared (TenantPaths for the signed-in, OpenTenants for the
     * rest), and so is a tenant named by a caller who has not signed in. Shrink this list, never grow it
     * for a path.
     */
    private static final java.util.Map<String, String> NAME_A_TENANT_THEMSELVES = java.util.Map.ofEntries(
            java.util.Map.entry("dev.gatehouse.server.tenancy.Tenants", "the directory itself (its table's owner)"),
            java.util.Map.entry("dev.gatehouse.server.oidc.AccessTokenBearer",
                    "a TOKEN: the tenant whose issuer (iss) signed an access token"),
            java.util.Map.entry("dev.gatehouse.server.signup.DomainMappings",
                    "a BODY: the tenant (itself or a child) an administrator's domain mapping targets"),
            java.util.Map.entry("dev.gatehouse.server.console.OperatorAccessPageController",
                    "a BODY: the organisation an operator's override form names"),
            java.util.Map.entry("dev.gatehouse.server.mail.OutboxReader",
                    "a QUERY: the tenant filter an operator types on the outbox"),
            java.util.Map.entry("dev.gatehouse.server.audit.VerifyCommand",
                    "the command line: `audit verify <tenant>`, run by an operator, no request"),
            java.util.Map.entry("dev.gatehouse.server.throttling.Throttle",
                    "the name a door counts an attempt under before it looks the tenant up (a flood of made-up"
                            + " names costs a bucket, not queries), and the platform's trail by its fixed slug"),
            java.util.Map.entry("dev.gatehouse.server.platform.PlatformBootstrap",
                    "the platform's fixed slug, at start-up"),
            java.util.Map.entry("dev.gatehouse.server.tenancy.TenantOnboarding",
                    "a BODY: a new tenant's parent"),
            java.util.Map.entry("dev.gatehouse.server.tenancy.TenantEdits",
                    "a BODY: a tenant's new parent"));

    @Test
    void aTenantsNameBecomesATenantOnlyInTheResolvers() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.shared..")
                .and(DescribedPredicate.describe("are not among the listed readers of a body, a query or a token",
                        (JavaClass c) -> !NAME_A_TENANT_THEMSELVES.containsKey(c.getName())))
                .should().callMethodWhere(DescribedPredicate.describe("the method turns a tenant's name into a tenant"
                                + " (TenantDirectory.named/idOf/activeBySlug/activeBySlugCached/isSuspended, Tenants.find)",
                        (JavaMethodCall call) -> call.getTargetOwner().isAssignableTo(TenantDirectory.class)
                                && NAME_TO_TENANT.contains(call.getName())
                                && call.getTarget().getRawParameterTypes().size() == 1
                                && call.getTarget().getRawParameterTypes().getFirst().isEquivalentTo(String.class)))
                .because("a path's {tenant} is resolved at the edge by shared's one resolver: @PathTenant (TenantPaths"
                        + " for the signed-in; OpenTenants for the paths open to anyone, as a DoorTenant), and a tenant"
                        + " a caller who has not signed in names in a body or a query by OpenTenants too; each other"
                        + " reader is listed with why: " + NAME_A_TENANT_THEMSELVES)
                .check(SERVER);
    }

    @Test
    void controllersTakeAnOpenPathsTenantFromTheOneResolver() {
        noClasses().that().areAnnotatedWith(RestController.class)
                .or().areAnnotatedWith(org.springframework.stereotype.Controller.class)
                .should().callMethodWhere(DescribedPredicate.describe("the method resolves a tenant's name (OpenTenants)",
                        (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(OpenTenants.class)))
                .because("a path open to anyone names its tenant as a @PathTenant(GUEST or SIGN_IN) DoorTenant"
                        + " parameter, resolved once at the edge; services resolve the tenant a body or query names")
                .check(SERVER);
    }

    @Test
    void theControllersStillBindingTheTenantAsTextAreListedOnlyWhileTheyDo() {
        for (String name : BIND_THE_PATHS_TENANT_AS_TEXT) {
            assertThat(tenantAsText(SERVER.get(name))).as(name + " binds {tenant} as text no more: strike it off")
                    .isNotEmpty();
        }
    }

    /** A controller's handlers that a signed-in caller reaches (a Caller parameter) and that bind {tenant} as text. */
    private static List<Method> tenantAsText(JavaClass controller) {
        return Arrays.stream(controller.reflect().getDeclaredMethods())
                .filter(method -> Arrays.asList(method.getParameterTypes()).contains(Caller.class))
                .filter(method -> Arrays.stream(method.getParameters()).anyMatch(ArchitectureTest::namesTheTenant))
                .toList();
    }

    /** A {@code @PathVariable} for {@code {tenant}}, named in the annotation or by the parameter's own name. */
    private static boolean namesTheTenant(Parameter parameter) {
        PathVariable variable = parameter.getAnnotation(PathVariable.class);
        if (variable == null) {
            return false;
        }
        String named = !variable.name().isEmpty() ? variable.name() : variable.value();
        if (named.isEmpty() && !parameter.isNamePresent()) {
            throw new IllegalStateException("compile with -parameters: " + parameter.getDeclaringExecutable());
        }
        return (named.isEmpty() ? parameter.getName() : named).equals("tenant");
    }

    @Test
    void theEngineIsReachedOnlyThroughItsPublicApi() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("dev.gatehouse.engine.RoleTable")
                .check(SERVER);
    }
}
