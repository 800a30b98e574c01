package org.p2pgrid.env.data;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A 15-minute series made of whole calendar days (96 values each), possibly with gaps between days
 * (the Elia wind file covers two separate spans). Values of day {@code days().get(i)} are
 * {@code values[96·i .. 96·i+95]}; step k covers [k·15 min, (k+1)·15 min) in {@link #offset()}.
 *
 * <p>Immutable: the values are copied in and out.
 */
public final class TimeSeries15 {
    public static final int STEPS_PER_DAY = 96;

    private final String name;
    private final String unit;
    private final ZoneOffset offset;
    private final List<LocalDate> days;
    private final double[] values;
    private final int missingTreatedAsZero;
    private final int clippedValues;
    private final Map<LocalDate, Integer> dayIndex = new HashMap<>();

    /**
     * @param missingTreatedAsZero how many missing source values were read as 0 (documented Elia night gaps)
     * @param clippedValues how many source values were clipped into the valid range (e.g. tiny negative
     *     wind output of idle turbines)
     */
    public TimeSeries15(String name, String unit, ZoneOffset offset, List<LocalDate> days, double[] values,
                        int missingTreatedAsZero, int clippedValues) {
        this.name = name;
        this.unit = unit;
        this.offset = offset;
        this.days = List.copyOf(days);
        this.values = values.clone();
        this.missingTreatedAsZero = missingTreatedAsZero;
        this.clippedValues = clippedValues;
        if (values.length != STEPS_PER_DAY * days.size()) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + days.size()
                    + " days; expected " + STEPS_PER_DAY * days.size());
        }
        for (int i = 0; i < this.days.size(); i++) {
            if (i > 0 && !this.days.get(i).isAfter(this.days.get(i - 1))) {
                throw new IllegalArgumentException(name + ": days not strictly increasing at " + this.days.get(i));
            }
            dayIndex.put(this.days.get(i), i);
        }
    }

    public String name() { return name; }

    public String unit() { return unit; }

    /** Offset of the time axis the values are stored in (UTC for Elia, +01:00 for the load profiles). */
    public ZoneOffset offset() { return offset; }

    public List<LocalDate> days() { return days; }

    public int dayCount() { return days.size(); }

    public int missingTreatedAsZero() { return missingTreatedAsZero; }

    public int clippedValues() { return clippedValues; }

    public double[] values() { return values.clone(); }

    public double value(int index) { return values[index]; }

    public int size() { return values.length; }

    public boolean covers(LocalDate dayInSeriesOffset) { return dayIndex.containsKey(dayInSeriesOffset); }

    /** One contiguous calendar year (365 or 366 days from 1 January). */
    public boolean isFullYear() {
        if (days.isEmpty()) return false;
        LocalDate first = days.get(0);
        return first.getDayOfYear() == 1 && days.size() == first.lengthOfYear()
                && ChronoUnit.DAYS.between(first, days.get(days.size() - 1)) == days.size() - 1;
    }

    public double mean() {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }

    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) m = Math.max(m, v);
        return m;
    }

    /** The 96 values of a day of the series' own time axis. */
    public double[] day(LocalDate date) {
        Integer i = dayIndex.get(date);
        if (i == null) throw notCovered(date, offset);
        double[] out = new double[STEPS_PER_DAY];
        System.arraycopy(values, i * STEPS_PER_DAY, out, 0, STEPS_PER_DAY);
        return out;
    }

    /**
     * The 96 values of calendar day {@code date} on the time axis {@code target} (e.g. +01:00 when the
     * series is UTC): shifts by whole steps and takes values from the neighbouring source day where
     * needed. A full-year series wraps around its year end (the few steps before 1 January come from
     * 31 December of the same year: night for PV; documented approximation). Fails if a needed day
     * is not covered.
     */
    public double[] dayAt(LocalDate date, ZoneOffset target) {
        int shiftSeconds = offset.getTotalSeconds() - target.getTotalSeconds();
        if (shiftSeconds % (15 * 60) != 0) {
            throw new IllegalArgumentException("offsets " + offset + " and " + target + " differ by a non-multiple of 15 minutes");
        }
        LocalDateTime start = date.atStartOfDay().plusSeconds(shiftSeconds);
        double[] out = new double[STEPS_PER_DAY];
        for (int k = 0; k < STEPS_PER_DAY; k++) {
            LocalDateTime t = start.plusMinutes(15L * k);
            LocalDate sourceDay = t.toLocalDate();
            Integer i = dayIndex.get(sourceDay);
            if (i == null && isFullYear()) {
                int year = days.get(0).getYear();
                i = dayIndex.get(sourceDay.getYear() < year ? days.get(days.size() - 1) : days.get(0));
            }
            if (i == null) throw notCovered(date, target);
            out[k] = values[i * STEPS_PER_DAY + t.getHour() * 4 + t.getMinute() / 15];
        }
        return out;
    }

    private IllegalArgumentException notCovered(LocalDate date, ZoneOffset axis) {
        String coverage = days.isEmpty() ? "nothing" : spans();
        return new IllegalArgumentException("series '" + name + "' does not cover day " + date + " (time axis " + axis
                + "; the series is stored in " + offset + " and covers " + coverage + ")");
    }

    /** Covered spans, e.g. "2023-02-01..2023-04-30, 2025-02-01..2025-02-28". */
    public String spans() {
        StringBuilder sb = new StringBuilder();
        LocalDate spanStart = null;
        LocalDate previous = null;
        for (LocalDate d : days) {
            if (spanStart == null) {
                spanStart = d;
            } else if (!d.equals(previous.plusDays(1))) {
                sb.append(sb.length() > 0 ? ", " : "").append(spanStart).append("..").append(previous);
                spanStart = d;
            }
            previous = d;
        }
        if (spanStart != null) sb.append(sb.length() > 0 ? ", " : "").append(spanStart).append("..").append(previous);
        return sb.toString();
    }

    @Override
    public String toString() {
        return "TimeSeries15[" + name + " [" + unit + "], " + offset + ", " + days.size() + " days: " + spans() + "]";
    }
}
