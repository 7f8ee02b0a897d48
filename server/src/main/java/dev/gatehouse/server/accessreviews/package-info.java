/**
 * Access reviews (issue 13; seed 000 "Access review scheduling"): campaigns over locations and roles
 * whose reviewers keep or revoke each assignment, revocations applied at once, the review's default
 * decision at the due date, quarterly recurrence, reminder mails and the closing report.
 */
@NullMarked
package dev.gatehouse.server.accessreviews;

import org.jspecify.annotations.NullMarked;
