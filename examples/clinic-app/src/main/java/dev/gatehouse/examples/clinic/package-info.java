/** A clinic's own application that signs its staff in through Gatehouse and asks Gatehouse what they may do. */
@NullMarked
package dev.gatehouse.examples.clinic;

import org.jspecify.annotations.NullMarked;
