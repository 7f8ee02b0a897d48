package dev.gatehouse.server.edge;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every write endpoint refuses a field it does not know with a 400 naming it. The endpoints come
 * from the server's own description (/v3/api-docs), so a new endpoint is walked as soon as it
 * exists: each POST, PUT and PATCH with a JSON body gets a plausible body built from its schema
 * plus one unknown field, with real ids in its path, as the tenant's admin (the operator for the
 * platform's paths).
 */
class UnknownFieldsIT extends IntegrationTest {

    private static final String UNKNOWN = "notAFieldOfThisRequest";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Answers that mean the caller may not act there: the walk then tries as the operator. */
    private static final Set<Integer> REFUSED_FIRST = Set.of(401, 403, 404);

    private JsonNode schemas;

    @Test
    void everyWriteEndpointRefusesAnUnknownFieldNamingIt() {
        String operator = operatorToken();
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        Response location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"));
        assertThat(location.status()).as(location.raw()).isEqualTo(201);
        Response user = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "dr.walker", "firstName",
                "Wal", "lastName", "Ker", "password", "handed over by the admin 12345"));
        assertThat(user.status()).as(user.raw()).isEqualTo(201);
        JsonNode roles = api.get(clinic.path("/roles"), clinic.adminToken()).body();
        String roleKey = roles.isArray() ? roles.at("/0/key").asString("") : roles.at("/items/0/key").asString("");

        JsonNode docs = api.apiDescription().body();
        schemas = docs.at("/components/schemas");
        List<String> walked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> refusedFirst = new ArrayList<>();
        for (String path : docs.get("paths").propertyNames()) {
            JsonNode operations = docs.get("paths").get(path);
            for (String method : List.of("post", "put", "patch")) {
                JsonNode schema = operations.path(method).at("/requestBody/content/application~1json/schema");
                if (schema.isMissingNode()) {
                    continue;
                }
                String concrete = path.replace("{tenant}", clinic.slug())
                        .replaceAll("/users/\\{[^}]+}", "/users/" + user.text("/id"))
                        .replaceAll("/locations/\\{[^}]+}", "/locations/" + location.text("/id"))
                        .replaceAll("/roles/\\{[^}]+}", "/roles/" + roleKey)
                        .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                ObjectNode body = NODES.objectNode();
                body.put(UNKNOWN, true);
                if (sample(schema, 0) instanceof ObjectNode plausible) {
                    body.setAll(plausible);
                }
                String token = concrete.startsWith("/api/v1/auth/") ? null
                        : concrete.startsWith("/api/v1/tenants/" + clinic.slug()) || concrete.startsWith("/api/v1/me")
                                ? api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD)
                                : operator;
                Response answer = send(method, concrete, token, body.toString());
                if (REFUSED_FIRST.contains(answer.status()) && token != null && !token.equals(operator)) {
                    // Impersonation and break-glass are the operator's on a tenant's path.
                    answer = send(method, concrete, operator, body.toString());
                }
                String operation = method.toUpperCase(Locale.ROOT) + " " + path;
                walked.add(operation);
                boolean named = answer.status() == 400 && answer.body().path("errors").valueStream()
                        .anyMatch(error -> error.path("field").asString("").equals(UNKNOWN));
                if (!named && REFUSED_FIRST.contains(answer.status())) {
                    refusedFirst.add(operation + " → " + answer.status() + " " + answer.raw());
                } else if (!named) {
                    wrong.add(operation + " → " + answer.status() + " " + answer.raw());
                }
            }
        }
        assertThat(walked).as("the description lists the write endpoints").hasSizeGreaterThan(20);
        assertThat(wrong).as("endpoints that did not refuse the unknown field naming it").isEmpty();
        // Every path has real ids and the right caller, so nothing may answer before reading the body.
        assertThat(refusedFirst).as("operations refused before their body was read").isEmpty();
    }

    private Response send(String method, String path, String token, String body) {
        return switch (method) {
            case "post" -> api.post(path, token, body);
            case "put" -> api.put(path, token, body);
            default -> api.patch(path, token, body);
        };
    }

    /** A plausible value for {@code schema}: its example, enum or a value of its type. */
    private JsonNode sample(JsonNode schema, int depth) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asString().substring("#/components/schemas/".length());
            return depth > 4 ? NODES.nullNode() : sample(schemas.path(name), depth + 1);
        }
        for (String choice : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.has(choice)) {
                return sample(schema.get(choice).get(0), depth);
            }
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").isArray() ? schema.path("type").get(0).asString() : schema.path("type")
                .asString("object");
        return switch (type) {
            case "string" -> NODES.stringNode(switch (schema.path("format").asString("")) {
                case "uuid" -> UUID.randomUUID().toString();
                case "date-time" -> "2030-01-01T00:00:00Z";
                case "date" -> "2030-01-01";
                case "email" -> "someone@example.com";
                default -> "plausible";
            });
            case "integer", "number" -> NODES.numberNode(1);
            case "boolean" -> NODES.booleanNode(false);
            case "array" -> {
                ArrayNode items = NODES.arrayNode();
                if (depth < 4 && schema.has("items")) {
                    items.add(sample(schema.get("items"), depth + 1));
                }
                yield items;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                if (depth < 4) {
                    schema.path("properties").propertyNames().forEach(name ->
                            object.set(name, sample(schema.get("properties").get(name), depth + 1)));
                }
                yield object;
            }
        };
    }
}
