package prunebench.bench;

import static prunebench.bench.CsvRows.row;

import java.util.Locale;
import prunebench.config.DatasetSpec;
import prunebench.data.DatasetRegistry;
import prunebench.data.ImageData;

/**
 * {@code load DATASET [--root DIR] [--label L]}: seconds to locate and decode a dataset through the registry, row
 * {@code load_DATASET} followed by L; see {@link Bench}.
 */
final class LoadBenchmark {
    private LoadBenchmark() {
    }

    static int run(BenchArgs args) {
        String name = args.subject();
        String root = args.option("root");
        DatasetRegistry registry = new DatasetRegistry();
        if (!registry.names().contains(name)) {
            System.err.println("bench: no dataset reader '" + name + "'; skipped");
            return Bench.MISSING;
        }
        DatasetSpec spec = new DatasetSpec(name, root, null, null, null);
        try {
            registry.locate(spec);
        } catch (RuntimeException e) {
            System.err.println("bench: dataset '" + name + "' not present; skipped");
            return Bench.MISSING;
        }
        long t0 = System.nanoTime();
        ImageData data = registry.load(spec);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "bench: %s: %d train + %d test images of %dx%dx%d%n", name,
                data.train().size(), data.test().size(), data.channels(), data.height(), data.width());
        row("load_" + name + args.option("label", ""), "-", "-", seconds, "s");
        return 0;
    }
}
