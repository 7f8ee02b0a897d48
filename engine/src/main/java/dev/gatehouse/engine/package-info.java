/**
 * Answers "may this subject do this, here, to this?" from data handed in, with the reason.
 *
 * <p>No Spring, no I/O, no clock: the time of a request comes in the request (docs/access-model.md).
 */
@NullMarked
package dev.gatehouse.engine;

import org.jspecify.annotations.NullMarked;
