package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The credential's owner lacks a permission the call needs (a 403), such as {@code access.check}. */
public class ForbiddenException extends GatehouseException {
    public ForbiddenException(String title, @Nullable String detail, List<FieldError> errors) {
        super(403, title, detail, errors);
    }
}
