package prunebench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import prunebench.run.ProgressSink;
import prunebench.run.ProgressSink.Level;

class LiveProgressTest {
    @Test
    void oneBarForTheGridWithEachWorkersRunAndResultsAboveIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        LiveProgress live = new LiveProgress(out, System.nanoTime(), 2, 3, 220);
        ProgressSink w0 = live.worker(0);
        ProgressSink w1 = live.worker(1);
        w1.runFound("random-c1-s0-aaaa1111", false, 3); // failed in an earlier invocation
        w0.runStarted(2, 3, "random-c4-s0-bbbb2222", "random  compression 4 ...");
        w0.training("finetune", 2, 3, 5, 10);
        w1.runStarted(3, 3, "snip-c8-s0-cccc3333", "snip ...");
        w1.training("pretrain", 1, 4, 1, 4);
        w0.log(Level.INFO, "  finetune epoch 2/3  loss 0.4");          // on the bar, not as a line
        w0.log(Level.NOTICE, "note: the data differs");
        w1.log(Level.WARN, "warning: metrics.json is not a complete record");
        w0.runEnded("random-c4-s0-bbbb2222", true, 10.0, "  done: top1 85.00%");
        live.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        String last = text.substring(text.lastIndexOf('\r') + 1);
        assertTrue(last.contains("2/3"), last);                       // found + finished here, each once
        assertTrue(last.contains("1 failed"), last);
        assertTrue(last.contains("w1 snip-c8-s0 pretrain 1/4 25%"), last);
        assertTrue(last.contains("w0 idle"), last);
        // One run left, two workers, runs take 10 s: about 10 s to go.
        assertTrue(last.matches("(?s).*/ 0:00:(09|10)\\).*"), last);
        assertTrue(text.contains("w0 random-c4-s0 finetune 2/3 50%"), text);
        assertTrue(text.contains("] [w0] random-c4-s0 done: top1 85.00%\n"), text);
        assertTrue(text.contains("] [w0] note: the data differs\n"), text);
        assertTrue(text.contains("] [w1] warning: metrics.json is not a complete record\n"), text);
        assertFalse(text.contains("loss 0.4"), text);
        assertTrue(text.contains("\r\u001b[K["), "a line above the bar clears the bar's line first");
    }

    /** Eight workers on an 80-column terminal: the line is shortened rather than cut after the fourth worker. */
    @Test
    void manyWorkersAreShortenedToFitTheLine() {
        String[] runs = new String[8];
        String[] stages = new String[8];
        for (int w = 0; w < 8; w++) {
            runs[w] = w == 7 ? null : "variational_dropout-c68-s" + w;
            stages[w] = w == 7 ? null : "learn 12/200 40%";
        }
        String wide = LiveProgress.workersText(runs, stages, 1000);
        assertTrue(wide.contains("w6 variational_dropout-c68-s6 learn 12/200 40%") && wide.contains("w7 idle"), wide);
        String brief = LiveProgress.workersText(runs, stages, 200);
        assertTrue(brief.length() <= 200 && brief.contains("w6 learn 12/200 40%") && brief.contains("w7 idle"),
                brief);
        assertEquals(" | 7 of 8 workers busy", LiveProgress.workersText(runs, stages, 80 - LiveProgress.BAR_WIDTH));
    }

    @Test
    void workerEventsCrossThePipeAndTorchsWarningDoesNot() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream pipe = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        WorkerPipe worker = new WorkerPipe(pipe, Level.INFO);
        worker.runStarted(1, 4, "random-c4-s0-ab", "random\tcompression 4");
        worker.training("finetune", 1, 2, 3, 8);
        worker.training("finetune", 1, 2, 4, 8); // within 250 ms of the last: not sent
        worker.training("finetune", 1, 2, 8, 8); // an epoch's end always is
        worker.log(Level.DEBUG, "every batch");  // above this worker's threshold: not sent
        worker.log(Level.WARN, "warning: x");
        worker.runEnded("random-c4-s0-ab", false, 2.5, "  FAILED: DivergenceException: loss is NaN");
        worker.runFound("global-c1-s0-cd", true, 4);
        pipe.println("[W1129 18:40:52.649 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated "
                + "and will be removed in 1.10 release.");
        pipe.println("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space");

        List<String> seen = new ArrayList<>();
        WorkerPipe.relay(new BufferedReader(new StringReader(bytes.toString(StandardCharsets.UTF_8))),
                new ProgressSink() {
                    @Override
                    public void log(Level level, String message) {
                        seen.add(level + " " + message);
                    }

                    @Override
                    public void runStarted(int index, int total, String runId, String description) {
                        seen.add("start " + index + "/" + total + " " + runId + " " + description);
                    }

                    @Override
                    public void runEnded(String runId, boolean ok, double seconds, String summary) {
                        seen.add("end " + runId + " " + ok + " " + seconds + " " + summary);
                    }

                    @Override
                    public void runFound(String runId, boolean ok, int total) {
                        seen.add("found " + runId + " " + ok + " " + total);
                    }

                    @Override
                    public void training(String stage, int epoch, int epochs, int step, int steps) {
                        seen.add("train " + stage + " " + epoch + "/" + epochs + " " + step + "/" + steps);
                    }
                });
        assertEquals(List.of(
                "start 1/4 random-c4-s0-ab random compression 4",
                "train finetune 1/2 3/8",
                "train finetune 1/2 8/8",
                "WARN warning: x",
                "end random-c4-s0-ab false 2.5   FAILED: DivergenceException: loss is NaN",
                "found global-c1-s0-cd true 4",
                "WARN Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"), seen);
    }
}
