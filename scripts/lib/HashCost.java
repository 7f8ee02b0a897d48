// The CPU per Argon2id verification at Gatehouse's production cost (Spring Security's encoder, m=16 MiB, t=2, p=1),
// THREADS at a time: the baseline a sign-in's JVM CPU is read against (docs/benchmarks.md, "Sign-in and user
// creation cost"). Prints, per round, the whole process's CPU (the garbage collector and the JIT included) and the
// hashing threads' own CPU, which is what the server's request threads spend on the hash. A single-file program;
// scripts/signin-cost.sh runs it after the sign-ins with the server jar's own libraries and heap:
//   M2=~/.m2/repository; java -Xms1g -Xmx1g -cp "$M2/org/springframework/security/spring-security-crypto/7.1.1/spring-security-crypto-7.1.1.jar:$M2/org/bouncycastle/bcprov-jdk18on/1.84/bcprov-jdk18on-1.84.jar:$M2/org/springframework/spring-core/7.0.9/spring-core-7.0.9.jar" scripts/lib/HashCost.java 60 4 [rounds]
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
public class HashCost {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]), threads = Integer.parseInt(a[1]), rounds = a.length > 2 ? Integer.parseInt(a[2]) : 2;
    Argon2PasswordEncoder enc = new Argon2PasswordEncoder(16, 32, 1, 16384, 2);
    String hash = enc.encode("warm-up passphrase");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      AtomicLong hashing = new AtomicLong();
      long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
        for (int i = 0; i < n; i++) pool.submit(() -> {
          long own = cpu.getCurrentThreadCpuTime();
          enc.matches("signin cost load passphrase", hash);
          hashing.addAndGet(cpu.getCurrentThreadCpuTime() - own);
        });
      }
      System.out.printf("round %d: %.1f ms process CPU, %.1f ms hashing thread CPU per verification, %.1f/s%n", round,
          (os.getProcessCpuTime() - c0) / 1e6 / n, hashing.get() / 1e6 / n, n / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
