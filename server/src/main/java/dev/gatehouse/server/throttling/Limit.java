package dev.gatehouse.server.throttling;

/**
 * At most {@code requests} in {@code perMinutes}, refilled smoothly: after a burst, one more
 * request is allowed every {@code perMinutes / requests} minutes. The shape of the tenant settings'
 * {@code throttling.*.perAccount} and {@code perTenant} (docs/api.md).
 */
record Limit(int requests, int perMinutes) {

    Limit {
        if (requests < 1 || perMinutes < 1) {
            throw new IllegalArgumentException("a limit needs at least one request in at least one minute");
        }
    }

    /**
     * A server property's text, {@code requests/ISO-8601 duration in whole minutes}: {@code 30/PT1M}.
     *
     * @throws IllegalArgumentException naming {@code property} when the text is not such a limit
     */
    static Limit parse(String property, String text) {
        String[] parts = text.strip().split("/", 2);
        try {
            long minutes = java.time.Duration.parse(parts[1].strip()).toMinutes();
            return new Limit(Integer.parseInt(parts[0].strip()), Math.toIntExact(minutes));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + " must be requests/duration in whole minutes such as"
                    + " 30/PT1M, not '" + text + "'", e);
        }
    }

    /** Part of a bucket's id: a bucket never meets a limit other than the one it was made with. */
    String key() {
        return requests + "per" + perMinutes + "m";
    }
}
