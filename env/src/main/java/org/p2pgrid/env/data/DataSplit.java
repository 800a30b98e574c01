package org.p2pgrid.env.data;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

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

    /**
     * Day lists: {@code validation | test | training | all}, a comma list of day indices, or
     * {@code SPLIT/K} for every K-th day of a split (e.g. {@code test/7}: 12 test days spread over the year).
     */
    public static List<Integer> parseDays(String spec, String where) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int stride = 1;
        int slash = s.indexOf('/');
        if (slash > 0) {
            try {
                stride = Integer.parseInt(s.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " = '" + spec + "': '" + s.substring(slash + 1) + "' is not a stride");
            }
            if (stride < 1) {
                throw new IllegalArgumentException(where + " = '" + spec + "': stride must be >= 1");
            }
            s = s.substring(0, slash).trim();
        }
        List<Integer> base = switch (s) {
            case "validation" -> days(Split.VALIDATION);
            case "test" -> days(Split.TEST);
            case "training" -> days(Split.TRAINING);
            case "all" -> java.util.stream.IntStream.range(0, DAYS).boxed().toList();
            default -> {
                if (stride != 1) {
                    throw new IllegalArgumentException(where + " = '" + spec + "': a stride needs a split name before '/'");
                }
                List<Integer> list = new ArrayList<>();
                for (String part : s.split(",")) {
                    int d;
                    try {
                        d = Integer.parseInt(part.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + " = '" + spec + "': '" + part.trim()
                                + "' is neither validation/test/training/all nor a day index 0..364");
                    }
                    if (d < 0 || d >= DAYS) {
                        throw new IllegalArgumentException(where + " = '" + spec + "': day " + d + " is outside 0..364");
                    }
                    list.add(d);
                }
                yield list;
            }
        };
        if (stride == 1) {
            return base;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < base.size(); i += stride) {
            out.add(base.get(i));
        }
        return out;
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
