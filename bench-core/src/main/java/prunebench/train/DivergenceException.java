package prunebench.train;

/** Training produced a NaN or infinite loss: the run is recorded as failed, the grid goes on. */
public class DivergenceException extends RuntimeException {
    public DivergenceException(String message) {
        super(message);
    }
}
