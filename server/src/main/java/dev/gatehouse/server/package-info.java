/** The Gatehouse server: the HTTP API over the decision engine, on PostgreSQL. */
@NullMarked
package dev.gatehouse.server;

import org.jspecify.annotations.NullMarked;
