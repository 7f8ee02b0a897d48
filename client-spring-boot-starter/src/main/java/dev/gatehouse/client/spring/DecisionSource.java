package dev.gatehouse.client.spring;

import dev.gatehouse.client.Check;
import dev.gatehouse.client.CheckResult;

/**
 * Where the starter's decisions are made: the client's {@code LocalDecisions} in this JVM, or, when
 * {@code gatehouse.local.enabled=false}, the HTTP check. One seam, so route rules, method annotations and
 * views cannot decide differently.
 */
@FunctionalInterface
public interface DecisionSource {

    /** Gatehouse's answer, reason included; a {@code GatehouseException} when it could not be asked. */
    CheckResult decide(Check check);
}
