package org.p2pgrid.env.grid;

import java.nio.file.Path;

/** A MATPOWER case file that cannot be read or is not a radial feeder we can solve. Names file and line. */
public final class MatpowerFormatException extends RuntimeException {
    private final String file;
    private final int line;

    /**
     * @param file   file name as given to the reader
     * @param line   1-based line number, or 0 when the problem concerns the whole file
     * @param detail what is wrong: field, column and offending value
     */
    public MatpowerFormatException(String file, int line, String detail) {
        super(file + (line > 0 ? ":" + line : "") + ": " + detail);
        this.file = file;
        this.line = line;
    }

    public MatpowerFormatException(Path file, int line, String detail) {
        this(file.toString(), line, detail);
    }

    public String file() { return file; }

    /** 1-based line, 0 if not tied to a line. */
    public int line() { return line; }
}
