package dev.gatehouse.client.spring;

import dev.gatehouse.client.Answered;
import dev.gatehouse.client.Check;
import dev.gatehouse.client.CheckResult;
import dev.gatehouse.client.ResourceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tenant's answers without Gatehouse: a user is allowed exactly the questions granted to them here, worded as
 * {@link PermissionQuestion#describe()} words them ({@code patients.read on patient 123 at downtown}); every other
 * question is denied with Gatehouse's {@code NO_MATCHING_GRANT}. Records what it was asked.
 */
final class FakeDecisions implements DecisionSource {

    static final String DENIED = "NO_MATCHING_GRANT";

    private final Set<String> granted = ConcurrentHashMap.newKeySet();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    FakeDecisions grant(String user, String question) {
        granted.add(user + ": " + question);
        return this;
    }

    FakeDecisions revoke(String user, String question) {
        granted.remove(user + ": " + question);
        return this;
    }

    /** Every question asked, as {@code user: question}. */
    List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public CheckResult decide(Check check) {
        String question = check.user() + ": " + described(check);
        asked.add(question);
        boolean allowed = granted.contains(question);
        Map<String, Object> reason = allowed
                ? Map.of("code", "GRANTED_BY", "explanation", "Allowed by a role " + check.user() + " holds.")
                : Map.of("code", DENIED, "explanation", check.user() + " holds no role that grants " + check.permission() + ".");
        return new CheckResult(allowed, reason, null, null, Answered.LOCAL);
    }

    private static String described(Check check) {
        if (check.resource() == null) {
            return check.permission();
        }
        if (ResourceRef.LOCATION_TYPE.equals(check.resource().type())) {
            return new PermissionQuestion(check.permission(), null, null, check.resource().location()).describe();
        }
        return new PermissionQuestion(check.permission(), check.resource().type(), check.resource().id(),
                check.resource().location()).describe();
    }
}
