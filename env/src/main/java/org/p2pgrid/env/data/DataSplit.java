package org.p2pgrid.env.data;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The paper's split of a year of days (§IV): the first day of each month is VALIDATION, the last
 * 7 days of each month are TEST, the rest TRAINING — 12 / 84 / 269 days of a 365-day year.
 *
 * <p>Day indices 0..364 are dates of {@link #YEAR} (2023, non-leap, 1 January a Sunday, the year of
 * the Elia solar series); weekdays of generated load days follow that calendar.
 */
public final class DataSplit {
    public static final int YEAR = 2023;
    public static final int DAYS = SeriesSource.DAYS_PER_YEAR;
    public static final int TEST_DAYS_PER_MONTH = 7;

    public enum Split { TRAINING, VALIDATION, TEST }

    private static final List<List<Integer>> DAYS_BY_SPLIT;

    static {
        List<List<Integer>> lists = new ArrayList<>();
        for (int i = 0; i < Split.values().length; i++) lists.add(new ArrayList<>());
        for (int d = 0; d < DAYS; d++) lists.get(of(d).ordinal()).add(d);
        List<List<Integer>> frozen = new ArrayList<>();
        for (List<Integer> l : lists) frozen.add(Collections.unmodifiableList(l));
        DAYS_BY_SPLIT = List.copyOf(frozen);
    }

    private DataSplit() {}

    /** The split a day belongs to. */
    public static Split of(int dayOfYear) {
        LocalDate date = date(dayOfYear);
        if (date.getDayOfMonth() == 1) return Split.VALIDATION;
        if (date.getDayOfMonth() > date.lengthOfMonth() - TEST_DAYS_PER_MONTH) return Split.TEST;
        return Split.TRAINING;
    }

    /** Days of a split, ascending (unmodifiable). */
    public static List<Integer> days(Split split) {
        return DAYS_BY_SPLIT.get(split.ordinal());
    }

    /** Calendar date of day index 0..364 in {@link #YEAR}. */
    public static LocalDate date(int dayOfYear) {
        SeriesSource.checkDay(dayOfYear);
        return LocalDate.ofYearDay(YEAR, dayOfYear + 1);
    }

    /** Day index 0..364 of a date (its month and day taken in {@link #YEAR}; 29 February is rejected). */
    public static int dayOfYear(LocalDate date) {
        if (date.getMonthValue() == 2 && date.getDayOfMonth() == 29) {
            throw new IllegalArgumentException("29 February has no day in the 365-day year " + YEAR);
        }
        return LocalDate.of(YEAR, date.getMonth(), date.getDayOfMonth()).getDayOfYear() - 1;
    }

    public static DayOfWeek dayOfWeek(int dayOfYear) {
        return date(dayOfYear).getDayOfWeek();
    }
}
