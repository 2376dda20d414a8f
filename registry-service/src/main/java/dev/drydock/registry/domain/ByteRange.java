package dev.drydock.registry.domain;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A single satisfiable range of a blob GET ({@code Range: bytes=a-b}, {@code a-}, or {@code -n}). */
public record ByteRange(long start, long end) {

    private static final Pattern FORM = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /**
     * @return empty when there is no Range header or it is not a single byte range (the whole blob is served then)
     * @throws RegistryException RANGE_INVALID (416) when the range cannot be satisfied
     */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        long start;
        long end;
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
        } catch (NumberFormatException e) {
            // a position beyond 2^63 names no byte of any blob
            throw unsatisfiable(header, size);
        }
        if (start >= size || end < start) {
            throw unsatisfiable(header, size);
        }
        return Optional.of(new ByteRange(start, end));
    }

    private static RegistryException unsatisfiable(String header, long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "range not satisfiable: "
                + (header.length() > 100 ? header.substring(0, 100) + "…" : header), null,
                java.util.Map.of("Content-Range", "bytes */" + size));
    }

    public long length() {
        return end - start + 1;
    }
}
