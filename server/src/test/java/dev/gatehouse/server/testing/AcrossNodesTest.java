package dev.gatehouse.server.testing;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An integration test with a second node ({@link #nodeB}) on the test application's database: what one
 * node does, the other must see (the change announcements, within about a second). Every such class of
 * a test JVM talks to the same node B ({@link SecondNode#shared}), started by the first and stopped when
 * the JVM exits: each test makes its own tenant, and a node's start costs as much as a class's tests.
 */
public abstract class AcrossNodesTest extends IntegrationTest {

    protected static SecondNode nodeB;

    @BeforeAll
    static void startSecondNode(@Autowired DataSource dataSource) {
        nodeB = SecondNode.shared(dataSource);
    }
}
