package dev.gatehouse.client;

import java.util.List;

/** One page of a list answer (docs/api.md: {@code {items, page, size, total}}). */
public record Page<T>(List<T> items, int page, int size, long total) {
    public Page {
        items = List.copyOf(items);
    }
}
