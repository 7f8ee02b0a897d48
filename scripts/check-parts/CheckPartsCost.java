import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.Scope;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * What three parts of a lean check cost in CPU, measured alone (this thread's CPU time, so a loaded machine
 * stretches the wall time but not the figure much): the mapper reading the question, the mapper writing the
 * answer, and the API chain's default HeaderWriterFilter against writing its six headers as recorded
 * (docs/benchmarks.md, "Branch check12"). Run from the repository after a build, with the jar extracted
 * (scripts/load-check.sh extracts it) and spring-test from the local Maven repository:
 *
 *   java -cp "server/target/classes:server/target/gatehouse/lib/*:$HOME/.m2/repository/org/springframework/spring-test/7.0.9/spring-test-7.0.9.jar" \
 *     scripts/check-parts/CheckPartsCost.java [iterations]
 */
public class CheckPartsCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    interface Step {
        long run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        // As application.properties configures Boot's mapper: spring.jackson.default-property-inclusion=non_null.
        JsonMapper json = JsonMapper.builder()
                .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
        Class<?> question = Class.forName("dev.gatehouse.server.access.CheckRequest");
        byte[] plain = "{\"user\":\"5f0c7a3e-2b1d-4c1e-9a63-0b1f6f2d9e11\",\"permission\":\"patients.read\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] withResource = ("{\"user\":\"5f0c7a3e-2b1d-4c1e-9a63-0b1f6f2d9e11\",\"permission\":\"patients.read\","
                + "\"resource\":{\"type\":\"patient\",\"id\":\"p-42\",\"location\":\"9b2e6c1a-7d4f-4f0e-8c2b-3a5d1e7f9c20\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Assignment assignment = new Assignment("5f0c7a3e-2b1d-4c1e-9a63-0b1f6f2d9e11", "manager",
                "9b2e6c1a-7d4f-4f0e-8c2b-3a5d1e7f9c20", null, null, AssignmentSource.DIRECT, null);
        DecisionView allow = DecisionView.of(Decision.allow(new Reason.GrantedBy("manager", assignment,
                Grant.of("patients.read", Scope.LOCATION), "manager")));
        DecisionView deny = DecisionView.of(Decision.deny(new Reason.NoMatchingGrant("billing.read")));

        // Spring Security's defaults, as the API chain has them (SecurityConfiguration: headers with cache control).
        List<HeaderWriter> writers = List.of(new XContentTypeOptionsHeaderWriter(), new XXssProtectionHeaderWriter(),
                new CacheControlHeadersWriter(), new HstsHeaderWriter(),
                new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));
        HeaderWriterFilter filter = new HeaderWriterFilter(writers);
        filter.afterPropertiesSet();
        byte[] answer = json.writeValueAsBytes(deny);
        MockHttpServletResponse probe = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("POST", "/"), probe, (request, response) -> { });
        List<String[]> recorded = new ArrayList<>();
        for (String name : probe.getHeaderNames()) {
            for (String value : probe.getHeaders(name)) {
                recorded.add(new String[] {name, value});
            }
        }

        for (int round = 1; round <= 6; round++) {
            System.out.printf("round %d: read %.2f / %.2f µs, write allow %.2f / deny %.2f µs,"
                    + " headers: filter %.2f, recorded %.2f, none %.2f µs (mock request and response included)%n",
                    round,
                    perCall(n, () -> json.readValue(plain, question).hashCode()),
                    perCall(n, () -> json.readValue(withResource, question).hashCode()),
                    perCall(n, () -> json.writeValueAsBytes(allow).length),
                    perCall(n, () -> json.writeValueAsBytes(deny).length),
                    perCall(n, () -> {
                        MockHttpServletResponse response = new MockHttpServletResponse();
                        filter.doFilter(new MockHttpServletRequest("POST", "/"), response,
                                (request, out) -> answer((HttpServletResponse) out, answer));
                        return response.getContentLength();
                    }),
                    perCall(n, () -> {
                        MockHttpServletResponse response = new MockHttpServletResponse();
                        new MockHttpServletRequest("POST", "/");
                        for (String[] header : recorded) {
                            response.addHeader(header[0], header[1]);
                        }
                        answer(response, answer);
                        return response.getContentLength();
                    }),
                    perCall(n, () -> {
                        MockHttpServletResponse response = new MockHttpServletResponse();
                        new MockHttpServletRequest("POST", "/");
                        answer(response, answer);
                        return response.getContentLength();
                    }));
        }
    }

    private static double perCall(int n, Step step) throws Exception {
        long sink = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink += step.run();
        }
        long spent = THREADS.getCurrentThreadCpuTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return spent / 1e3 / n;
    }

    private static void answer(HttpServletResponse response, byte[] bytes) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
