package io.junction.cluster.ops;

/** An operation on a cluster that cannot go on: its message says why in one line, naming the file or node at fault. */
public final class OperationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OperationFailed(String message) {
        super(message);
    }
}
