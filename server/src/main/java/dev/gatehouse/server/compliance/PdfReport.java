package dev.gatehouse.server.compliance;

import java.io.OutputStream;
import java.util.List;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.FontFactory;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * A report as PDF (OpenPDF): the header as a two-column table, then the rows in a table whose column
 * names repeat on every page. The rows table is handed to the document every {@link #FLUSH_EVERY}
 * rows (an incomplete table), so written pages leave memory as the rows stream in.
 */
final class PdfReport {

    /** A PDF of more rows than this is no longer read by a person: such a report is a CSV. */
    static final long MAX_ROWS = 100_000;

    private static final int FLUSH_EVERY = 200;
    private static final Font TITLE = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 14);
    private static final Font LABEL = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 8);
    private static final Font TEXT = FontFactory.getFont(FontFactory.HELVETICA, 8);
    private static final Font CELL = FontFactory.getFont(FontFactory.HELVETICA, 6);
    private static final Font COLUMN = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 6);

    private PdfReport() {}

    static void write(ReportHeader header, ReportRows rows, OutputStream out) {
        Document document = new Document(PageSize.A4.rotate(), 24, 24, 24, 24);
        PdfWriter writer = PdfWriter.getInstance(document, out);
        writer.setCloseStream(false);
        document.addTitle(header.type().label() + " - " + header.tenantName());
        document.addCreator("Gatehouse");
        document.open();
        document.add(new Paragraph(header.type().label(), TITLE));
        PdfPTable facts = new PdfPTable(new float[] {1, 3});
        facts.setWidthPercentage(70);
        facts.setHorizontalAlignment(Element.ALIGN_LEFT);
        facts.setSpacingBefore(8);
        facts.setSpacingAfter(12);
        for (List<String> line : header.lines()) {
            facts.addCell(new PdfPCell(new Phrase(line.get(0), LABEL)));
            facts.addCell(new PdfPCell(new Phrase(line.get(1), TEXT)));
        }
        document.add(facts);
        List<String> columns = header.type().columns();
        PdfPTable table = new PdfPTable(columns.size());
        table.setWidthPercentage(100);
        table.setHeaderRows(1);
        table.setComplete(false);
        for (String column : columns) {
            table.addCell(new PdfPCell(new Phrase(column, COLUMN)));
        }
        long[] written = {0};
        rows.forEach(row -> {
            for (String cell : row) {
                table.addCell(new PdfPCell(new Phrase(cell, CELL)));
            }
            if (++written[0] % FLUSH_EVERY == 0) {
                document.add(table);
            }
        });
        if (written[0] == 0) {
            PdfPCell none = new PdfPCell(new Phrase("No events in this report.", CELL));
            none.setColspan(columns.size());
            table.addCell(none);
        }
        table.setComplete(true);
        document.add(table);
        document.close();
    }
}
