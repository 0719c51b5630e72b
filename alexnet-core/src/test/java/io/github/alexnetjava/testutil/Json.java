package io.github.alexnetjava.testutil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON reader for the reference cases' {@code params.json}: objects become {@code Map<String, Object>},
 * arrays {@code List<Object>}, numbers {@code Double}, plus String, Boolean and null. Accessors take a dotted
 * path ({@code "layers.conv1.kernel"}) and fail with a message naming the file and the key.
 */
public final class Json {
    private final String source;
    private final Object root;

    private Json(String source, Object root) {
        this.source = source;
        this.root = root;
    }

    public static Json read(Path file) {
        return parse(file.toString(), TestData.readString(file));
    }

    public static Json parse(String source, String text) {
        Parser p = new Parser(source, text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return new Json(source, v);
    }

    public Object root() {
        return root;
    }

    public boolean has(String path) {
        try {
            get(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public Object get(String path) {
        Object cur = root;
        for (String key : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new IllegalArgumentException(source + ": no key '" + path + "'");
            }
            cur = m.get(key);
        }
        return cur;
    }

    public double number(String path) {
        Object v = get(path);
        if (!(v instanceof Double d)) {
            throw new IllegalArgumentException(source + ": '" + path + "' is not a number: " + v);
        }
        return d;
    }

    public int integer(String path) {
        double d = number(path);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(source + ": '" + path + "' is not an int: " + d);
        }
        return (int) d;
    }

    public String string(String path) {
        Object v = get(path);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(source + ": '" + path + "' is not a string: " + v);
        }
        return s;
    }

    /** An int array, or a single int expanded to {@code [v, v]} style by the caller. */
    public int[] ints(String path) {
        Object v = get(path);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(source + ": '" + path + "' is not an array: " + v);
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Double d) || d != Math.rint(d)) {
                throw new IllegalArgumentException(source + ": '" + path + "'[" + i + "] is not an int: " + e);
            }
            out[i] = (int) (double) d;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String path) {
        Object v = get(path);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(e -> e instanceof String)) {
            throw new IllegalArgumentException(source + ": '" + path + "' is not an array of strings: " + v);
        }
        return (List<String>) list;
    }

    private static final class Parser {
        final String source;
        final String s;
        int pos;

        Parser(String source, String s) {
            this.source = source;
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(source + ": invalid JSON at offset " + pos + ": " + what);
        }

        void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        void expect(char c) {
            ws();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Object value() {
            ws();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    if (s.startsWith("true", pos)) {
                        pos += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", pos)) {
                        pos += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", pos)) {
                        pos += 4;
                        return null;
                    }
                    return number();
            }
        }

        Map<String, Object> object() {
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                ws();
                String key = string();
                expect(':');
                m.put(key, value());
                ws();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        List<Object> array() {
            expect('[');
            List<Object> l = new ArrayList<>();
            ws();
            if (s.charAt(pos) == ']') {
                pos++;
                return l;
            }
            while (true) {
                l.add(value());
                ws();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return l;
            }
        }

        String string() {
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw error("expected a string");
            }
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        break;
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            throw error("unterminated string");
        }

        Double number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (start == pos) {
                throw error("unexpected character '" + s.charAt(pos) + "'");
            }
            try {
                return Double.parseDouble(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("bad number '" + s.substring(start, pos) + "'");
            }
        }
    }
}
