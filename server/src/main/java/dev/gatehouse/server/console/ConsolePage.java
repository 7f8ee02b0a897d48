package dev.gatehouse.server.console;

/**
 * A console page controller outside this package (a feature's own screen, issue 15): implementing
 * this gives its pages the console's layout model ({@link Layout}) as this package's controllers get
 * it, without the console depending on the feature.
 */
public interface ConsolePage {}
