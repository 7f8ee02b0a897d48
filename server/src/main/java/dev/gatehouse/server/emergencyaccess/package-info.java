/**
 * Clinical break-glass (issue 13; docs/api.md, "Temporary access"): a clinician's time-boxed emergency
 * access to one resource with a reason, alerted to the tenant's admins at once and reviewed afterwards
 * by someone else. Not the platform operator's account unlock ({@code platform.BreakGlass}).
 */
@NullMarked
package dev.gatehouse.server.emergencyaccess;

import org.jspecify.annotations.NullMarked;
