package prunebench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper protocols of experiments/papers/: each loads, lists the paper's grid, and runs end to end at a tiny
 * budget on a generated 32x32 ten-class image folder (CIFAR-10's shape; two images per class to train, two to test,
 * so that a VGG-16 run is one small training step, its evaluations and its speed measurement on batches of two),
 * with the published references in its report. The two end-to-end runs train VGG-16 (six and three runs, SynFlow's
 * 100 rounds included): minutes on an idle machine, far more on a loaded one, so they run when
 * {@code PRUNEBENCH_PAPERS_E2E=1} is set ({@code PRUNEBENCH_PAPERS_E2E=1 ./scripts/test}); loading and the grids
 * are always checked.
 */
class PapersTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void writeImages() throws IOException {
        data = tmp.resolve("images");
        Random random = new Random(5);
        for (String split : List.of("train", "test")) {
            for (int c = 0; c < 10; c++) {
                Path dir = data.resolve(split).resolve("class" + c);
                Files.createDirectories(dir);
                for (int i = 0; i < (split.equals("train") ? 2 : 1); i++) {
                    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            image.setRGB(x, y, (c * 25 << 16) | random.nextInt(1 << 16));
                        }
                    }
                    ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
    }

    private static Cli.Result run(String paper, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("../experiments/papers/" + paper + ".yaml",
                "--set", "dataset.name=imagefolder", "--set", "dataset.root=" + data,
                "--set", "dataset.max_test=2", "--results", tmp.resolve(paper).toString()));
        if (Files.exists(Path.of("../references/" + paper + ".csv"))) { // frankle2021 has none
            args.addAll(List.of("--set", "report.references=[../references/" + paper + ".csv]"));
        }
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /**
     * CI-sized, always run: the Tanaka protocol file as a user would smoke-test it (--budget, --set), on LeNet-5 and
     * the generated images, its references found from the experiment file's folder (not overridden here, and not
     * in the current directory, app/), drawn on the figure and compared in report.md and published-comparison.csv.
     */
    @Test
    void aPaperProtocolRunsForRealAtCiSizeWithItsReferences() throws IOException {
        Path dir = tmp.resolve("tanaka-ci");
        // the plumbing, with the same references relabelled for these runs' model and dataset as well
        Path relabelled = tmp.resolve("tanaka-lenet5.csv");
        Files.writeString(relabelled, Files.readString(Path.of("../references/tanaka2020-vgg16-cifar10.csv"))
                .replace("tanaka2020,vgg16-lottery,cifar10,", "tanaka2020-ci,lenet5,imagefolder,"));
        Cli.Result r = Cli.run("../experiments/papers/tanaka2020-vgg16-cifar10.yaml", "--budget", "0.00625",
                "--set", "report.references=[references/tanaka2020-vgg16-cifar10.csv, " + relabelled + "]",
                "--set", "model=lenet5", "--set", "dataset.name=imagefolder", "--set", "dataset.root=" + data,
                "--set", "dataset.max_test=2", "--set", "seeds=[0]", "--set", "pruning.compressions=[1, 10]",
                "--set", "workers=1",
                "--set", "report.format=[png, svg]", "--results", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals(1 + 5 * 2, runs.size(), String.join("\n", runs));
        assertTrue(runs.stream().skip(1).allMatch(l -> l.contains(",ok,") && l.contains(",0.00625,")
                && l.contains(",lenet5,")), String.join("\n", runs));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("> **Scaled protocol (budget 0.00625)**"), md);
        // the paper's numbers are for VGG-16 on CIFAR-10: not compared with LeNet-5 on generated images
        assertTrue(md.contains("| synflow | 10 | not run | 93.26 (n=3) | — | — |"), md);
        assertTrue(md.contains("tanaka2020-vgg16-cifar10.csv:27 (synflow at 10): not run: model vgg16-lottery, the runs' is lenet5"), md);
        md = Files.readString(dir.resolve("report.md"));
        // one seed: our CI half-width is 0; Synaptic-Flow's arrays give no spread, so agreement is |d| <= 0.5
        for (String row : List.of("| synflow | 10 | ", "| snip | 10 | ", "| random | 1 | ")) {
            assertTrue(md.lines().anyMatch(l -> l.startsWith(row) && !l.contains("not run")), row + "\n" + md);
        }
        assertTrue(md.contains("| synflow | 1000 | not run | 80.39 (n=3) | — | — |"), md);
        List<String> published = Files.readAllLines(dir.resolve("published-comparison.csv"));
        String synflow10 = published.stream().filter(l -> l.contains(",tanaka2020-ci,synflow,10,")).findFirst()
                .orElseThrow(() -> new AssertionError(String.join("\n", published)));
        // ours (runs.csv's top-1 in percent), n 1, published 93.26 of 3 seeds, difference ours - published, 0.5
        double ours = 100 * Double.parseDouble(runs.stream().filter(l -> l.startsWith("synflow-c10-")).findFirst()
                .orElseThrow().split(",")[9]);
        String[] f = synflow10.split(",");
        assertFalse(f[0].isEmpty(), "the experiment column names the experiment: " + synflow10);
        assertEquals(ours, Double.parseDouble(f[4]), 1e-9, synflow10);
        assertEquals(List.of("1", "93.26", "", "3"), List.of(f[6], f[7], f[8], f[9]), synflow10);
        assertEquals(ours - 93.26, Double.parseDouble(f[10]), 1e-6, synflow10);
        assertEquals(List.of("0.5", Math.abs(ours - 93.26) <= 0.5 ? "true" : "false"), List.of(f[11], f[12]));
        // ... source, model, dataset, verdict, not_run_reason (empty), ours_compression_actual (about 10)
        assertTrue(synflow10.contains("compression 10^1 of the prunable weights\",lenet5,imagefolder,"
                + (Math.abs(ours - 93.26) <= 0.5 ? "yes,," : "no,,")), synflow10);
        assertEquals(10, Double.parseDouble(f[f.length - 1]), 0.2, "ours_compression_actual: " + synflow10);
        String svg = Files.readString(dir.resolve("plots/accuracy-vs-compression.svg"));
        for (String strategy : List.of("random", "magnitude", "snip", "grasp", "synflow")) {
            assertTrue(svg.contains(strategy + " (published)"), strategy);
        }
    }

