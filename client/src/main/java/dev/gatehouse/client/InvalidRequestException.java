package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Bad input (a 400): the field errors name each field at fault. */
public class InvalidRequestException extends GatehouseException {
    public InvalidRequestException(String title, @Nullable String detail, List<FieldError> errors) {
        super(400, title, detail, errors);
    }
}
