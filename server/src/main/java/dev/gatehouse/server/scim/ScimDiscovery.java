package dev.gatehouse.server.scim;

import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this server supports, its resource
 * types, and the schemas of the attributes it accepts — every attribute {@link ScimUsers} and
 * {@link ScimGroups} take, no more.
 */
@Component
class ScimDiscovery {

    private static final String CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    private static final String RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    private static final String SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    ObjectNode serviceProviderConfig(String base) {
        ObjectNode config = NODES.objectNode();
        config.putArray("schemas").add(CONFIG_SCHEMA);
        config.put("documentationUri", "https://gatehouse.dev/docs/security#scim-provisioning");
        config.putObject("patch").put("supported", true);
        config.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        config.putObject("filter").put("supported", true).put("maxResults", ScimResources.MAX_RESULTS);
        config.putObject("changePassword").put("supported", false);
        config.putObject("sort").put("supported", true);
        config.putObject("etag").put("supported", true);
        ObjectNode scheme = config.putArray("authenticationSchemes").addObject();
        scheme.put("type", "oauthbearertoken");
        scheme.put("name", "API key");
        scheme.put("description", "A Gatehouse API key of the tenant whose scopes and owner hold scim.provision,"
                + " sent as Authorization: Bearer ghk_...");
        scheme.put("primary", true);
        config.set("meta", meta("ServiceProviderConfig", base + "/ServiceProviderConfig"));
        return config;
    }

