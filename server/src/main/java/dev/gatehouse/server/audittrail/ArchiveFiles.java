package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.ChainPurge;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Writes the retention purge's archive files (docs/audit.md "Retention") into
 * {@code gatehouse.audit.archive-dir}. A file is complete and on disk — fsynced, renamed into place,
 * the directory fsynced — before the purge deletes a single event, so a crash at any point loses
 * nothing: at worst an archive exists whose events are still in the database too. Beside each file
 * a {@code .sha256} file in {@code sha256sum} format.
 */
@Component
class ArchiveFiles {

    private final Path directory;

    ArchiveFiles(@Value("${gatehouse.audit.archive-dir:${gatehouse.data-dir:./data}/audit-archive}") String directory) {
        this.directory = Path.of(directory);
    }

    /** Where the archive {@code name} is (or would be) on disk. */
    java.nio.file.Path path(String name) {
        return directory.resolve(name);
    }

    /** Writes {@code name} with what {@code content} writes, durably; answers its SHA-256. */
    ChainPurge.Archive write(String name, Consumer<Writer> content) {
        Path partial = directory.resolve(name + ".partial");
        try {
            Files.createDirectories(directory);
            MessageDigest sha256 = sha256();
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                Writer out = new BufferedWriter(new OutputStreamWriter(
                        new DigestOutputStream(Channels.newOutputStream(channel), sha256), StandardCharsets.UTF_8));
                content.accept(out);
                out.flush();
                channel.force(true);
            }
            Files.move(partial, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            String hex = HexFormat.of().formatHex(sha256.digest());
            writeSmall(directory.resolve(name + ".sha256"), hex + "  " + name + "\n");
            syncDirectory();
            return new ChainPurge.Archive(name, hex);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("could not write the audit archive " + directory.resolve(name), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    private static void writeSmall(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(text));
            channel.force(true);
        }
    }

    /** Makes the renames durable: on Linux a rename is on disk only once its directory is synced. */
    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisPlatform) {
            // Windows cannot open a directory; NTFS journals the rename itself.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw notOnThisPlatform;
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException cleanupFailed) {
            // The error being reported matters more; a leftover .partial file is overwritten next time.
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
