/** Chooses and starts the database: an embedded PostgreSQL under ./data, or an external one. */
@NullMarked
package dev.gatehouse.server.database;

import org.jspecify.annotations.NullMarked;
