/**
 * The server-rendered console at {@code /console} (Thymeleaf + htmx): one controller per screen,
 * form records, templates under {@code templates/console/}. Every screen calls the same feature
 * services as the API with the same {@code Caller}, so the console can never allow what the API
 * forbids; its session is a Gatehouse session carried in a cookie.
 */
@NullMarked
package dev.gatehouse.server.console;

import org.jspecify.annotations.NullMarked;
