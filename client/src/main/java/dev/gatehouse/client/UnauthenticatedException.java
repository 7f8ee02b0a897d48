package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The credential was not accepted (a 401): a revoked or expired API key, a refused token. */
public class UnauthenticatedException extends GatehouseException {
    public UnauthenticatedException(String title, @Nullable String detail, List<FieldError> errors) {
        super(401, title, detail, errors);
    }
}
