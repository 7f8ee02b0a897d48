package dev.gatehouse.server.console;

import java.security.SecureRandom;

/**
 * Passwords the console makes when an admin asks it to (seed 000: "Password (or auto-generate)"):
 * {@value #LENGTH} characters from an alphabet without look-alikes (no 0/O, 1/l/I), with at least one
 * upper-case letter, lower-case letter, digit and symbol, so that a tenant's optional composition
 * rules accept it; about 190 bits. The user replaces it at first sign-in (CHANGE_PASSWORD).
 */
final class GeneratedPasswords {

    static final int LENGTH = 32;

    private static final String UPPER = "ABCDEFGHJKMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnpqrstuvwxyz";
    private static final String DIGITS = "23456789";
    private static final String SYMBOLS = "-_.!?+=";
    private static final String ALL = UPPER + LOWER + DIGITS + SYMBOLS;
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPasswords() {}

    static String next() {
        char[] password = new char[LENGTH];
        String[] required = {UPPER, LOWER, DIGITS, SYMBOLS};
        for (int i = 0; i < LENGTH; i++) {
            String from = i < required.length ? required[i] : ALL;
            password[i] = from.charAt(RANDOM.nextInt(from.length()));
        }
        // Shuffle, so the required classes are not always first.
        for (int i = LENGTH - 1; i > 0; i--) {
            int j = RANDOM.nextInt(i + 1);
            char kept = password[i];
            password[i] = password[j];
            password[j] = kept;
        }
        return new String(password);
    }
}
