package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import prunebench.config.ConfigException;

class ReportSpecTest {

    private static Map<String, Object> yaml(String text) {
        return new Yaml().load(text);
    }

    private static String error(String reportYaml) {
        return assertThrows(ConfigException.class, () -> ReportSpec.fromExperiment(yaml(reportYaml))).getMessage();
    }

    @Test
    void absentSectionGivesDefaults() {
        ReportSpec spec = ReportSpec.fromExperiment(yaml("name: x\nmodel: lenet5\n"));
        assertEquals(ReportSpec.defaults(), spec);
        assertEquals(List.of(FigureKind.values()), spec.figures());
        assertEquals("top1", spec.metric());
        assertEquals(EnumSet.of(ImageFormat.PNG, ImageFormat.SVG), spec.formats()); // PDF only when asked
        assertTrue(spec.titles());
        assertTrue(spec.compare().isEmpty());
        assertNull(spec.densityProfile().compression());
    }

    @Test
    void parsesEveryKey() {
        ReportSpec spec = ReportSpec.fromExperiment(yaml("""
                name: x
                report:
                  title: LeNet-5 on MNIST
                  figures: [accuracy-vs-speedup, density-profile]
                  strategies: [global, layer]
                  metric: top5
                  density_profile: {compression: 16, strategies: [global]}
                  training_curves: {runs: [abc123, 42]}
                  compare: [[global, layer], [layer, random]]
                  format: svg
                """));
        assertEquals("LeNet-5 on MNIST", spec.title());
        assertEquals(List.of(FigureKind.ACCURACY_VS_SPEEDUP, FigureKind.DENSITY_PROFILE), spec.figures());
        assertEquals(List.of("global", "layer"), spec.strategies());
        assertEquals("top5", spec.metric());
        assertEquals(16.0, spec.densityProfile().compression());
        assertEquals(List.of("global"), spec.densityProfile().strategies());
        assertEquals(List.of("abc123", "42"), spec.trainingCurves().runs());
        assertNull(spec.trainingCurves().compression());
        assertEquals(List.of(new ReportSpec.Pair("global", "layer"), new ReportSpec.Pair("layer", "random")), spec.compare());
        assertEquals(EnumSet.of(ImageFormat.SVG), spec.formats());
    }

    @Test
    void pdfAndTitlesForAPaper() {
        ReportSpec spec = ReportSpec.fromExperiment(yaml("""
                name: x
                report:
                  format: [png, svg, pdf]
                  titles: false
                """));
        assertEquals(EnumSet.allOf(ImageFormat.class), spec.formats());
        assertEquals(false, spec.titles());
        assertEquals(false, spec.withReferences(List.of()).titles()); // --references keeps the choice

        String e = error("report: {titles: no-thanks}");
        assertTrue(e.startsWith("report.titles: expected true or false, got string 'no-thanks'"), e);
        e = error("report: {format: [png, eps]}");
        assertTrue(e.startsWith("report.format[1]: unknown format 'eps'") && e.contains("pdf"), e);
    }

    @Test
    void errorsNameTheKey() {
        String e = error("report: {figures: [accuracy-vs-compression, acuracy-vs-speedup]}");
        assertTrue(e.startsWith("report.figures[1]: unknown figure 'acuracy-vs-speedup' (did you mean 'accuracy-vs-speedup'?)"), e);

        e = error("report: {figure: [accuracy-vs-compression]}");
        assertTrue(e.startsWith("report: unknown key 'figure' (did you mean 'figures'?)"), e);

        e = error("report: {metric: top3}");
        assertTrue(e.startsWith("report.metric: unknown metric 'top3'"), e);

        e = error("report: {density_profile: {compression: 0.5}}");
        assertTrue(e.startsWith("report.density_profile.compression: expected a compression ratio >= 1"), e);

        e = error("report: {density_profile: {compresion: 4}}");
        assertTrue(e.startsWith("report.density_profile: unknown key 'compresion' (did you mean 'compression'?)"), e);

        e = error("report: {compare: [[a, b], [a]]}");
        assertTrue(e.startsWith("report.compare[1]: expected a pair"), e);

        e = error("report: {compare: [[a, a]]}");
        assertTrue(e.startsWith("report.compare[0]: compares 'a' with itself"), e);

        e = error("report: {format: [png, jpg]}");
        assertTrue(e.startsWith("report.format[1]: unknown format 'jpg'"), e);

        e = error("report: {format: []}");
        assertTrue(e.startsWith("report.format: needs at least one"), e);

        e = error("report: {strategies: [a, b, a]}");
        assertTrue(e.startsWith("report.strategies[2]: 'a' is listed twice"), e);

        e = error("report: {title: [a, b]}");
        assertTrue(e.startsWith("report.title: expected a non-empty string, got list"), e);

        e = error("report: [accuracy-vs-compression]");
        assertTrue(e.startsWith("report: expected a mapping"), e);
    }
}
