package dev.drydock.tasks.domain;

import java.util.List;

/**
 * Walks the words of a command line the way docker build and acr read flags: {@code -f value},
 * {@code --file value} and {@code --file=value}.
 */
public final class Flags {

    private final List<String> words;
    private int next;
    private String word;
    private String flag;
    private String inline;

    public Flags(List<String> words, int start) {
        this.words = words;
        this.next = start;
    }

    public boolean hasNext() {
        return next < words.size();
    }

    /** Moves to the next word. @return its flag (the part before '=' of {@code --name=value}), or the word itself */
    public String next() {
        word = words.get(next++);
        int eq = word.indexOf('=');
        boolean split = word.startsWith("--") && eq > 0;
        inline = split ? word.substring(eq + 1) : null;
        flag = split ? word.substring(0, eq) : word;
        return flag;
    }

    /** The current word as written. */
    public String word() {
        return word;
    }

    /** The current flag's value: what follows its '=', else the next word. */
    public String value() {
        if (inline != null) {
            return inline;
        }
        if (next >= words.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return words.get(next++);
    }
}
