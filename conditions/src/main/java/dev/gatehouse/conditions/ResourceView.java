package dev.gatehouse.conditions;

import dev.cel.common.values.NullValue;
import dev.gatehouse.engine.Resource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code resource} as a condition reads it, without copying: its attributes by name, and its own
 * {@code type}, {@code id}, {@code location} and {@code owner} ahead of attributes of those names.
 * JSON numbers read as CEL's: whole numbers as {@code int}, others as {@code double}.
 */
final class ResourceView extends AbstractMap<String, Object> {

    private final Resource resource;

    ResourceView(Resource resource) {
        this.resource = resource;
    }

    @Override
    public boolean containsKey(Object key) {
        return own(key) != null || resource.attributes().containsKey(key);
    }

    @Override
    public @Nullable Object get(Object key) {
        String own = own(key);
        if (own != null) {
            return own;
        }
        Object value = resource.attributes().get(key);
        return value == null ? null : adapt(value);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        resource.attributes().forEach((name, value) -> all.put(name, adapt(value)));
        putIfPresent(all, "type", resource.type());
        putIfPresent(all, "id", resource.id());
        putIfPresent(all, "location", resource.location());
        putIfPresent(all, "owner", resource.owner());
        return all.entrySet();
    }

    private static void putIfPresent(Map<String, Object> all, String name, @Nullable String value) {
        if (value != null) {
            all.put(name, value);
        }
    }

    private @Nullable String own(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        return switch (name) {
            case "type" -> resource.type();
            case "id" -> resource.id();
            case "location" -> resource.location();
            case "owner" -> resource.owner();
            default -> null;
        };
    }

    /** A JSON value as CEL's runtime takes it. */
    static Object adapt(@Nullable Object value) {
        return switch (value) {
            case null -> NullValue.NULL_VALUE;
            case Integer n -> n.longValue();
            case Short n -> n.longValue();
            case Byte n -> n.longValue();
            case Float n -> n.doubleValue();
            case BigDecimal n -> n.doubleValue();
            case BigInteger n -> n.bitLength() < Long.SIZE ? (Object) n.longValue() : (Object) n.doubleValue();
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((name, inner) -> copy.put(String.valueOf(name), adapt(inner)));
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(inner -> copy.add(adapt(inner)));
                yield copy;
            }
            default -> value;
        };
    }
}
