package prunebench.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * report.md's figures: one heading per figure kind, the image (relative link) or why there is nothing to draw.
 */
final class FigureSection {
    private FigureSection() {}

    /** The "Figures" section: each requested figure as an image link, its other formats linked after it. */
    static void append(StringBuilder md, Map<FigureKind, List<Path>> figures, Path outDir) {
        if (figures.isEmpty()) {
            return;
        }
        md.append("## Figures\n\n");
        md.append("Points are means over seeds, error bars ± one standard deviation; the dashed line is the dense "
                + "model (compression 1).\n\n");
        figures.forEach((kind, files) -> figure(md, kind, files, outDir));
    }

    private static void figure(StringBuilder md, FigureKind kind, List<Path> files, Path outDir) {
        md.append("### ").append(heading(kind)).append("\n\n");
        if (files.isEmpty()) {
            md.append("_Nothing to draw: ").append(kind == FigureKind.DENSITY_PROFILE ? "no layers.csv for the selected runs"
                    : kind == FigureKind.TRAINING_CURVES ? "no epochs.csv for the selected runs"
                    : "no successful pruned runs with this metric").append("._\n\n");
            return;
        }
        String first = link(outDir, files.get(0));
        md.append("![").append(kind.key()).append("](").append(first).append(")\n");
        if (files.size() > 1) {
            md.append("\nAlso as ");
            List<String> others = files.subList(1, files.size()).stream()
                    .map(f -> "[" + extension(f) + "](" + link(outDir, f) + ")").toList();
            md.append(String.join(", ", others)).append(".\n");
        }
        md.append('\n');
    }

    static String heading(FigureKind kind) {
        return switch (kind) {
            case ACCURACY_VS_COMPRESSION -> "Accuracy vs compression";
            case ACCURACY_VS_SPEEDUP -> "Accuracy vs theoretical speedup";
            case ACCURACY_VS_MEASURED_SPEEDUP -> "Accuracy vs measured speedup";
            case ACCURACY_VS_TRAIN_FLOPS -> "Accuracy vs training cost";
            case DELTA_TOP1_VS_COMPRESSION -> "Change in top-1 accuracy vs compression";
            case TOP5_VS_COMPRESSION -> "Top-5 accuracy vs compression";
            case TOP5_VS_SPEEDUP -> "Top-5 accuracy vs theoretical speedup";
            case DENSITY_PROFILE -> "Per-layer density";
            case TRAINING_CURVES -> "Training curves";
        };
    }

    /** A relative link with forward slashes, so report.md renders the same on every platform. */
    private static String link(Path outDir, Path file) {
        return outDir.relativize(file).toString().replace('\\', '/');
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1).toUpperCase(java.util.Locale.ROOT);
    }
}
