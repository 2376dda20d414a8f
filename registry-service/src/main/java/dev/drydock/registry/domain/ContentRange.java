package dev.drydock.registry.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Content-Range of an upload chunk: {@code <start>-<end>}, inclusive, without a unit (the spec's form). */
public record ContentRange(long start, long end) {

    private static final Pattern FORM = Pattern.compile("(?:bytes )?(\\d{1,18})-(\\d{1,18})");

    public static ContentRange parse(String header) {
        Matcher m = FORM.matcher(header.strip());
        if (!m.matches()) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range: " + header);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end < start) {
            throw new RegistryException(ErrorCode.RANGE_INVALID, "Content-Range ends before it starts: " + header);
        }
        return new ContentRange(start, end);
    }

    public long length() {
        return end - start + 1;
    }
}
