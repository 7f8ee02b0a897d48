package dev.gatehouse.server.shared;

import java.util.List;

/**
 * A page of a list: {@code {items, page, size, total}} (docs/api.md, conventions). A list that stops
 * counting at a cap (the user list and who-can, issue 17: counting a million rows for a page cost more than
 * the page) says so with {@code totalIsLowerBound: true}: then there are at least {@code total}
 * items. Every other list counts to its end and says {@code false}.
 */
public record Page<T>(List<T> items, int page, int size, long total,
        boolean totalIsLowerBound) {

    public Page {
        items = List.copyOf(items);
    }

    /** A page of a list counted to its end. */
    public Page(List<T> items, int page, int size, long total) {
        this(items, page, size, total, false);
    }
}
