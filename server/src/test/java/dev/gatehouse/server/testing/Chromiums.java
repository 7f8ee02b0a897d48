package dev.gatehouse.server.testing;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The test JVM's chromiums, started on first use and kept until the JVM exits: a test's first browser is
 * always the first of them, its second (a test with two people at two screens at once) the second, and so
 * on. The suite used to start a chromium for every browser a test asked for (91 in 72 tests); now it starts
 * as many as one test uses at once. A test hands its chromiums back when it ends: a passed test's are
 * {@link Chromium#reset reset} for the next one, a failed test's are quit, so whatever broke them (a page
 * still loading, a dialog, a dead driver) cannot reach the next test; that slot starts a new chromium when
 * next asked for. Tests of one JVM run one after another, so this is not made for threads.
 */
final class Chromiums {

    private static final List<@Nullable Chromium> STARTED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Chromiums::quitAll, "quit-chromiums"));
    }

    private Chromiums() {}

    /** The chromium of a test's {@code slot}-th browser (from 0), started now if it is not running. */
    static synchronized Chromium take(int slot) {
        while (STARTED.size() <= slot) {
            STARTED.add(null);
        }
        Chromium chromium = STARTED.get(slot);
        if (chromium == null) {
            chromium = Chromium.start();
            STARTED.set(slot, chromium);
        }
        return chromium;
    }

    /**
     * Back from a test: wiped for the next test, or quit when the test failed or the wipe did not hold.
     * One already quit (a test of this class quits its own) is left alone.
     */
    static synchronized void giveBack(Chromium chromium, boolean testFailed) {
        int slot = STARTED.indexOf(chromium);
        if (slot < 0) {
            return;
        }
        if (testFailed || !chromium.reset()) {
            chromium.quit();
            STARTED.set(slot, null);
        }
    }

    private static synchronized void quitAll() {
        for (Chromium chromium : STARTED) {
            if (chromium != null) {
                chromium.quit();
            }
        }
        STARTED.clear();
    }
}
