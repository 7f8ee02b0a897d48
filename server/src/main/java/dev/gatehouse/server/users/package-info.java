/** User accounts: profiles, lifecycle and their role assignments. */
@NullMarked
package dev.gatehouse.server.users;

import org.jspecify.annotations.NullMarked;
