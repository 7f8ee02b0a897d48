/** Sign-in, bearer sessions and the caller of each request. */
@NullMarked
package dev.gatehouse.server.authentication;

import org.jspecify.annotations.NullMarked;
