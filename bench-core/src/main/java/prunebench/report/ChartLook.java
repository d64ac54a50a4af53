package prunebench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.AbstractRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;

/** How every report figure looks: fonts sized for a 1600x1000 image, white background, log2 and percent axes. */
final class ChartLook {
    static final int WIDTH = 1600;
    static final int HEIGHT = 1000;
    private static final String FONT = Font.SANS_SERIF;
    static final Font MARKER_FONT = new Font(FONT, Font.PLAIN, 22);

    private ChartLook() {}

    /**
     * Applies a fresh theme instance: JFreeChart's global theme is static mutable state we keep out of. Without
     * {@code titles} (report.titles: false) the figure has neither its title nor the subtitle: a paper's caption
     * says what it shows.
     */
    static void apply(JFreeChart chart, String subtitle, boolean titles) {
        StandardChartTheme theme = new StandardChartTheme("prunebench");
        theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 34));
        theme.setLargeFont(new Font(FONT, Font.PLAIN, 26));
        theme.setRegularFont(new Font(FONT, Font.PLAIN, 22));
        theme.setSmallFont(new Font(FONT, Font.PLAIN, 18));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setPlotOutlinePaint(Color.GRAY);
        theme.setDomainGridlinePaint(new Color(0xDDDDDD));
        theme.setRangeGridlinePaint(new Color(0xDDDDDD));
        theme.setAxisOffset(RectangleInsets.ZERO_INSETS);
        theme.setBarPainter(new StandardBarPainter());
        theme.setShadowVisible(false);
        theme.apply(chart);
        if (!titles) {
            chart.setTitle((org.jfree.chart.title.TextTitle) null);
        } else if (subtitle != null && !subtitle.isBlank()) {
            chart.addSubtitle(new TextTitle(subtitle, new Font(FONT, Font.PLAIN, 24)));
        }
        chart.setPadding(new RectangleInsets(10, 10, 10, 30));
        if (chart.getLegend() != null) {
            chart.getLegend().setFrame(new org.jfree.chart.block.BlockBorder(Color.LIGHT_GRAY));
            chart.getLegend().setItemLabelPadding(new RectangleInsets(2, 6, 2, 18));
        }
    }

    /**
     * Series colours, markers and strokes. Must run after {@link #apply}: applying a theme clears the renderer's
     * series paints and strokes.
     */
    static void styleSeries(AbstractRenderer renderer, List<SeriesStyles.Style> styles) {
        for (int i = 0; i < styles.size(); i++) {
            renderer.setSeriesPaint(i, styles.get(i).color());
            renderer.setSeriesShape(i, styles.get(i).shape());
            renderer.setSeriesStroke(i, styles.get(i).stroke());
        }
    }

    /**
     * A base-2 log axis with one tick per doubling labelled 1, 2, 4, 8, ... (JFreeChart's automatic log ticks
     * print exponents). A range narrower than two doublings gets half-doubling ticks so that it has at least two.
     */
    static LogAxis log2Axis(String label, double min, double max) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        axis.setSmallestValue(1e-9);
        double lo = Math.log(min) / Math.log(2);
        double hi = Math.log(max) / Math.log(2);
        double span = hi - lo;
        double pad = Math.max(0.15, span * 0.04);
        if (span < 0.5) {
            pad = 0.5; // a single point, or nearly: show a doubling around it
        }
        axis.setRange(Math.pow(2, lo - pad), Math.pow(2, hi + pad));
        axis.setTickUnit(new NumberTickUnit(span + 2 * pad < 2 ? 0.5 : 1)); // also turns off auto tick selection
        axis.setNumberFormatOverride(Numbers.format("0.##"));
        axis.setMinorTickMarksVisible(false);
        return axis;
    }

    /**
     * A value axis for accuracies stored as fractions, labelled in percent, with a 1-2-5 tick step giving at most
     * about 15 ticks (the automatic choice packs a 1000 px high axis with half-percent ticks).
     */
    static NumberAxis percentAxis(String label, double lower, double upper) {
        NumberAxis axis = new NumberAxis(label);
        double span = Math.max(upper - lower, 0.01);
        axis.setRange(lower - 0.08 * span, upper + 0.08 * span);
        DecimalFormat format = Numbers.format("0.##");
        format.setMultiplier(100);
        axis.setTickUnit(new NumberTickUnit(niceStep(1.16 * span / 15), format));
        return axis;
    }

    /** The smallest of 1, 2, 5 times a power of ten that is at least {@code raw}. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** A dashed horizontal reference line with its label above the right end. */
    static ValueMarker referenceLine(double y, String label) {
        ValueMarker marker = new ValueMarker(y, new Color(0x444444),
                new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {12f, 8f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(MARKER_FONT);
        marker.setLabelPaint(new Color(0x444444));
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        marker.setLabelOffset(new RectangleInsets(4, 4, 4, 8));
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 210));
        return marker;
    }
}
