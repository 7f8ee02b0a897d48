/** Problem documents, identifiers and request plumbing that three or more features need. */
@NullMarked
package dev.gatehouse.server.shared;

import org.jspecify.annotations.NullMarked;
