package prunebench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportLibrariesTest {
    @Test
    void presentOnTheFullClasspath() {
        assertTrue(ReportLibraries.missing().isEmpty());
    }

    @Test
    void namesWhatALoaderWithoutThemLacks() {
        ClassLoader bare = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};
        assertEquals(List.of("tech.tablesaw.api.Table", "org.jfree.chart.JFreeChart"), ReportLibraries.missing(bare));
    }
}
