package dev.gatehouse.server.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** PATCH operations (RFC 7644 §3.5.2) and the dialects Entra ID and Okta send. */
class ScimPatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode user() {
        return (ObjectNode) JSON.readTree("""
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": "bjensen",
                 "active": true, "name": {"givenName": "Barbara", "familyName": "Jensen"},
                 "emails": [{"value": "b@example.com", "type": "work", "primary": true}],
                 "meta": {"resourceType": "User"}}
                """);
    }

    private static ObjectNode patch(ObjectNode resource, String operations) {
        return ScimPatch.apply(resource, JSON.readTree("{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + " \"Operations\": " + operations + "}"));
    }

    @Test
    void entraReplacesCapitalisedWithPathsIncludingAFilteredAddress() {
        ObjectNode patched = patch(user(), """
                [{"op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "updatedEmail@microsoft.com"},
                 {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
                 {"op": "Replace", "path": "active", "value": "False"}]
                """);
        assertThat(patched.at("/emails/0/value").asString()).isEqualTo("updatedEmail@microsoft.com");
        assertThat(patched.at("/emails/0/primary").asBoolean()).isTrue();
        assertThat(patched.at("/name/familyName").asString()).isEqualTo("updatedFamilyName");
        assertThat(patched.at("/name/givenName").asString()).as("the rest of name stays").isEqualTo("Barbara");
        assertThat(patched.get("active").asString()).isEqualTo("False");
    }

    @Test
    void oktaReplacesWithAValueObjectAndNoPath() {
        ObjectNode patched = patch(user(), "[{\"op\": \"replace\", \"value\": {\"active\": false}}]");
        assertThat(patched.get("active").booleanValue()).isFalse();
        assertThat(patched.get("userName").asString()).isEqualTo("bjensen");
    }

    @Test
    void aReplaceOnAnAddressNotThereAddsIt() {
        ObjectNode patched = patch(user(), "[{\"op\": \"replace\", \"path\": \"emails[type eq \\\"home\\\"].value\","
                + " \"value\": \"home@example.com\"}]");
        assertThat(patched.get("emails")).hasSize(2);
        assertThat(patched.at("/emails/1/type").asString()).isEqualTo("home");
        assertThat(patched.at("/emails/1/value").asString()).isEqualTo("home@example.com");
    }

    @Test
    void membersAreAddedOnceAndRemovedByValueListOrByFilter() {
        ObjectNode group = (ObjectNode) JSON.readTree("""
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Nurses",
                 "members": [{"value": "a"}]}
                """);
        ObjectNode added = patch(group, "[{\"op\": \"Add\", \"path\": \"members\", \"value\": [{\"$ref\": null, \"value\": \"b\"},"
                + " {\"value\": \"a\"}]}]");
        assertThat(added.get("members")).hasSize(2);
        ObjectNode entra = patch(added, "[{\"op\": \"Remove\", \"path\": \"members\", \"value\": [{\"$ref\": null, \"value\": \"a\"}]}]");
        assertThat(entra.get("members")).hasSize(1);
        assertThat(entra.at("/members/0/value").asString()).isEqualTo("b");
        ObjectNode okta = patch(added, "[{\"op\": \"remove\", \"path\": \"members[value eq \\\"b\\\"]\"}]");
        assertThat(okta.get("members")).hasSize(1);
        assertThat(okta.at("/members/0/value").asString()).isEqualTo("a");
        ObjectNode all = patch(added, "[{\"op\": \"remove\", \"path\": \"members\"}]");
        assertThat(all.has("members")).isFalse();
    }

    @Test
    void theEnterpriseExtensionIsPatchedByItsQualifiedPathOrAsAnObject() {
        ObjectNode byPath = patch(user(), "[{\"op\": \"add\", \"path\":"
                + " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber\", \"value\": \"42\"}]");
        assertThat(byPath.at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/employeeNumber").asString())
                .isEqualTo("42");
        ObjectNode byObject = patch(user(), "[{\"op\": \"add\", \"value\": {"
                + "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"department\": \"Cardiology\"}}}]");
        assertThat(byObject.at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department").asString())
                .isEqualTo("Cardiology");
    }

    @Test
    void refusesWhatIsNotAPatch() {
        JsonNode noSchema = JSON.readTree("{\"Operations\": [{\"op\": \"add\", \"path\": \"title\", \"value\": \"x\"}]}");
        assertThatThrownBy(() -> ScimPatch.apply(user(), noSchema)).isInstanceOfSatisfying(ScimException.class,
                e -> assertThat(e.scimType()).isEqualTo("invalidSyntax"));
        assertThatThrownBy(() -> patch(user(), "[{\"op\": \"move\", \"path\": \"title\"}]"))
                .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.scimType()).isEqualTo("invalidSyntax"));
        assertThatThrownBy(() -> patch(user(), "[{\"op\": \"remove\"}]"))
                .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.scimType()).isEqualTo("noTarget"));
        assertThatThrownBy(() -> patch(user(), "[{\"op\": \"replace\", \"path\": \"emails[type eq \\\"work\\\"]\","
                + " \"value\": 5}]")).isInstanceOfSatisfying(ScimException.class,
                        e -> assertThat(e.scimType()).isEqualTo("invalidValue"));
        assertThatThrownBy(() -> patch(user(), "[{\"op\": \"replace\", \"path\": \"emails[type eq \\\"home\\\"]\","
                + " \"value\": {\"value\": \"h@example.com\"}}]")).as("a whole value replaced that is not there")
                .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.scimType()).isEqualTo("noTarget"));
    }
}
