package dev.gatehouse.server.testing;

import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An integration test with a second node ({@link #nodeB}) on the test application's database, started
 * once for the class and stopped after it: what one node does, the other must see (the change
 * announcements, within about a second).
 */
public abstract class AcrossNodesTest extends IntegrationTest {

    protected static SecondNode nodeB;

    @BeforeAll
    static void startSecondNode(@Autowired DataSource dataSource) {
        nodeB = SecondNode.startBeside(dataSource);
    }

    @AfterAll
    static void stopSecondNode() {
        if (nodeB != null) {
            nodeB.close();
            nodeB = null;
        }
    }
}