    @Test
    void tanakaListsThePapersGrid() {
        Cli.Result r = run("tanaka2020-vgg16-cifar10", "--dry-run");
        assertEquals(0, r.code(), r.err());
        // 5 strategies x 12 compressions (dense and 10^0.5 .. 10^3) x 3 seeds
        assertTrue(r.out().startsWith("tanaka2020-vgg16-cifar10: 180 runs"), r.out());
        for (String id : List.of("random-c1-s0-", "magnitude-c17.783-s1-", "snip-c3.1623-s2-", "grasp-c316.23-s0-",
                "synflow-c1000-s2-")) {
            assertTrue(r.out().contains("  " + id), id + "\n" + r.out());
        }
        Cli.Result scaled = run("tanaka2020-vgg16-cifar10", "--dry-run", "--budget", "0.05");
        assertTrue(scaled.out().contains("budget 0.05: every epoch count scaled (pretrain 8, finetune 0 epochs)"),
                scaled.out());
        Cli.Result bad = run("tanaka2020-vgg16-cifar10", "--dry-run", "--budget", "2");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--budget: must be a fraction of the epochs in (0, 1], got 2.0"), bad.err());
    }

    @Test
    void frankleListsThePapersGrid() {
        // planned from CIFAR-10's description (its 50,000 images): the 20 generated ones end pretraining before the
        // rewinding point, which is refused
        Cli.Result r = run("frankle2021-resnet20-cifar10", "--dry-run", "--set", "dataset.name=cifar10", "--set",
                "dataset.root=" + tmp.resolve("no-cifar10"));
        assertEquals(0, r.code(), r.err());
        // 17 at-init strategies x 7 compressions, 4 iterative strategies x 2 (dense, the levels to 55.5x); 3 seeds
        assertTrue(r.out().startsWith("frankle2021-resnet20-cifar10: 381 runs"), r.out());
        // ResNet-20 with every conv and the classifier pruned: 0.8^18 = 1.8% of the prunable weights in 18 levels
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  lottery_rewind_shuffle-c55.511151-s2-")
                && l.endsWith("pretrained, 18 levels of 20%, retrains 160 epochs each (2880 epochs, and 2720 for "
                + "the ticket's own levels)")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  grasp_invert-c7.450581-s0-")
                && l.endsWith("init, trains 160 epochs sparse")), r.out());
    }

    @Test
    void liListsThePapersGrid() {
        Cli.Result r = run("li2017-vgg16-cifar10", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("li2017-vgg16-cifar10: 6 runs"), r.out());
        assertTrue(r.out().contains("  pruned_a-c2.78-s2-"), r.out());
    }

    @Test
    void heAmcListsThePapersGrid() {
        // planned from CIFAR-10's description: the file holds 5,000 images out for amc's reward, more than the 20
        // generated ones; its references (references/he2018-resnet56-cifar10.csv) are loaded and checked too
        Cli.Result r = run("he2018-resnet56-cifar10", "--dry-run", "--set", "dataset.name=cifar10", "--set",
                "dataset.root=" + tmp.resolve("no-cifar10"));
        assertEquals(0, r.code(), r.err());
        // 2 strategies (uniform = l1_filter, amc) x 2 compressions (dense, speedup 2) x 3 seeds
        assertTrue(r.out().startsWith("he2018-resnet56-cifar10: 12 runs"), r.out());
        // 45,000 training images: CIFAR-10's 50,000 less the 5,000 held out (the note on the missing data, on stderr)
        assertTrue(r.err().contains("45,000 training images"), r.err());
        for (String id : List.of("uniform-c1-s0-", "uniform-c2-s1-", "amc-c1-s2-", "amc-c2-s2-")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + id)
                    && l.endsWith("pretrained, fine-tunes 40 epochs")), id + "\n" + r.out());
        }
    }

    @Test
    void huangListsThePapersGrid() {
        Cli.Result r = run("huang2018-vgg16-cifar10", "--dry-run", "--set", "dataset.name=cifar10", "--set",
                "dataset.root=" + tmp.resolve("no-cifar10"));
        assertEquals(0, r.code(), r.err());
        // 2 strategies x 5 compressions (dense and the four published FLOPs speedups) x 3 seeds; no references file
        assertTrue(r.out().startsWith("huang2018-vgg16-cifar10: 30 runs"), r.out());
        for (String id : List.of("l1_filter-c1.81-s0-", "l1_filter-c2.23-s1-", "learning_to_prune-c2.82-s2-",
                "learning_to_prune-c5.15-s2-")) {
            assertTrue(r.out().contains("  " + id), id + "\n" + r.out());
        }
        assertFalse(Files.exists(Path.of("../references/huang2018-vgg16-cifar10.csv")),
                "the published numbers are drops without a baseline: no references file");
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "PRUNEBENCH_PAPERS_E2E", matches = "1")
    void tanakaRunsEndToEndAtATinyBudget() throws IOException {
        // 160 epochs x 0.005 = 1 epoch; every strategy once at compression 10 (SynFlow with its 100 rounds).
        Cli.Result r = run("tanaka2020-vgg16-cifar10", "--budget", "0.005", "--set", "seeds=[0]",
                "--set", "pruning.compressions=[10]", "--set", "dataset.validation=4", "--set", "workers=1");
        assertEquals(0, r.code(), r.err());
        Path dir = tmp.resolve("tanaka2020-vgg16-cifar10");
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals(6, runs.size(), String.join("\n", runs));
        assertTrue(runs.get(0).endsWith(",val_top1,budget,compression_all,compression_prunable,learned_compression,learned_top1,config"), runs.get(0));
        assertTrue(runs.stream().skip(1).allMatch(l -> l.contains(",ok,") && l.matches(".*,0\\.005(,[^,]*){5}")),
                String.join("\n", runs));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("> **Scaled protocol (budget 0.005)**"), md);
        assertTrue(md.contains("| synflow | 10 | "), md);
        assertTrue(md.contains("| synflow | 1000 | not run | 80.39 (n=3) | — | — |"), md);
        assertTrue(md.contains("validation top-1 (%)"), md);
        assertTrue(Files.isRegularFile(dir.resolve("plots/accuracy-vs-compression.png")));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "PRUNEBENCH_PAPERS_E2E", matches = "1")
    void liRunsEndToEndAtATinyBudget() throws IOException {
        // 160 and 40 epochs x 0.005: one epoch each; pruned-A's fixed fractions give compression 2.78
        Cli.Result r = run("li2017-vgg16-cifar10", "--budget", "0.005", "--set", "seeds=[0]", "--set", "workers=1");
        assertEquals(0, r.code(), r.err());
        Path dir = tmp.resolve("li2017-vgg16-cifar10");
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| pruned_a | 2.78 | "), md);
        assertTrue(md.contains("| 93.40 (n=1) |"), md);
        String pruned = Files.readAllLines(dir.resolve("runs.csv")).stream().filter(l -> l.contains("-c2.78-"))
                .findFirst().orElseThrow();
        assertTrue(pruned.contains(",2.77"), pruned); // compression_actual 14,987,722 / 5,397,034 = 2.777
    }
}
