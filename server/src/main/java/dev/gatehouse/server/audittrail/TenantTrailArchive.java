package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.ChainPurge;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The archive of a tenant's whole trail before the tenant is deleted (issue 16): the chain must
 * verify, the head is locked so nothing is appended meanwhile, every event is written as the JSON
 * Lines export writes it (with its hashes, so it verifies offline), and the file is read back and
 * its SHA-256 compared before anything is removed. Only then does {@link #removeArchived} delete the
 * trail's rows, in the same transaction as the rest of the tenant.
 */
@Service
public class TenantTrailArchive {

    private static final AuditFilter EVERYTHING = AuditFilter.parse(
            new AuditFilters(null, null, null, null, null, null, null, null));

    /** An archive written and verified: its file name, SHA-256 and how many events it holds. */
    public record Archived(String name, String sha256, long events, long throughSeq) {}

    private final ChainVerifier verifier;
    private final ChainPurge purges;
    private final AuditQueries queries;
    private final ArchiveFiles archives;

    TenantTrailArchive(ChainVerifier verifier, ChainPurge purges, AuditQueries queries, ArchiveFiles archives) {
        this.verifier = verifier;
        this.purges = purges;
        this.queries = queries;
        this.archives = archives;
    }

    /**
     * Archives the whole trail of {@code tenant} into {@code tenant-<id>-<slug>-deleted-<seq>.jsonl}.
     *
     * @throws ApiException 409 when the chain does not verify (evidence of tampering is never destroyed)
     * @throws IllegalStateException when the file written is not what was read back
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Archived archive(TenantId tenant, String slug) {
        long through = purges.lockChainHead(tenant);
        ChainVerifier.Result chain = verifier.verify(tenant);
        if (!chain.ok()) {
            throw ApiException.conflict("the audit trail of " + slug + " does not verify (first bad event "
                    + chain.firstBadSeq() + "); it is kept, and the tenant is not deleted");
        }
        long[] count = {0};
        String name = "tenant-" + tenant + "-" + slug + "-deleted-" + through + ".jsonl";
        ChainPurge.Archive written = archives.write(name, out -> {
            AuditExport lines = new AuditExport(AuditExport.Format.JSONL, out);
            queries.stream(tenant, EVERYTHING, through + 1, row -> {
                count[0]++;
                lines.write(row);
            });
        });
        String readBack = sha256(archives.path(name));
        if (!readBack.equals(written.sha256())) {
            throw new IllegalStateException("the archive " + name + " does not read back as written");
        }
        return new Archived(written.name(), written.sha256(), count[0], through);
    }

    /** Removes the archived trail's rows; call it after {@link #archive}, in the same transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int removeArchived(TenantId tenant) {
        return purges.removeWholeTrail(tenant);
    }

    private static String sha256(java.nio.file.Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            MessageDigest sha = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read back the audit archive " + file, e);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
