/**
 * The Java SDK of Gatehouse (issue 14): the HTTP API as typed calls with timeouts, retries and clear
 * exceptions ({@link dev.gatehouse.client.GatehouseClient}), and decisions taken in process by the
 * server's own engine, kept fresh by the server's change stream ({@link dev.gatehouse.client.LocalDecisions}).
 *
 * <p>Needs Java 21: the engine it runs is built from records and sealed types of that release. No Spring;
 * the Spring Boot starter builds on this package.
 */
@NullMarked
package dev.gatehouse.client;

import org.jspecify.annotations.NullMarked;
