package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    static final List<String> SORTED = List.of("Ankle_boot", "Bag", "Coat", "Dress", "Pullover", "Sandal", "Shirt",
            "Sneaker", "T-shirt_top", "Trouser");

    @Test
    void readsTheBundledFolderWithSortedClasses() throws IOException {
        ImageFolderDataset train = ImageFolderDataset.open(Images.fashionMini(), "train");
        ImageFolderDataset val = ImageFolderDataset.open(Images.fashionMini(), "val");
        assertEquals(SORTED, train.classNames());
        assertEquals(SORTED, val.classNames());
        assertEquals(300, train.size());
        assertEquals(100, val.size());
        int[] perClass = new int[10];
        for (int i = 0; i < train.size(); i++) {
            perClass[train.label(i)]++;
            String cls = train.path(i).getParent().getFileName().toString();
            assertEquals(SORTED.get(train.label(i)), cls);
        }
        for (int c : perClass) {
            assertEquals(30, c);
        }
        // sorted by name within a class, mixed extensions
        assertEquals("train_00023.jpg", train.path(30).getFileName().toString());
        assertEquals("Bag", train.classNames().get(train.label(30)));
        Image img = train.load(0);
        assertEquals(3, img.channels());
        assertEquals(64, img.width());
    }

    @Test
    void emptyClassFolderStillCountsAndHiddenFilesAreIgnored() throws IOException {
        ImageFolderDataset train = ImageFolderDataset.open(Images.broken(), "train");
        assertEquals(List.of("bad", "empty", "good"), train.classNames());
        assertEquals(4 + 4, train.size()); // .gitkeep in empty/ ignored
        for (int i = 0; i < train.size(); i++) {
            assertTrue(train.label(i) != 1);
        }
        ImageFolderDataset val = ImageFolderDataset.open(Images.broken(), "val");
        assertEquals(1, val.size());
        assertEquals(2, val.label(0)); // "good" in the train class list
    }

    @Test
    void malformedRootListsExpectedAndFound(@TempDir Path tmp) throws IOException {
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp, "train"));
        assertTrue(e.getMessage().contains("train/ and val/"), e.getMessage());
        assertTrue(e.getMessage().contains("one folder per class"), e.getMessage());
        assertTrue(e.getMessage().contains("found an empty folder"), e.getMessage());

        Files.createDirectories(tmp.resolve("images"));
        Files.writeString(tmp.resolve("labels.txt"), "x");
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp, "train"));
        assertTrue(e.getMessage().contains("found [images/, labels.txt]"), e.getMessage());

        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp.resolve("nope"), "train"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        Files.createDirectories(tmp.resolve("train"));
        Files.createDirectories(tmp.resolve("val"));
        Files.writeString(tmp.resolve("train/a.jpg"), "x");
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp, "train"));
        assertTrue(e.getMessage().contains("no class folders"), e.getMessage());
        assertTrue(e.getMessage().contains("a.jpg"), e.getMessage());

        Files.createDirectories(tmp.resolve("train/n01"));
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp, "train"));
        assertTrue(e.getMessage().contains("no images found"), e.getMessage());

        Files.createDirectories(tmp.resolve("val/n99"));
        Files.copy(Images.broken().resolve("val/good/rgb.png"), tmp.resolve("train/n01/x.png"));
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(tmp, "val"));
        assertTrue(e.getMessage().contains("'n99' is not one of the 1 training classes"), e.getMessage());
    }

    @Test
    void flatValidationLayout(@TempDir Path tmp) throws IOException {
        Path imgs = Files.createDirectories(tmp.resolve("val"));
        Path src = Images.broken().resolve("train/good");
        Files.copy(src.resolve("rgb.png"), imgs.resolve("ILSVRC2012_val_00000001.JPEG"));
        Files.copy(src.resolve("grey.jpg"), imgs.resolve("ILSVRC2012_val_00000002.JPEG"));
        List<String> classes = List.of("n01440764", "n01443537", "n01484850");
        Path labels = tmp.resolve("val.txt");
        Files.writeString(labels, "# file label\nILSVRC2012_val_00000001.JPEG 2\n\n"
                + "ILSVRC2012_val_00000002.JPEG   n01443537\n");
        ImageFolderDataset ds = ImageFolderDataset.flat(imgs, labels, classes);
        assertEquals(2, ds.size());
        assertEquals(2, ds.label(0));
        assertEquals(1, ds.label(1));
        assertEquals(3, ds.load(1).channels());

        Files.writeString(labels, "ILSVRC2012_val_00000001.JPEG 3\n");
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolderDataset.flat(imgs, labels, classes));
        assertTrue(e.getMessage().contains("val.txt:1: label '3'"), e.getMessage());
        Files.writeString(labels, "missing.JPEG 0\n");
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.flat(imgs, labels, classes));
        assertTrue(e.getMessage().contains("missing.JPEG does not exist"), e.getMessage());
        Files.writeString(labels, "a b c\n");
        e = assertThrows(DatasetException.class, () -> ImageFolderDataset.flat(imgs, labels, classes));
        assertTrue(e.getMessage().contains("expected '<file name> <class index or class name>'"), e.getMessage());
    }
}
