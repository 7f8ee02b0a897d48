/** Outgoing mail: an outbox written in the change's transaction, sent over SMTP by a retrying worker. */
@NullMarked
package dev.gatehouse.server.mail;

import org.jspecify.annotations.NullMarked;
