package dev.udsproxy.contract;

import java.util.Arrays;
import java.util.List;

/** A value of a closed set, as written in flags, env, annotations and the CRD ({@code v1}, {@code io_uring}). */
public interface WireValue {
    String wireName();

    /**
     * The constant written exactly so (case matters: the CRD's enum does too).
     *
     * @throws IllegalArgumentException saying which values are allowed, e.g. "expected off, v1 or v2"
     */
    static <E extends Enum<E> & WireValue> E parse(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wireName().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("expected " + choices(type));
    }

    /** "off, v1 or v2". */
    static <E extends Enum<E> & WireValue> String choices(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(WireValue::wireName).toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
