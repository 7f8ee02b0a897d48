package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Unknown or foreign (a 404): a user, tenant or relationship Gatehouse does not have for this caller. */
public class NotFoundException extends GatehouseException {
    public NotFoundException(String title, @Nullable String detail, List<FieldError> errors) {
        super(404, title, detail, errors);
    }
}
