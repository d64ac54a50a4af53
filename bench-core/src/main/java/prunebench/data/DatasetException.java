package prunebench.data;

import prunebench.config.ConfigException;

/** A dataset that is missing, truncated or inconsistent: bad input, exit code 2. */
public class DatasetException extends ConfigException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
