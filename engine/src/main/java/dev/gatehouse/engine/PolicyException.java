package dev.gatehouse.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy (catalog, roles, locations, assignments) that cannot be built, with every problem
 * found, each naming where it is ({@code roles[nurse].inherits}) so an API can answer with the
 * field.
 */
public final class PolicyException extends RuntimeException {

    /** One thing wrong, at a path such as {@code roles[nurse].grants[2].permission}. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public PolicyException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a policy exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public PolicyException(String path, String message) {
        this(List.of(new Problem(path, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
