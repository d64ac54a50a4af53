package prunebench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldOutTest {
    /** 100 one-pixel images: pixel value = index, labels 0 x 50, 1 x 30, 2 x 20. */
    private static ImageData data() {
        byte[] px = new byte[100];
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            px[i] = (byte) i;
            labels[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
        }
        ImageData.Split none = new ImageData.Split(new byte[0], new int[0]);
        return new ImageData("t", 1, 1, 1, 3, new ImageData.Split(px, labels), none, false);
    }

    @Test
    void holdsOutAStratifiedSeededDisjointSample() {
        ImageData held = data().holdOut(11, 7);
        assertEquals(11, held.validation().size());
        assertEquals(89, held.train().size());
        int[] perClass = new int[3];
        for (int l : held.validation().labels()) {
            perClass[l]++;
        }
        // shares 5.5, 3.3, 2.2: floors 5, 3, 2, the largest remainder (class 0) takes the last one
        assertArrayEquals(new int[] {6, 3, 2}, perClass);
        Set<Integer> seen = new HashSet<>();
        for (byte b : held.train().pixels()) {
            seen.add(b & 0xFF);
        }
        for (byte b : held.validation().pixels()) {
            assertEquals(true, seen.add(b & 0xFF), "example " + (b & 0xFF) + " in both splits");
        }
        assertEquals(100, seen.size());
        for (int i = 0; i < held.validation().size(); i++) { // labels travel with their pixels
            int index = held.validation().pixels()[i] & 0xFF;
            assertEquals(index < 50 ? 0 : index < 80 ? 1 : 2, held.validation().labels()[i]);
        }
        assertArrayEquals(held.validation().pixels(), data().holdOut(11, 7).validation().pixels());
        assertNotEquals(java.util.Arrays.toString(held.validation().pixels()),
                java.util.Arrays.toString(data().holdOut(11, 8).validation().pixels()));
    }

    @Test
    void cannotHoldOutEverything() {
        assertThrows(IllegalArgumentException.class, () -> data().holdOut(100, 0));
    }
}
