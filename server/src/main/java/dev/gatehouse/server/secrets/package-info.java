/** Secrets at rest: AES-256-GCM with the server's key from the environment (or a generated one in the data folder). */
@NullMarked
package dev.gatehouse.server.secrets;

import org.jspecify.annotations.NullMarked;
