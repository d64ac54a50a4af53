package prunebench.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named tensors as NumPy {@code .npz} files (readable with {@code numpy.load}), written atomically. */
public final class TensorFiles {
    private TensorFiles() {}

    public static void save(Path file, Map<String, NDArray> tensors) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray cpu = e.getValue().toDevice(ai.djl.Device.cpu(), true);
            cpu.setName(e.getKey());
            list.add(cpu);
        }
        try {
            AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.NPZ));
        } finally {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) != tensors.get(list.get(i).getName())) {
                    list.get(i).close();
                }
            }
        }
    }

    /** Loads every tensor onto {@code manager}, keyed by name. */
    public static Map<String, NDArray> load(Path file, NDManager manager) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        }
    }
}
