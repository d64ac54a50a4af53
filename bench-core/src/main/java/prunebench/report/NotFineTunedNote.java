package prunebench.report;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * report.md's note under the summary naming strategies measured with no training after their prune.
 */
final class NotFineTunedNote {
    private NotFineTunedNote() {}

    /**
     * Names the strategies whose pruned runs took a trained network and trained 0 epochs after pruning, so that
     * nobody reads their accuracies as fine-tuned results (runs.csv: timing pretrained, epochs_trained 0).
     */
    static void append(StringBuilder md, ReportData data) {
        Table runs = data.runs();
        if (!runs.containsColumn(RunsCsv.TIMING) || !runs.containsColumn(RunsCsv.EPOCHS_TRAINED)
                || !(runs.column(RunsCsv.EPOCHS_TRAINED) instanceof NumericColumn<?> epochs)) {
            return;
        }
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (RunsCsv.isOk(runs, r) && "pretrained".equals(runs.column(RunsCsv.TIMING).getUnformattedString(r))
                    && runs.doubleColumn(RunsCsv.COMPRESSION).getDouble(r) > 1 && !epochs.isMissing(r)
                    && epochs.getDouble(r) == 0) {
                labels.add("`" + runs.stringColumn(RunsCsv.STRATEGY).get(r) + "`");
            }
        }
        if (!labels.isEmpty()) {
            md.append("**No fine-tuning**: ").append(String.join(", ", labels)).append(labels.size() == 1 ? " prunes"
                    : " prune").append(" a trained network and is measured with 0 epochs of training after pruning: "
                    + "not a fine-tuned result (give the experiment a `finetune:` block, or `at: init`).\n\n");
        }
    }
}
