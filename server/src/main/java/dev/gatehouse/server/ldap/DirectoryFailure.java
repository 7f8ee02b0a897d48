package dev.gatehouse.server.ldap;

/**
 * The directory could not be read: unreachable, refused by the outbound guard, the service account's
 * bind refused, a base DN or filter it does not accept. {@code field} names the setting to look at
 * ({@code config.url}, {@code config.bindDn} …), {@code getMessage()} says why in words for the admin.
 */
final class DirectoryFailure extends Exception {

    private final String field;

    DirectoryFailure(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    DirectoryFailure(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
