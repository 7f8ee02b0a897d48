package dev.gatehouse.server.shared;

import java.util.List;

/** A page of a list: {@code {items, page, size, total}} (docs/api.md, conventions). */
public record Page<T>(List<T> items, int page, int size, long total) {
    public Page {
        items = List.copyOf(items);
    }
}
