package org.p2pgrid.env.data;

import java.nio.file.Path;

/**
 * A data file whose content is wrong: names the file, the 1-based line, the column and the offending
 * value, then says what is wrong, so the message alone is enough to find and fix the row.
 */
public final class DataFileException extends RuntimeException {
    private final Path file;
    private final int line;
    private final String column;
    private final String value;

    public DataFileException(Path file, int line, String column, String value, String problem) {
        super(format(file, line, column, value, problem));
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
    }

    /** A problem of the file as a whole (e.g. wrong number of rows): no line or column. */
    public static DataFileException ofFile(Path file, String problem) {
        return new DataFileException(file, 0, null, null, problem);
    }

    private static String format(Path file, int line, String column, String value, String problem) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) sb.append(':').append(line);
        if (column != null) sb.append(", column ").append(column);
        if (value != null) sb.append(", value '").append(value).append('\'');
        return sb.append(": ").append(problem).toString();
    }

    public Path file() { return file; }

    /** 1-based line number in the file (the header is line 1), or 0 for a whole-file problem. */
    public int line() { return line; }

    public String column() { return column; }

    public String value() { return value; }
}
