/** Rate limits on the doors that need no session (sign-in, second factor, recovery, registration, links), shared by every node. */
@NullMarked
package dev.gatehouse.server.throttling;

import org.jspecify.annotations.NullMarked;
