package dev.gatehouse.server.authentication;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One-use recovery codes (ASVS 6.5): 24 base32 characters (120 random bits) shown as six groups
 * of four. With that much entropy a plain SHA-256 is enough to store them (ASVS 6.5.2); the
 * hyphens, spaces and case are ignored when one is typed back.
 */
final class RecoveryCodes {

    static final int COUNT = 10;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {}

    static List<String> generate() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < 24; c++) {
                if (c > 0 && c % 4 == 0) {
                    code.append('-');
                }
                code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            codes.add(code.toString());
        }
        return codes;
    }

    /** The stored form of a code as typed: without separators, upper case. */
    static byte[] hash(String code) {
        return Tokens.hash(code.replace("-", "").replace(" ", "").strip().toUpperCase(Locale.ROOT));
    }
}
