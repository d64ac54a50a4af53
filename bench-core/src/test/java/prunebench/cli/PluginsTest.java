package prunebench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.model.LeNet5;
import prunebench.model.ModelFactory;

/** --plugins and PRUNEBENCH_PLUGINS: which paths, in which order, and what a bad entry says. */
class PluginsTest {
    @TempDir
    Path tmp;

    @Test
    void flagsThenTheEnvironmentEachOnce() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Plugins p = Plugins.of(List.of(a), b + File.pathSeparator + File.pathSeparator + a);
        assertEquals(List.of(a, b), p.paths());
        assertEquals("base" + File.pathSeparator + a + File.pathSeparator + b, p.classpath("base"));
        // Built-in registrations are still found, and say where they come from.
        List<ModelFactory> models = p.load(ModelFactory.class, "model", m -> List.of(m.name()));
        ModelFactory lenet = models.stream().filter(m -> m instanceof LeNet5).findFirst().orElseThrow();
        assertTrue(p.origin(lenet).startsWith("built-in ("), p.origin(lenet));
    }

    @Test
    void aMissingEnvironmentEntryIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Plugins.of(List.of(), tmp.resolve("gone.jar").toString()));
        assertEquals("PRUNEBENCH_PLUGINS entry " + tmp.resolve("gone.jar") + ": no such jar or class folder",
                e.getMessage());
    }

    @Test
    void noPluginsIsTheApplicationClassPath() {
        Plugins p = Plugins.of(List.of(), null);
        assertEquals(List.of(), p.paths());
        assertEquals("x", p.classpath("x"));
    }
}
