package dev.gatehouse.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the client: Jackson 3 with non-null inclusion, as the server writes
 * ({@code spring.jackson.default-property-inclusion=non_null}), so a decision serialised here is the
 * tree the check API sends. Fields the server adds later are ignored: the API grows, never renames.
 */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};

    private Json() {}

    /** {@code value} as the JSON object the server would send for it: maps, lists, strings, numbers. */
    static Map<String, Object> tree(Object value) {
        return MAPPER.readValue(MAPPER.writeValueAsBytes(value), TREE);
    }
}
