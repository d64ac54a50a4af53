package prunebench.report;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Output formats of figures: PNG for reading the report, SVG and PDF (vector, for papers and LaTeX's
 * {@code \includegraphics}).
 */
public enum ImageFormat {
    PNG("png"),
    SVG("svg"),
    PDF("pdf");

    private final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    static Optional<ImageFormat> fromKey(String key) {
        return Arrays.stream(values()).filter(f -> f.extension.equals(key)).findFirst();
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(ImageFormat::extension).toList();
    }
}
