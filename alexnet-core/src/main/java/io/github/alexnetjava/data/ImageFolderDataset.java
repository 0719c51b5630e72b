package io.github.alexnetjava.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ImageNet-style image dataset read lazily from disk: only the file paths and labels are kept in memory;
 * images are decoded on each {@link #load}.
 *
 * <h2>Layouts</h2>
 * <ul>
 * <li><b>Class folders</b> ({@link #open}): {@code ROOT/train/<class>/*.{JPEG,jpg,jpeg,png}} and
 * {@code ROOT/val/<class>/...}. The class list is the sorted (by {@link String#compareTo}) names of the folders in
 * {@code ROOT/train}, e.g. {@code n01440764}; labels are indices into it. {@code val/} may hold a subset of the
 * train classes (a val folder with an unknown name is an error). Files are sorted by name within a class. Hidden
 * entries (names starting with '.') and files with other extensions are ignored (the latter with one WARN).
 * An empty class folder logs a WARN and still counts in the class list, so labels do not depend on which
 * folders happen to have images.</li>
 * <li><b>Flat ILSVRC2012 validation</b> ({@link #flat}): a folder of images plus a label file with one line per
 * image: {@code <file name> <label>}, separated by white space, where {@code <label>} is either a 0-based class
 * index into the given class list (the sorted synsets, as in Caffe's {@code val.txt}) or a class name
 * (synset, e.g. {@code n01751748}). Blank lines and lines starting with '#' are ignored. Note that the official
 * {@code ILSVRC2012_validation_ground_truth.txt} (1-based ILSVRC ids, no file names) is NOT this format.</li>
 * </ul>
 */
public final class ImageFolderDataset implements Dataset {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderDataset.class);
    private static final String EXPECTED = "expected an ImageNet-style root with train/ and val/, each holding one "
            + "folder per class with .JPEG/.jpg/.jpeg/.png images (e.g. train/n01440764/n01440764_10026.JPEG)";

    private final String name;
    private final List<String> classes;
    private final Path[] files;
    private final int[] labels;

    private ImageFolderDataset(String name, List<String> classes, Path[] files, int[] labels) {
        this.name = name;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
    }

    /** True for the extensions read: jpg, jpeg, png (any case). */
    public static boolean isImageFile(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return !fileName.startsWith(".") && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    /**
     * Opens split {@code split} ("train" or "val") of an ImageNet-style root; the class list always comes from
     * {@code root/train}.
     *
     * @throws DatasetException listing what was expected and found if the root is not such a folder
     */
    public static ImageFolderDataset open(Path root, String split) throws IOException {
        List<String> found = listing(root);
        if (!Files.isDirectory(root.resolve("train")) || !Files.isDirectory(root.resolve("val"))) {
            throw new DatasetException("dataset root " + root + ": " + EXPECTED + "; found " + describe(found));
        }
        List<String> classes = subfolders(root.resolve("train"));
        if (classes.isEmpty()) {
            throw new DatasetException("dataset root " + root + ": " + EXPECTED + "; found no class folders in "
                    + root.resolve("train") + " (contents: " + describe(listing(root.resolve("train"))) + ")");
        }
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("dataset root " + root + ": no split '" + split + "'; " + EXPECTED
                    + "; found " + describe(found));
        }
        ImageFolderDataset ds = fromClassFolders(dir, classes);
        if (ds.size() == 0) {
            throw new DatasetException("dataset " + dir + ": no images found; " + EXPECTED + "; found class folders "
                    + describe(subfolders(dir)) + " holding no .JPEG/.jpg/.jpeg/.png file");
        }
        return ds;
    }

    /** Reads a folder of class folders; the class list is the sorted subfolder names. */
    public static ImageFolderDataset fromClassFolders(Path dir) throws IOException {
        return fromClassFolders(dir, subfolders(dir));
    }

    /**
     * Reads a folder of class folders, labelled by {@code classes}: every subfolder must be in that list;
     * classes without a folder simply have no examples.
     */
    public static ImageFolderDataset fromClassFolders(Path dir, List<String> classes) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + " is not a directory; " + EXPECTED);
        }
        Map<String, Integer> index = indexOf(classes);
        List<Path> paths = new ArrayList<>();
        List<Integer> labs = new ArrayList<>();
        int ignored = 0;
        for (String cls : subfolders(dir)) {
            Integer label = index.get(cls);
            if (label == null) {
                throw new DatasetException(dir.resolve(cls) + ": class folder '" + cls
                        + "' is not one of the " + classes.size() + " training classes");
            }
            List<Path> inClass = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir.resolve(cls))) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    String fn = p.getFileName().toString();
                    if (fn.startsWith(".")) {
                        continue;
                    }
                    if (isImageFile(fn) && !Files.isDirectory(p)) {
                        inClass.add(p);
                    } else {
                        ignored++;
                    }
                }
            }
            if (inClass.isEmpty()) {
                LOG.warn("class folder {} has no images; class '{}' (label {}) still counts in the class list",
                        dir.resolve(cls), cls, label);
            }
            for (Path p : inClass) {
                paths.add(p);
                labs.add(label);
            }
        }
        if (ignored > 0) {
            LOG.warn("{}: ignored {} entries that are not .JPEG/.jpg/.jpeg/.png files", dir, ignored);
        }
        return new ImageFolderDataset(dir.toString(), classes, paths.toArray(new Path[0]),
                labs.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The flat ILSVRC2012 validation layout: {@code imageDir} holds the images, {@code labelFile} has lines
     * {@code <file name> <class index or class name>} (see the class comment).
     */
    public static ImageFolderDataset flat(Path imageDir, Path labelFile, List<String> classes) throws IOException {
        if (!Files.isDirectory(imageDir)) {
            throw new DatasetException(imageDir + " is not a directory (expected a folder of validation images)");
        }
        Map<String, Integer> index = indexOf(classes);
        List<Path> paths = new ArrayList<>();
        List<Integer> labs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(labelFile, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] parts = t.split("\\s+");
                if (parts.length != 2) {
                    throw new DatasetException(labelFile + ":" + no + ": expected '<file name> <class index or "
                            + "class name>', found '" + t + "'");
                }
                Integer label = index.get(parts[1]);
                if (label == null) {
                    try {
                        int v = Integer.parseInt(parts[1]);
                        if (v >= 0 && v < classes.size()) {
                            label = v;
                        }
                    } catch (NumberFormatException ignored) {
                        // not a number either
                    }
                }
                if (label == null) {
                    throw new DatasetException(labelFile + ":" + no + ": label '" + parts[1] + "' is neither a class "
                            + "index in [0, " + classes.size() + ") nor one of the class names");
                }
                Path p = imageDir.resolve(parts[0]);
                if (!Files.isRegularFile(p)) {
                    throw new DatasetException(labelFile + ":" + no + ": image " + p + " does not exist");
                }
                paths.add(p);
                labs.add(label);
            }
        }
        if (paths.isEmpty()) {
            throw new DatasetException(labelFile + ": no '<file name> <label>' lines found");
        }
        return new ImageFolderDataset(imageDir.toString(), classes, paths.toArray(new Path[0]),
                labs.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Map<String, Integer> indexOf(List<String> classes) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            m.put(classes.get(i), i);
        }
        return m;
    }

    private static List<String> subfolders(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .forEach(out::add);
        }
        Collections.sort(out);
        return out;
    }

    private static List<String> listing(Path dir) {
        if (!Files.exists(dir)) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(p -> out.add(p.getFileName() + (Files.isDirectory(p) ? "/" : "")));
        } catch (IOException e) {
            out.add("(unreadable: " + e.getMessage() + ")");
        }
        return out;
    }

    private static String describe(List<String> entries) {
        if (entries == null) {
            return "nothing (the path does not exist)";
        }
        if (entries.isEmpty()) {
            return "an empty folder (or not a folder)";
        }
        int n = entries.size();
        List<String> shown = entries.subList(0, Math.min(n, 20));
        return "[" + String.join(", ", shown) + (n > 20 ? ", ... (" + n + " entries)" : "") + "]";
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public List<String> classNames() {
        return Collections.unmodifiableList(classes);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public int channels() {
        return 3;
    }

    public Path path(int index) {
        return files[index];
    }

    @Override
    public String describe(int index) {
        return files[index].toString();
    }

    @Override
    public Image load(int index) throws IOException {
        return ImageDecoder.decode(files[index]);
    }

    @Override
    public String toString() {
        return "ImageFolderDataset[" + name + ", " + files.length + " images, " + classes.size() + " classes]";
    }
}
