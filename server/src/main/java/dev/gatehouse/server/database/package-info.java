/**
 * Chooses and starts the database: an embedded PostgreSQL under ./data, or an external one; and
 * copies many rows at once for the bulk paths ({@link dev.gatehouse.server.database.CopyRows}).
 */
@NullMarked
package dev.gatehouse.server.database;

import org.jspecify.annotations.NullMarked;
