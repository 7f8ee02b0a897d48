package dev.gatehouse.server.tenancy;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class LocationsIT extends IntegrationTest {

    @Autowired
    AccessChanges changes;

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private Response create(String token, String name, @Nullable String parent) {
        return api.post(clinic.path("/locations"), token, json("name", name, "parent", parent));
    }

    private String created(String name, @Nullable String parent) {
        Response response = create(clinic.adminToken(), name, parent);
        assertThat(response.status()).as(response.raw()).isEqualTo(201);
        return response.text("/id");
    }

    private List<String> names(Response list) {
        return StreamSupport.stream(list.body().at("/items").spliterator(), false)
                .map(item -> item.at("/name").asString()).toList();
    }

    @Test
    void ownerCreatesRenamesMovesAndDeletesLocationsAndEveryChangeIsAudited() {
        Response region = create(clinic.adminToken(), "North Region", null);
        assertThat(region.status()).as(region.raw()).isEqualTo(201);
        String regionId = region.text("/id");
        assertThat(region.body().at("/parent").isNull()).isTrue();
        assertThat(region.text("/createdAt")).endsWith("Z");
        assertThat(region.http().headers().firstValue("Location")).hasValue(clinic.path("/locations/" + regionId));
        String downtown = created("Downtown", regionId);
        created("Airport", regionId);
        created("South Region", null);

        Response list = api.get(clinic.path("/locations"), clinic.adminToken());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().at("/total").asLong()).isEqualTo(4);
        // Depth-first: each location after its parent, siblings by name.
        assertThat(names(list)).containsExactly("North Region", "Airport", "Downtown", "South Region");
        Response secondPage = api.get(clinic.path("/locations?page=1&size=3"), clinic.adminToken());
        assertThat(names(secondPage)).containsExactly("South Region");
        assertThat(secondPage.body().at("/total").asLong()).isEqualTo(4);

        Response one = api.get(clinic.path("/locations/" + downtown), clinic.adminToken());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("/parent")).isEqualTo(regionId);

        Response renamed = api.patch(clinic.path("/locations/" + downtown), clinic.adminToken(), json("name",
                "Downtown Clinic"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/name")).isEqualTo("Downtown Clinic");
        assertThat(renamed.text("/parent")).isEqualTo(regionId);
        Response moved = api.patch(clinic.path("/locations/" + downtown), clinic.adminToken(), json("parent", null));
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body().at("/parent").isNull()).isTrue();
        assertThat(moved.text("/name")).isEqualTo("Downtown Clinic");

        assertThat(api.delete(clinic.path("/locations/" + downtown), clinic.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(clinic.path("/locations/" + downtown), clinic.adminToken()).status()).isEqualTo(404);

        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOCATION_CREATED")).hasSize(4);
        List<RecordedAudit.Event> updated = RecordedAudit.of(jdbc, clinic.id(), "LOCATION_UPDATED");
        assertThat(updated).hasSize(2);
        assertThat(updated.get(0).details().at("/before/name").asString()).isEqualTo("Downtown");
        assertThat(updated.get(1).details().at("/before/parent").asString()).isEqualTo(regionId);
        assertThat(updated.get(1).details().at("/after/parent").isNull()).isTrue();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOCATION_DELETED")).extracting(RecordedAudit.Event::targetId)
                .containsExactly(downtown);
    }

    @Test
    void namesAreUniqueAmongSiblingsIgnoringCase() {
        String north = created("North", null);
        String south = created("South", null);
        created("Main Street", north);
        assertThat(create(clinic.adminToken(), "main street", north).status()).isEqualTo(409);
        assertThat(create(clinic.adminToken(), "NORTH", null).status()).isEqualTo(409);
        // The same name elsewhere in the tree is fine.
        String southMain = created("Main Street", south);
        Response moveClash = api.patch(clinic.path("/locations/" + southMain), clinic.adminToken(), json("parent",
                north));
        assertThat(moveClash.status()).isEqualTo(409);
        Response renameClash = api.patch(clinic.path("/locations/" + south), clinic.adminToken(), json("name",
                "north"));
        assertThat(renameClash.status()).isEqualTo(409);
        assertThat(api.patch(clinic.path("/locations/" + south), clinic.adminToken(), json("name", "SOUTH")).status())
                .isEqualTo(200);
    }

    @Test
    void refusesBadInputNamingTheField() {
        String region = created("Region", null);
        String clinicSite = created("Clinic", region);
        String room = created("Room 1", clinicSite);

        Response underItself = api.patch(clinic.path("/locations/" + region), clinic.adminToken(), json("parent",
                region));
        assertThat(underItself.status()).isEqualTo(400);
        assertThat(underItself.text("/errors/0/field")).isEqualTo("parent");
        Response underDescendant = api.patch(clinic.path("/locations/" + region), clinic.adminToken(), json("parent",
                room));
        assertThat(underDescendant.status()).isEqualTo(400);
        assertThat(underDescendant.text("/errors/0/field")).isEqualTo("parent");
        assertThat(underDescendant.text("/errors/0/message")).contains("descendant");

        String unknown = "00000000-0000-4000-8000-000000000000";
        for (Response response : List.of(create(clinic.adminToken(), "X", unknown),
                create(clinic.adminToken(), "X", "not-a-uuid"),
                api.patch(clinic.path("/locations/" + room), clinic.adminToken(), json("parent", unknown)),
                api.patch(clinic.path("/locations/" + room), clinic.adminToken(), json("parent", 7)))) {
            assertThat(response.status()).as(response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).isEqualTo("parent");
        }
        for (Response response : List.of(create(clinic.adminToken(), " ", null),
                create(clinic.adminToken(), "n".repeat(201), null),
                api.post(clinic.path("/locations"), clinic.adminToken(), json("parent", region)),
                api.patch(clinic.path("/locations/" + room), clinic.adminToken(), json("name", "")),
                api.patch(clinic.path("/locations/" + room), clinic.adminToken(), json("name", null)))) {
            assertThat(response.status()).as(response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).isEqualTo("name");
        }
        Response unknownField = api.patch(clinic.path("/locations/" + room), clinic.adminToken(), json("title", "R"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.text("/errors/0/field")).isEqualTo("title");
        Response badId = api.get(clinic.path("/locations/room-1"), clinic.adminToken());
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.text("/errors/0/field")).isEqualTo("id");
        assertThat(api.patch(clinic.path("/locations/" + room), clinic.adminToken(), "[1]").status()).isEqualTo(400);
        assertThat(api.patch(clinic.path("/locations/" + unknown), clinic.adminToken(), json("name", "Y")).status())
                .isEqualTo(404);
        // Nothing of the refused changes was written.
        assertThat(api.get(clinic.path("/locations/" + region), clinic.adminToken()).body().at("/parent").isNull())
                .isTrue();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOCATION_UPDATED")).isEmpty();
    }

    @Test
    void aLocationWithChildrenOrAssignmentsCannotBeDeleted() {
        String region = created("Region", null);
        String site = created("Site", region);
        Response withChild = api.delete(clinic.path("/locations/" + region), clinic.adminToken());
        assertThat(withChild.status()).isEqualTo(409);
        assertThat(withChild.text("/detail")).contains("1 child location");

        TestMembers.member("fran").holding("front_desk").at(site).create(api, clinic);
        Response withAssignment = api.delete(clinic.path("/locations/" + site), clinic.adminToken());
        assertThat(withAssignment.status()).isEqualTo(409);
        assertThat(withAssignment.text("/detail")).contains("1 assignment", "revoke");
        assertThat(api.get(clinic.path("/locations/" + site), clinic.adminToken()).status()).isEqualTo(200);
    }

    @Test
    void aLocationScopedHolderManagesOnlyAtAndBelowTheirLocationAndAMoveChangesTheirReach() {
        String north = created("North", null);
        String south = created("South", null);
        String harbor = created("Harbor", south);
        Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "site_admin", "name",
                "Site admin", "grants", raw("""
                        [{"permission": "locations.read", "scope": "LOCATION"},
                         {"permission": "locations.create", "scope": "LOCATION"},
                         {"permission": "locations.edit", "scope": "LOCATION"}]""")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        String nora = TestMembers.member("nora").holding("site_admin").at(north).create(api, clinic).token();

        Response below = create(nora, "North Clinic", north);
        assertThat(below.status()).as(below.raw()).isEqualTo(201);
        assertThat(create(nora, "Elsewhere", south).status()).isEqualTo(403);
        assertThat(create(nora, "Top", null).status()).isEqualTo(403);
        assertThat(api.patch(clinic.path("/locations/" + north), nora, json("parent", south)).status())
                .isEqualTo(403);
        assertThat(api.patch(clinic.path("/locations/" + north), nora, json("parent", null)).status()).isEqualTo(403);
        assertThat(names(api.get(clinic.path("/locations"), nora))).containsExactly("North", "North Clinic");
        assertThat(api.get(clinic.path("/locations/" + harbor), nora).status()).isEqualTo(403);
        assertThat(api.patch(clinic.path("/locations/" + harbor), nora, json("name", "Harbour")).status())
                .isEqualTo(403);

        // The owner moves Harbor under North: Nora's location-scoped grants reach it at once.
        assertThat(api.patch(clinic.path("/locations/" + harbor), clinic.adminToken(), json("parent", north))
                .status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/locations/" + harbor), nora).status()).isEqualTo(200);
        assertThat(api.patch(clinic.path("/locations/" + harbor), nora, json("name", "Harbour")).status())
                .isEqualTo(200);
        assertThat(names(api.get(clinic.path("/locations"), nora))).containsExactly("North", "Harbour",
                "North Clinic");

        // And back out again: the reach goes with it.
        assertThat(api.patch(clinic.path("/locations/" + harbor), clinic.adminToken(), json("parent", south))
                .status()).isEqualTo(200);
        assertThat(api.patch(clinic.path("/locations/" + harbor), nora, json("name", "Harbor")).status())
                .isEqualTo(403);
    }

    @Test
    void theBuiltInClinicManagerReadsLocationsButCannotChangeThem() {
        String north = created("North", null);
        created("South", null);
        String manager = TestMembers.member("maria").holding("manager").at(north).create(api, clinic).token();
        assertThat(names(api.get(clinic.path("/locations"), manager))).containsExactly("North");
        assertThat(create(manager, "North Clinic", north).status()).isEqualTo(403);
        assertThat(api.patch(clinic.path("/locations/" + north), manager, json("name", "N")).status()).isEqualTo(403);
        assertThat(api.delete(clinic.path("/locations/" + north), manager).status()).isEqualTo(403);

        TestMembers.Member pete = TestMembers.member("pete").holding("provider").create(api, clinic);
        assertThat(api.get(clinic.path("/locations"), pete.token())
                .status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsLocationsAreNotFound() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        Response theirs = api.post(other.path("/locations"), other.adminToken(), json("name", "Theirs"));
        assertThat(theirs.status()).isEqualTo(201);
        String id = theirs.text("/id");
        assertThat(api.get(other.path("/locations"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/locations/" + id), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(other.path("/locations"), clinic.adminToken(), json("name", "Mine")).status())
                .isEqualTo(404);
        assertThat(api.patch(other.path("/locations/" + id), clinic.adminToken(), json("name", "Mine")).status())
                .isEqualTo(404);
        assertThat(api.delete(other.path("/locations/" + id), clinic.adminToken()).status()).isEqualTo(404);
        // Their location's id through my own tenant's path is just as unknown.
        assertThat(api.get(clinic.path("/locations/" + id), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(create(clinic.adminToken(), "Under theirs", id).status()).isEqualTo(400);
        assertThat(api.get(other.path("/locations"), operatorToken()).status()).isEqualTo(404);
    }
}
