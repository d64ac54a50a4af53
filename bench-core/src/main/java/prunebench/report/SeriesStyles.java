package prunebench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.util.ShapeUtils;

/**
 * Colour, marker and line style of a series, derived from the strategy's position in the sorted list of all
 * strategies (and the experiment's position when several are combined), so a strategy looks the same in every
 * figure and every rebuild of the same results.
 */
final class SeriesStyles {
    /** Okabe–Ito colour-blind-safe palette (yellow dropped: unreadable on white), then three extras. */
    private static final List<Color> PALETTE = List.of(
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00),
            new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B), new Color(0x999933), new Color(0x7F7F7F));
    private static final float LINE_WIDTH = 3f;
    private static final List<float[]> DASHES = List.of(new float[] {14f, 7f}, new float[] {3f, 6f},
            new float[] {14f, 6f, 3f, 6f});

    private final List<String> experiments;
    private final List<String> strategies;

    record Style(Color color, Shape shape, Stroke stroke) {}

    SeriesStyles(List<String> experiments, List<String> sortedStrategies) {
        this.experiments = List.copyOf(experiments);
        this.strategies = List.copyOf(sortedStrategies);
    }

    Style of(String experiment, String strategy) {
        int s = Math.max(0, strategies.indexOf(strategy));
        int e = Math.max(0, experiments.indexOf(experiment));
        Color color = PALETTE.get(s % PALETTE.size());
        if (experiments.size() <= 1) {
            // Colour and marker both follow the strategy; when colours wrap around, the marker still differs.
            return new Style(color, shape(s), solid());
        }
        // Combined: colour follows the strategy, marker and dash pattern follow the experiment.
        return new Style(color, shape(e), e == 0 ? solid()
                : new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        DASHES.get((e - 1) % DASHES.size()), 0f));
    }

    static Stroke solid() {
        return new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    static Shape shape(int i) {
        float r = 7f;
        return switch (i % 7) {
            case 0 -> new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(-r + 1, -r + 1, 2 * r - 2, 2 * r - 2);
            case 2 -> ShapeUtils.createUpTriangle(r + 1);
            case 3 -> ShapeUtils.createDiamond(r + 1);
            case 4 -> ShapeUtils.createDownTriangle(r + 1);
            case 5 -> ShapeUtils.createDiagonalCross(r, 2.5f);
            default -> ShapeUtils.createRegularCross(r + 1, 2.5f);
        };
    }
}
