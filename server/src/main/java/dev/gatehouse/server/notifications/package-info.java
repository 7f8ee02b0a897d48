/**
 * The platform's notification settings (seed 001, "Admin → System → Notifications"): the SMTP server
 * operators set in the console and over the API, and a throttled test message to their own address.
 */
@NullMarked
package dev.gatehouse.server.notifications;

import org.jspecify.annotations.NullMarked;
