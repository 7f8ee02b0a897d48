package dev.gatehouse.server.shared;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of a list: {@code {items, page, size, total}} (docs/api.md, conventions). A list that stops
 * counting at a cap (the user list, issue 17: counting a million rows for every page cost more than
 * the page) says so with {@code totalIsLowerBound: true}: then there are at least {@code total}
 * items. The field appears only then.
 */
public record Page<T>(List<T> items, int page, int size, long total,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean totalIsLowerBound) {

    public Page {
        items = List.copyOf(items);
    }

    /** A page of a list counted to its end. */
    public Page(List<T> items, int page, int size, long total) {
        this(items, page, size, total, false);
    }
}
