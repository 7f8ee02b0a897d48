package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PolicyException;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class RolePacksTest {

    static final java.util.List<String> BUILT_IN = RolePacks.BUILT_IN;

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyBuiltInPackLoadsAndNamesExistingAdminAndDefaultRoles(String name) {
        RolePack pack = RolePacks.builtIn(name);
        assertThat(pack.name()).isEqualTo(name);
        assertThat(pack.role(pack.adminRole())).isPresent();
        assertThat(pack.role(pack.defaultRole())).isPresent();
    }

    /** The keys Gatehouse guards its own administration API with: the same in every pack. */
    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyPackOffersTheAdministrationBlock(String name) {
        RolePack pack = RolePacks.builtIn(name);
        Map<String, Feature> features = pack.features().stream()
                .collect(Collectors.toMap(Feature::key, Function.identity()));

        assertThat(features.get("users").actions()).contains("read", "create", "edit", "delete", "export");
        assertThat(features.get("roles").actions()).contains("read", "create", "edit", "delete", "assign");
        assertThat(features.get("locations").actions()).contains("read", "create", "edit", "delete");
        assertThat(features.get("settings").actions()).contains("read", "edit");
        assertThat(features.get("audit").actions()).containsExactly("read", "export", "purge");
        assertThat(features.get("audit").label()).isEqualTo("Activity log");
        assertThat(pack.catalog().get(pack.catalog().idOf("access.check")).description())
                .isEqualTo("Ask permission checks and who-can questions about other users — for applications");
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void theAdminRoleHoldsEveryPermissionEvenOnSomeoneElsesRecordElsewhere(String name) {
        DecisionTable table = new DecisionTable(name);
        TenantPolicy policy = table.policy();
        String admin = RolePacks.builtIn(name).adminRole();
        Profile profile = policy.compile(Subject.active(DecisionTable.ME, Assignment.tenantWide("a", admin)));
        Resource someoneElsesElsewhere = Resource.of("record", "1").locatedAt("harbor").ownedBy("other");

        for (Permission permission : policy.catalog().permissions()) {
            assertThat(policy.check(profile, permission.key(), someoneElsesElsewhere, DecisionTable.NOW).allowed())
                    .as("%s, the admin role of %s, holds %s", admin, name, permission.key()).isTrue();
        }
    }

    @Test
    void rejectsAnUnknownPack() {
        assertThatThrownBy(() -> RolePacks.builtIn("hospital")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clinic");
    }

    @Test
    void namesTheNestedFieldThatIsNotAnArray() {
        assertThatThrownBy(() -> parse("""
                {"pack":"p","title":"P","adminRole":"a","defaultRole":"a",
                 "roles":[{"key":"a","name":"A","inherits":"b"}]}"""))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyException.Problem::path).containsExactly("roles[0].inherits"));
    }

    @Test
    void rejectsADescriptionOfAnActionTheFeatureDoesNotHave() {
        assertThatThrownBy(() -> parse("""
                {"pack":"p","title":"P","adminRole":"a","defaultRole":"a",
                 "features":[{"key":"patients","label":"Patients","actions":["read"],"descriptions":{"raed":"typo"}}],
                 "roles":[{"key":"a","name":"A","grants":["*"]}]}"""))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyException.Problem::path).containsExactly("features[0].descriptions.raed"));
    }

    @Test
    void rejectsUnknownFieldsScopesAndPermissionsNamingEach() {
        assertThatThrownBy(() -> parse("""
                {"pack":"p","title":"P","adminRole":"a","defaultRole":"a","colour":"red",
                 "features":[{"key":"patients","label":"Patients","actions":["read"]}],
                 "roles":[{"key":"a","name":"A","grants":[{"permission":"patients.read","scope":"EVERYWHERE"}]}]}"""))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyException.Problem::path)
                        .containsExactlyInAnyOrder("pack.colour", "roles[0].grants[0].scope"));
        assertThatThrownBy(() -> parse("""
                {"pack":"p","title":"P","adminRole":"a","defaultRole":"a",
                 "roles":[{"key":"a","name":"A","grants":["patients.read"]}]}"""))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyException.Problem::path).containsExactly("roles[a].grants[0].permission"));
    }

    @Test
    void rejectsAnAdminRoleThePackDoesNotDefine() {
        assertThatThrownBy(() -> parse("""
                {"pack":"p","title":"P","adminRole":"boss","defaultRole":"a",
                 "roles":[{"key":"a","name":"A"}]}"""))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyException.Problem::path).containsExactly("adminRole"));
    }

    @Test
    void reportsMalformedJson() {
        assertThatThrownBy(() -> parse("{\"pack\": ")).isInstanceOf(PolicyException.class).hasMessageContaining("JSON");
    }

    private static RolePack parse(String json) {
        return RolePacks.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
