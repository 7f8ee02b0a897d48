/**
 * Compliance reports (issue 16; seed 000 "Compliance exports - generate HIPAA/GDPR audit reports
 * automatically"): who accessed which patient records, who held which role as of a date, and the
 * sign-in security of a period, read from the audit trail as CSV or PDF, each generation audited, and
 * monthly schedules that tell chosen readers a report is ready.
 */
@NullMarked
package dev.gatehouse.server.compliance;

import org.jspecify.annotations.NullMarked;
