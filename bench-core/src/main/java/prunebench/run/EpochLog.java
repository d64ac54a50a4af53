package prunebench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import prunebench.train.EpochRecord;
import prunebench.util.AtomicFiles;

/** {@code epochs.csv}: one line per training epoch of a run or of a pretrained model. */
final class EpochLog {
    private EpochLog() {}

    static void write(Path file, List<EpochRecord> records) throws IOException {
        StringBuilder sb = new StringBuilder(
                "stage,epoch,lr,train_loss,train_top1,test_top1,test_top5,seconds,images_per_second\n");
        for (EpochRecord r : records) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%.6g,%.6f,%.6f,%.6f,%.6f,%.3f,%.1f%n", r.stage(), r.epoch(),
                    r.lr(), r.trainLoss(), r.trainTop1(), r.testTop1(), r.testTop5(), r.seconds(),
                    r.imagesPerSecond()));
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
