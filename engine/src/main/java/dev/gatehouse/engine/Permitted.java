package dev.gatehouse.engine;

/** One answer of "who can": a subject that may, and the decision saying how. */
public record Permitted(String subjectId, Decision decision) {}
