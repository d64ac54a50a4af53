package prunebench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import prunebench.run.ExperimentRunner.Plan;

/** The note a grid starts with when its folder holds finished runs of other data. */
final class OtherDataNote {
    private OtherDataNote() {}

    /**
     * Says so when the folder holds finished runs computed on other data than the data read now (the same dataset
     * name, another fingerprint): they are kept, and this grid's runs, whose identities include the data, are new.
     */
    static void say(Plan plan, Progress progress) throws IOException {
        Path runs = plan.resultsDir().resolve("runs");
        Set<String> planned = new HashSet<>();
        plan.runs().forEach(r -> planned.add(r.runId()));
        Map<String, Integer> others = new TreeMap<>();
        int unfingerprinted = 0;
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                if (planned.contains(d.getFileName().toString()) || !Files.exists(d.resolve(ResultStore.METRICS))) {
                    continue;
                }
                java.util.Optional<String> sha = Manifest.dataSha256(d.resolve(Manifest.FILE));
                if (sha.isEmpty()) {
                    unfingerprinted++;
                } else if (!sha.get().equals(plan.fingerprint().sha256())) {
                    others.merge(sha.get().substring(0, 12), 1, Integer::sum);
                }
            }
        }
        if (unfingerprinted > 0) {
            progress.info("note: " + unfingerprinted + " finished run(s) in this folder were recorded before run "
                    + "identities included the data's fingerprint; they are kept but not reused (see README, 'What is "
                    + "guaranteed')");
        }
        if (!others.isEmpty()) {
            progress.info("note: the data in " + plan.fingerprint().root() + " (fingerprint "
                    + plan.fingerprint().shortHash() + ") differs from the data of "
                    + others.values().stream().mapToInt(Integer::intValue).sum() + " earlier run(s) in this folder "
                    + "(fingerprint " + String.join(", ", others.keySet()) + "); those are kept, and the runs of "
                    + "this data are new ones");
        }
    }
}
