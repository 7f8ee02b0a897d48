package dev.gatehouse.server.compliance;

/** How a report is written: a spreadsheet's CSV or a PDF to hand to an auditor. */
public enum ReportFormat {
    CSV("text/csv", "csv"),
    PDF("application/pdf", "pdf");

    final String mediaType;
    final String extension;

    ReportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }
}
