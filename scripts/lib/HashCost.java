// The CPU of the whole process (the garbage collector included) per Argon2id verification at Gatehouse's production
// cost (Spring Security's encoder, m=16 MiB, t=2, p=1), THREADS at a time: the baseline a sign-in's JVM CPU is read
// against (docs/benchmarks.md, "Sign-in and user creation cost"). A single-file program:
//   M2=~/.m2/repository; java -Xms1g -Xmx1g -cp "$M2/org/springframework/security/spring-security-crypto/7.1.1/spring-security-crypto-7.1.1.jar:$M2/org/bouncycastle/bcprov-jdk18on/1.83/bcprov-jdk18on-1.83.jar:$M2/org/springframework/spring-core/7.0.9/spring-core-7.0.9.jar" scripts/lib/HashCost.java 60 4
import java.lang.management.ManagementFactory;
import java.util.concurrent.*;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
public class HashCost {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]), threads = Integer.parseInt(a[1]);
    Argon2PasswordEncoder enc = new Argon2PasswordEncoder(16, 32, 1, 16384, 2);
    String hash = enc.encode("warm-up passphrase");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < 2; round++) {
      long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
        for (int i = 0; i < n; i++) pool.submit(() -> enc.matches("signin cost load passphrase", hash));
      }
      System.out.printf("round %d: %.1f ms process CPU per verification, %.1f/s%n", round,
          (os.getProcessCpuTime() - c0) / 1e6 / n, n / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
