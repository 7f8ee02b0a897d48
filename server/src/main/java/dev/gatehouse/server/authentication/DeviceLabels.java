package dev.gatehouse.server.authentication;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A device's coarse fingerprint for people to read: browser family and operating system from the
 * user agent ("Chrome on Windows"), nothing finer, so a browser update does not make a new device.
 * It is shown, and it tells apart clients that send no device id; it proves nothing.
 */
final class DeviceLabels {

    private DeviceLabels() {}

    static String of(@Nullable String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "Unknown device";
        }
        String agent = userAgent.toLowerCase(Locale.ROOT);
        String system = system(agent);
        String client = client(agent);
        return system == null ? client : client + " on " + system;
    }

    // The order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    private static String client(String agent) {
        if (agent.contains("edg/") || agent.contains("edga/") || agent.contains("edgios/")) {
            return "Edge";
        }
        if (agent.contains("opr/") || agent.contains("opera")) {
            return "Opera";
        }
        if (agent.contains("firefox/") || agent.contains("fxios/")) {
            return "Firefox";
        }
        if (agent.contains("chrome/") || agent.contains("crios/") || agent.contains("chromium/")) {
            return "Chrome";
        }
        if (agent.contains("safari/") && agent.contains("version/")) {
            return "Safari";
        }
        if (agent.startsWith("curl/")) {
            return "curl";
        }
        if (agent.contains("java")) {
            return "Java client";
        }
        if (agent.contains("python")) {
            return "Python client";
        }
        if (agent.contains("okhttp")) {
            return "OkHttp client";
        }
        if (agent.contains("postman")) {
            return "Postman";
        }
        return "Other client";
    }

    // iOS before macOS (an iPhone says "like Mac OS X"), Android and ChromeOS before Linux.
    private static @Nullable String system(String agent) {
        if (agent.contains("iphone") || agent.contains("ipad") || agent.contains("ipod")) {
            return "iOS";
        }
        if (agent.contains("windows")) {
            return "Windows";
        }
        if (agent.contains("mac os x") || agent.contains("macintosh")) {
            return "macOS";
        }
        if (agent.contains("android")) {
            return "Android";
        }
        if (agent.contains("cros")) {
            return "ChromeOS";
        }
        if (agent.contains("linux")) {
            return "Linux";
        }
        return null;
    }
}
