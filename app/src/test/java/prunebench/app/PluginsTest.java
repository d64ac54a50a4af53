package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.data.ImageData;
import prunebench.testing.SyntheticData;

/**
 * --plugins: a class folder or jar built outside prunebench (the example strategy of examples/custom-strategy, and a
 * model and a dataset from src/test/plugins) is found like the built-in strategies, models and datasets.
 */
class PluginsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path tmp;
    static Path classes;
    static Path jar;

    @BeforeAll
    static void buildPlugin() throws IOException {
        classes = tmp.resolve("plugin-classes");
        List<Path> sources = new ArrayList<>();
        sources.addAll(javaFiles(ROOT.resolve("examples/custom-strategy/src/main/java")));
        sources.addAll(javaFiles(ROOT.resolve("app/src/test/plugins")));
        compile(classes, sources);
        Path services = classes.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.copy(ROOT.resolve("examples/custom-strategy/src/main/resources/META-INF/services/"
                + "prunebench.prune.PruningStrategy"), services.resolve("prunebench.prune.PruningStrategy"));
        Files.writeString(services.resolve("prunebench.model.ModelFactory"), "org.example.more.TinyMlp\n");
        Files.writeString(services.resolve("prunebench.data.DatasetProvider"), "org.example.more.CsvImages\n");
        jar = tmp.resolve("my-plugin.jar");
        jar(classes, jar);
    }

    @Test
    void listShowsEachPluginNextToTheBuiltIns() {
        Cli.Result r = Cli.run("--list", "--plugins", jar.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.lines().anyMatch(l -> l.startsWith("models:") && l.contains("tiny-mlp") && l.contains("lenet5")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("strategies:") && l.contains("lamp")), out);
        assertTrue(out.contains("  plugin " + jar + ": models tiny-mlp; datasets mnist-csv; strategies lamp\n"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("  built-in (") && l.contains("global_magnitude")), out);

        Cli.Result without = Cli.run("--list");
        assertEquals(0, without.code());
        assertTrue(!without.out().contains("lamp") && !without.out().contains("plugin "), without.out());
    }

    /** tiny-mlp on mnist-csv pruned by lamp: all three from the plug-in. */
    private static Path pluginExperiment() throws IOException {
        Path experiment = tmp.resolve("plugin-grid.yaml");
        if (Files.exists(experiment)) {
            return experiment;
        }
        Path data = csvDataset(tmp.resolve("csv-data"));
        Files.writeString(experiment, String.join("\n",
                "name: plugin-grid",
                "model: tiny-mlp",
                "dataset: {name: mnist-csv, root: " + data + "}",
                "seeds: [0]",
                "device: cpu",
                "pretrain: {epochs: 2, batch_size: 32, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}",
                "finetune: {epochs: 1, batch_size: 32, optimizer: {name: sgd, lr: 0.01, momentum: 0.9}}",
                "pruning: {compressions: [8], strategies: [lamp]}", ""));
        return experiment;
    }

    @Test
    void aGridRunsWithAPluginModelDatasetAndStrategy() throws IOException {
        Path experiment = pluginExperiment();
        Path results = tmp.resolve("plugin-results");
        Cli.Result r = Cli.run(experiment.toString(), "--plugins", classes.toString(), "--results",
                results.toString(), "--workers", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> rows = Files.readAllLines(results.resolve("runs.csv"));
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(1).contains(",lamp,") && rows.get(1).contains(",ok,"), rows.get(1));
        Path run;
        try (Stream<Path> s = Files.list(results.resolve("runs"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // LAMP keeps every layer alive; the plug-in model's own PyTorch names reach the output files.
        List<String> layers = Files.readAllLines(run.resolve("layers.csv"));
        assertTrue(layers.get(1).startsWith("hidden.weight,64x784,50176,"), layers.toString());

        Cli.Result missing = Cli.run(experiment.toString(), "--results", results.toString(), "--dry-run");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("tiny-mlp"), missing.err());
    }

    @Test
    void slurmJobsRunWithThePluginOnTheirClassPath() throws IOException {
        Cli.Result r = Cli.run(pluginExperiment().toString(), "--plugins", jar.toString(), "--results",
                tmp.resolve("slurm-results").toString(), "--slurm", "--dry-run", "--allow-local-results");
        assertEquals(0, r.code(), r.out() + r.err());
        // The jar is copied into slurm/lib by content like the rest of the code, and the jobs' class path has it.
        assertTrue(r.out().matches("(?s).*\\n\\s+my-plugin-[0-9a-f]{12}\\.jar\\n.*"), r.out());
    }

    @Test
    void aMissingPluginOrANameTakenTwiceIsBadInput() throws IOException {
        Cli.Result missing = Cli.run("--list", "--plugins", tmp.resolve("nope.jar").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--plugins " + tmp.resolve("nope.jar") + ": no such jar or class folder"),
                missing.err());

        Path notAJar = Files.writeString(tmp.resolve("notes.txt"), "not a jar");
        Cli.Result bad = Cli.run("--list", "--plugins", notAJar.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains(": not a jar file"), bad.err());

        Path dup = tmp.resolve("dup-classes");
        Path src = tmp.resolve("dup-src/org/example/dup/Again.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package org.example.dup;
                public final class Again implements prunebench.model.ModelFactory {
                    public String name() { return "lenet5"; }
                    public String description() { return "a second lenet5"; }
                    public prunebench.model.Architecture build(ai.djl.ndarray.types.Shape s, int n) {
                        return new prunebench.model.LeNet5().build(s, n);
                    }
                }
                """);
        compile(dup, List.of(src));
        Files.createDirectories(dup.resolve("META-INF/services"));
        Files.writeString(dup.resolve("META-INF/services/prunebench.model.ModelFactory"), "org.example.dup.Again\n");
        Cli.Result twice = Cli.run("--list", "--plugins", dup.toString());
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("model 'lenet5' is registered twice: by built-in (")
                && twice.err().contains("and by plugin " + dup + " (org.example.dup.Again)"), twice.err());
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static void compile(Path out, List<Path> sources) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString(), "-cp",
                System.getProperty("java.class.path")));
        sources.forEach(p -> args.add(p.toString()));
        int code = javac.run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, code, "javac " + sources);
    }

    private static void jar(Path dir, Path file) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file));
                Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(dir.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    /** The synthetic task as CSV rows label,p0..p783 with a header, as the plug-in reads them. */
    private static Path csvDataset(Path dir) throws IOException {
        Files.createDirectories(dir);
        ImageData d = SyntheticData.create(384, 128, 1, 28, 10, 13);
        write(dir.resolve("train.csv"), d.train());
        write(dir.resolve("test.csv"), d.test());
        return dir;
    }

    private static void write(Path file, ImageData.Split split) throws IOException {
        int sample = 28 * 28;
        StringBuilder sb = new StringBuilder("label");
        for (int i = 0; i < sample; i++) {
            sb.append(",p").append(i);
        }
        sb.append('\n');
        for (int r = 0; r < split.size(); r++) {
            sb.append(split.labels()[r]);
            for (int i = 0; i < sample; i++) {
                sb.append(',').append(split.pixels()[r * sample + i] & 0xFF);
            }
            sb.append('\n');
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
