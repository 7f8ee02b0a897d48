package dev.gatehouse.engine;

/**
 * Seed 003's three dimensions: what a user can do, see on a dashboard, and open as a page. All
 * three are ordinary keys answered by the same check.
 */
public enum PermissionKind {
    FUNCTIONAL,
    WIDGET,
    PAGE;

    static PermissionKind of(String key) {
        if (key.startsWith("widgets.")) {
            return WIDGET;
        }
        if (key.startsWith("pages.")) {
            return PAGE;
        }
        return FUNCTIONAL;
    }
}
