// GET /api/v1/me as a real server answered it for each row of the README's navigation table: a
// tenant of the booking role pack (seed 002), one user per row, captured by scripts/capture-me.sh
// (the server's made-up ids replaced by the fixed ones of snapshots.js, nothing else touched).
import { readFileSync } from 'node:fs';

/** Row of the README's table → that user's /me. */
export const BOOKING_ROLES = new Map(Object.entries(
  JSON.parse(readFileSync(new URL('./fixtures/booking-me.json', import.meta.url), 'utf8'))));
