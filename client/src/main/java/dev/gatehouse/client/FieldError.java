package dev.gatehouse.client;

/** One {@code errors[]} entry of a problem document: the request field at fault and what is wrong with it. */
public record FieldError(String field, String message) {}
