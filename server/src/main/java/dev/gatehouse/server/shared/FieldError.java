package dev.gatehouse.server.shared;

/** One invalid field of a request, as listed in a problem document's {@code errors}. */
public record FieldError(String field, String message) {}