    ObjectNode resourceTypes(String base) {
        List<ObjectNode> types = List.of(userType(base), groupType(base));
        ObjectNode list = NODES.objectNode();
        list.putArray("schemas").add(ScimResources.LIST_SCHEMA);
        list.put("totalResults", types.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", types.size());
        list.putArray("Resources").addAll(types);
        return list;
    }

    ObjectNode resourceType(String base, String name) {
        return switch (name) {
            case "User" -> userType(base);
            case "Group" -> groupType(base);
            default -> throw ScimException.notFound("ResourceType " + name);
        };
    }

    ObjectNode schemas(String base) {
        List<ObjectNode> schemas = List.of(userSchema(base), enterpriseSchema(base), groupSchema(base));
        ObjectNode list = NODES.objectNode();
        list.putArray("schemas").add(ScimResources.LIST_SCHEMA);
        list.put("totalResults", schemas.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", schemas.size());
        list.putArray("Resources").addAll(schemas);
        return list;
    }

    ObjectNode schema(String base, String id) {
        if (id.equals(ScimFilter.USER_SCHEMA)) {
            return userSchema(base);
        }
        if (id.equals(ScimFilter.ENTERPRISE_SCHEMA)) {
            return enterpriseSchema(base);
        }
        if (id.equals(ScimFilter.GROUP_SCHEMA)) {
            return groupSchema(base);
        }
        throw ScimException.notFound("Schema " + id);
    }

    private static ObjectNode userType(String base) {
        ObjectNode type = NODES.objectNode();
        type.putArray("schemas").add(RESOURCE_TYPE_SCHEMA);
        type.put("id", "User");
        type.put("name", "User");
        type.put("endpoint", "/Users");
        type.put("description", "A person of the tenant");
        type.put("schema", ScimFilter.USER_SCHEMA);
        type.putArray("schemaExtensions").addObject().put("schema", ScimFilter.ENTERPRISE_SCHEMA).put("required", false);
        type.set("meta", meta("ResourceType", base + "/ResourceTypes/User"));
        return type;
    }

    private static ObjectNode groupType(String base) {
        ObjectNode type = NODES.objectNode();
        type.putArray("schemas").add(RESOURCE_TYPE_SCHEMA);
        type.put("id", "Group");
        type.put("name", "Group");
        type.put("endpoint", "/Groups");
        type.put("description", "A group of the tenant's people; it gives its members roles");
        type.put("schema", ScimFilter.GROUP_SCHEMA);
        type.putArray("schemaExtensions");
        type.set("meta", meta("ResourceType", base + "/ResourceTypes/Group"));
        return type;
    }

    private static ObjectNode userSchema(String base) {
        ArrayNode attributes = NODES.arrayNode();
        attributes.add(attribute("userName", "string", false, true, "readWrite", "server"));
        attributes.add(complex("name", false, false, List.of(attribute("formatted", "string", false, false, "readWrite",
                "none"), attribute("familyName", "string", false, true, "readWrite", "none"), attribute("givenName",
                "string", false, true, "readWrite", "none"), attribute("middleName", "string", false, false, "readWrite",
                "none"), attribute("honorificPrefix", "string", false, false, "readWrite", "none"),
                attribute("honorificSuffix", "string", false, false, "readWrite", "none"))));
        for (String name : List.of("displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage",
                "locale", "timezone")) {
            attributes.add(attribute(name, name.equals("profileUrl") ? "reference" : "string", false, false, "readWrite",
                    "none"));
        }
        attributes.add(attribute("active", "boolean", false, false, "readWrite", "none"));
        attributes.add(attribute("password", "string", false, false, "writeOnly", "none").put("returned", "never"));
        for (String name : List.of("emails", "phoneNumbers", "ims", "photos")) {
            attributes.add(complex(name, true, false, List.of(attribute("value", "string", false, false, "readWrite",
                    "none"), attribute("display", "string", false, false, "readWrite", "none"), attribute("type", "string",
                    false, false, "readWrite", "none"), attribute("primary", "boolean", false, false, "readWrite", "none"))));
        }
        attributes.add(complex("addresses", true, false, List.of(attribute("formatted", "string", false, false,
                "readWrite", "none"), attribute("streetAddress", "string", false, false, "readWrite", "none"),
                attribute("locality", "string", false, false, "readWrite", "none"), attribute("region", "string", false,
                false, "readWrite", "none"), attribute("postalCode", "string", false, false, "readWrite", "none"),
                attribute("country", "string", false, false, "readWrite", "none"), attribute("type", "string", false,
                false, "readWrite", "none"), attribute("primary", "boolean", false, false, "readWrite", "none"))));
        attributes.add(complex("groups", true, false, List.of(attribute("value", "string", false, false, "readOnly",
                "none"), attribute("display", "string", false, false, "readOnly", "none"))).put("mutability", "readOnly"));
        return schema(base, ScimFilter.USER_SCHEMA, "User", "A person of the tenant", attributes);
    }

    private static ObjectNode enterpriseSchema(String base) {
        ArrayNode attributes = NODES.arrayNode();
        for (String name : List.of("employeeNumber", "costCenter", "organization", "division", "department")) {
            attributes.add(attribute(name, "string", false, false, "readWrite", "none"));
        }
        attributes.add(complex("manager", false, false, List.of(attribute("value", "string", false, false, "readWrite",
                "none"), attribute("displayName", "string", false, false, "readOnly", "none"))));
        return schema(base, ScimFilter.ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise User", attributes);
    }

    private static ObjectNode groupSchema(String base) {
        ArrayNode attributes = NODES.arrayNode();
        attributes.add(attribute("displayName", "string", false, true, "readWrite", "server"));
        attributes.add(complex("members", true, false, List.of(attribute("value", "string", false, false, "immutable",
                "none"), attribute("display", "string", false, false, "readOnly", "none"), attribute("type", "string",
                false, false, "immutable", "none"))));
        return schema(base, ScimFilter.GROUP_SCHEMA, "Group", "A group of the tenant's people; it gives its members roles",
                attributes);
    }

    private static ObjectNode schema(String base, String id, String name, String description, ArrayNode attributes) {
        ObjectNode schema = NODES.objectNode();
        schema.putArray("schemas").add(SCHEMA_SCHEMA);
        schema.put("id", id);
        schema.put("name", name);
        schema.put("description", description);
        schema.set("attributes", attributes);
        schema.set("meta", meta("Schema", base + "/Schemas/" + id));
        return schema;
    }

    private static ObjectNode attribute(String name, String type, boolean multiValued, boolean required,
            String mutability, String uniqueness) {
        ObjectNode attribute = NODES.objectNode();
        attribute.put("name", name);
        attribute.put("type", type);
        attribute.put("multiValued", multiValued);
        attribute.put("required", required);
        attribute.put("caseExact", false);
        attribute.put("mutability", mutability);
        attribute.put("returned", "default");
        attribute.put("uniqueness", uniqueness);
        return attribute;
    }

    private static ObjectNode complex(String name, boolean multiValued, boolean required, List<ObjectNode> subAttributes) {
        ObjectNode attribute = attribute(name, "complex", multiValued, required, "readWrite", "none");
        attribute.putArray("subAttributes").addAll(subAttributes);
        return attribute;
    }

    private static JsonNode meta(String resourceType, String location) {
        return NODES.objectNode().put("resourceType", resourceType).put("location", location);
    }
}
