package prunebench.report;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.util.Matrix;

/**
 * A chart as a one-page vector PDF, drawn through PDFBox's Graphics2D bridge (de.rototor.pdfbox:graphics2d). The page
 * is the PNG's layout at {@value #POINTS_PER_PIXEL} pt per pixel (800 x 500 pt), so fonts keep their proportions;
 * text is drawn as outlines, so the file needs no font on the reader's machine and looks exactly like the PNG. The
 * bytes depend only on the chart: no dates, and a document id derived from the content.
 */
final class ChartPdf {
    static final float POINTS_PER_PIXEL = 0.5f;

    private ChartPdf() {}

    static byte[] bytes(org.jfree.chart.JFreeChart chart, String name) throws IOException {
        try (PDDocument document = new PDDocument()) {
            float width = ChartLook.WIDTH * POINTS_PER_PIXEL;
            float height = ChartLook.HEIGHT * POINTS_PER_PIXEL;
            PDPage page = new PDPage(new PDRectangle(width, height));
            document.addPage(page);
            PdfBoxGraphics2D g = new PdfBoxGraphics2D(document, ChartLook.WIDTH, ChartLook.HEIGHT);
            try {
                chart.draw(g, new Rectangle2D.Double(0, 0, ChartLook.WIDTH, ChartLook.HEIGHT));
            } finally {
                g.dispose();
            }
            PDFormXObject form = g.getXFormObject();
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.transform(Matrix.getScaleInstance(POINTS_PER_PIXEL, POINTS_PER_PIXEL));
                content.drawForm(form);
            }
            document.getDocumentInformation().setTitle(name);
            // PDFBox otherwise derives the trailer's /ID from the clock: the same chart would give other bytes.
            ByteArrayOutputStream draft = new ByteArrayOutputStream();
            byte[] id = digest(name.getBytes(StandardCharsets.UTF_8));
            document.getDocument().setDocumentID(idArray(id));
            document.save(draft);
            document.getDocument().setDocumentID(idArray(digest(draft.toByteArray())));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    private static COSArray idArray(byte[] id) {
        COSArray array = new COSArray();
        array.add(new COSString(id));
        array.add(new COSString(id));
        return array;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            return java.util.Arrays.copyOf(sha, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
