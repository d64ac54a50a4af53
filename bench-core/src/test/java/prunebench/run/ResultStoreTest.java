package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResultStoreTest {
    @Test
    void aRecordWrittenBeforeSpeedupMeasuredExistedReadsItAsNaNNotZero() {
        String old = "{\"run_id\": \"r1\", \"strategy\": \"random\", \"compression\": 4.0, \"seed\": 0, \"status\": \"ok\","
                + " \"top1\": 0.9, \"top5\": NaN, \"params\": 61706}";
        RunResult r = ResultStore.parse(old);
        assertEquals("r1", r.run_id());
        assertEquals(0.9, r.top1());
        assertTrue(Double.isNaN(r.top5()));
        assertEquals(61_706, r.params());
        assertTrue(Double.isNaN(r.speedup_measured()));
        assertEquals(1.7, ResultStore.parse(old.replace("}", ", \"speedup_measured\": 1.7}")).speedup_measured());
    }
}
