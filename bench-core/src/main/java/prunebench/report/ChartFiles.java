package prunebench.report;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import prunebench.util.AtomicFiles;

/** Writes a chart as {@code <name>.png}, {@code <name>.svg} and/or {@code <name>.pdf}, all drawn at the same size. */
final class ChartFiles {
    static {
        // ImageIO buffers through a file in java.io.tmpdir by default: on a full disk that fails outside our
        // control; in memory, the only file written is the chart's own, atomically.
        ImageIO.setUseCache(false);
    }

    private ChartFiles() {}

    static List<Path> write(JFreeChart chart, Path dir, String name, Set<ImageFormat> formats) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (ImageFormat format : ImageFormat.values()) { // enum order: deterministic file list
                if (!formats.contains(format)) {
                    continue;
                }
                Path file = dir.resolve(name + "." + format.extension());
                switch (format) {
                    case PNG -> AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, ChartLook.WIDTH,
                            ChartLook.HEIGHT));
                    case SVG -> AtomicFiles.writeString(file, svg(chart));
                    case PDF -> AtomicFiles.write(file, out -> out.write(ChartPdf.bytes(chart, name)));
                }
                files.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(ChartLook.WIDTH, ChartLook.HEIGHT);
        g.setDefsKeyPrefix("pb"); // the default embeds a timestamp; fixed ids keep rebuilt SVGs identical
        chart.draw(g, new Rectangle2D.Double(0, 0, ChartLook.WIDTH, ChartLook.HEIGHT));
        return g.getSVGElement();
    }
}
