package dev.drydock.registry.domain;

import dev.drydock.oci.RepositoryName;

import java.util.List;
import java.util.Map;

/** An expected refusal, answered with the OCI error body; never logged with a stack trace. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final Object detail;
    private final List<Object> details;
    private final Map<String, String> headers;

    public RegistryException(ErrorCode code, String message) {
        this(code, message, null, Map.of());
    }

    public RegistryException(ErrorCode code, String message, Object detail) {
        this(code, message, detail, Map.of());
    }

    public RegistryException(ErrorCode code, String message, Object detail, Map<String, String> headers) {
        super(message == null ? code.message() : message, null, false, false);
        this.code = code;
        this.detail = detail;
        this.details = null;
        this.headers = Map.copyOf(headers);
    }

    private RegistryException(ErrorCode code, String message, List<Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.detail = null;
        this.details = List.copyOf(details);
        this.headers = Map.of();
    }

    /** The repository does not exist (or holds nothing this request can see): 404 NAME_UNKNOWN. */
    public static RegistryException nameUnknown(RepositoryName name) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known", name.value());
    }

    /** One error entry per detail, as the spec asks for MANIFEST_BLOB_UNKNOWN (one per missing descriptor). */
    public static RegistryException each(ErrorCode code, String message, List<?> details) {
        return new RegistryException(code, message, List.copyOf(details));
    }

    /** The details of the error entries: one entry per element. */
    public List<Object> entries() {
        return details == null ? java.util.Collections.singletonList(detail) : details;
    }

    /** The spec's error body: {@code {"errors": [{code, message, detail?}]}}, one entry per detail. */
    public Map<String, Object> body() {
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (Object d : entries()) {
            Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("code", code.wireCode());
            entry.put("message", getMessage());
            if (d != null) {
                entry.put("detail", d);
            }
            entries.add(entry);
        }
        return Map.of("errors", entries);
    }

    public ErrorCode code() {
        return code;
    }

    public Object detail() {
        return detail;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
