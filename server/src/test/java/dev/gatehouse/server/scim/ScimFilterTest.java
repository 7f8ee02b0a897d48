package dev.gatehouse.server.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SCIM filters (RFC 7644 §3.4.2.2) on one user, as a table: filter, matches, why. */
class ScimFilterTest {

    private static final JsonNode USER = JsonMapper.builder().build().readTree("""
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "id": "2819c223-7f76-453a-919d-413861904646", "externalId": "00ujl29u0le5T6Aj10h7",
             "userName": "bjensen@example.com", "active": true, "title": "Tour Guide",
             "name": {"givenName": "Barbara", "familyName": "Jensen"},
             "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                        {"value": "babs@jensen.org", "type": "home"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984"},
             "meta": {"resourceType": "User", "created": "2026-01-23T04:56:22Z", "lastModified": "2026-05-13T04:42:34Z"}}
            """);

    @ParameterizedTest(name = "{0} → {1} ({2})")
    @CsvSource(delimiter = '|', textBlock = """
            userName eq "bjensen@example.com"                         | true  | Entra's lookup by userName
            USERNAME EQ "BJensen@Example.com"                         | true  | names, operators and strings ignore case
            userName eq "someone@example.com"                         | false | another user
            externalId eq "00ujl29u0le5T6Aj10h7"                      | true  | Okta's lookup by externalId
            emails.value co "jensen.org"                              | true  | any of the addresses
            emails[type eq "work"].value eq "x"                       | false | a sub-attribute after a value filter is a PATCH path, not a filter
            emails[type eq "work" and value ew "example.com"]         | true  | a value filter on one address
            emails[type eq "home" and value ew "example.com"]         | false | the conditions hold of one element, not of two
            name.familyName sw "Jen"                                  | true  | a sub-attribute
            name.familyName sw "Sen"                                  | false | starts with, not contains
            title pr                                                  | true  | present
            nickName pr                                               | false | absent
            active eq true                                            | true  | a boolean
            userName ne "bjensen@example.com"                         | false | not equal
            not (userName eq "x")                                     | true  | negation
            userName eq "x" or name.givenName eq "Barbara"            | true  | or
            userName eq "x" or name.givenName eq "B" and title pr     | false | and binds tighter than or
            (userName eq "x" or title pr) and active eq true          | true  | parentheses
            meta.lastModified gt "2026-05-01T00:00:00Z"               | true  | dates compare as instants
            meta.lastModified lt "2026-05-01T00:00:00.000Z"           | false | whatever their precision
            urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984" | true | the enterprise extension
            urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen" | true | the core schema named in full
            """)
    void filtersAsTheRfcSays(String filter, boolean matches, String why) {
        if (filter.contains("].value")) {
            assertThatThrownBy(() -> ScimFilter.parse(filter)).isInstanceOf(ScimException.class);
            return;
        }
        assertThat(ScimFilter.parse(filter).matches(USER)).as(why).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(delimiter = '|', textBlock = """
            userName eq                     | no value
            userName equals "x"             | unknown operator
            userName eq "x" and             | dangling and
            (userName eq "x"                | unclosed parenthesis
            userName eq "x                  | unclosed string
            emails[type eq "work"           | unclosed bracket
            userName eq "x" userName        | trailing words
            1userName eq "x"                | not an attribute name
            active gt true                  | a boolean is not ordered
            """)
    void refusesWhatIsNotAFilter(String filter, String why) {
        assertThatThrownBy(() -> ScimFilter.parse(filter).matches(USER)).as(why).isInstanceOfSatisfying(ScimException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.scimType()).isEqualTo("invalidFilter");
                });
    }

    @org.junit.jupiter.api.Test
    void refusesAFilterNestedWithoutEnd() {
        String deep = "(".repeat(100) + "userName eq \"x\"" + ")".repeat(100);
        assertThatThrownBy(() -> ScimFilter.parse(deep)).isInstanceOf(ScimException.class).hasMessageContaining("nests");
    }

    @org.junit.jupiter.api.Test
    void readsPatchPaths() {
        ScimFilter.PatchPath work = ScimFilter.parsePath("emails[type eq \"work\"].value");
        assertThat(work.attribute().attribute()).isEqualTo("emails");
        assertThat(work.subAttribute()).isEqualTo("value");
        assertThat(work.filter()).isNotNull();
        ScimFilter.PatchPath manager = ScimFilter.parsePath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager");
        assertThat(manager.attribute().schema()).isEqualTo(ScimFilter.ENTERPRISE_SCHEMA);
        assertThat(manager.attribute().attribute()).isEqualTo("manager");
        assertThat(ScimFilter.parsePath("name.familyName").attribute().subAttribute()).isEqualTo("familyName");
        assertThatThrownBy(() -> ScimFilter.parsePath("members[value eq \"1\"")).isInstanceOfSatisfying(ScimException.class,
                e -> assertThat(e.scimType()).isEqualTo("invalidPath"));
    }
}
